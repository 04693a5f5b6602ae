import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Account } from '../schema.js';
import { AccountsRepository } from './accounts-repository.js';
import { CoverageRepository, ERROR_TEXT_CHARS } from './coverage-repository.js';
import { toOutboxEvent } from './finding-events-repository.js';

const MINUTE_MS = 60_000;
const T0 = new Date('2031-05-01T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE_MS);

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`CoverageRepository on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let handles = 0;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
    });
    afterAll(async () => dispose());

    async function account(lastSuccessAt: Date | null): Promise<Account> {
      handles += 1;
      const created = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: `gap-${handles}`, kind: 'corporate', owner: { name: 'Jane Doe', employeeId: 'E-7' } });
      return database.db.updateTable('accounts').set({ last_success_at: lastSuccessAt }).where('id', '=', created.id).returningAll().executeTakeFirstOrThrow();
    }
    const fail = (subject: Account, minutes: number, reason: 'server_error' | 'login_wall' = 'server_error') =>
      database.db.transaction().execute((trx) => CoverageRepository.recordFailure(trx, subject, { reason, error: `failed at ${minutes}`, at: at(minutes) }));
    const restore = (subject: Account, minutes: number, publishedAt: Date[], uncoveredUntil: Date | null = null) =>
      database.db.transaction().execute((trx) => CoverageRepository.recordRestored(trx, subject, { at: at(minutes), publishedAt, uncoveredUntil, coveredSince: subject.last_success_at ?? subject.created_at }));
    const eventsOf = async (gapId: string) =>
      (await database.db.selectFrom('finding_events').selectAll().where('finding_id', '=', gapId).orderBy('seq').execute()).map(toOutboxEvent);

    it('opens a gap from the last success with a coverage.gap event, and extends it without another', async () => {
      const subject = await account(at(0));
      const opened = await fail(subject, 10);
      expect(opened.isOpened).toBe(true);
      expect(opened.gap).toMatchObject({ started_at: at(0), detected_at: at(10), last_failed_at: at(10), ended_at: null, failures: 1, reason: 'server_error' });

      const extended = await fail(subject, 25, 'login_wall');
      expect(extended).toMatchObject({ isOpened: false, gap: { id: opened.gap.id, detected_at: at(10), last_failed_at: at(25), failures: 2, reason: 'login_wall', last_error: 'failed at 25' } });

      const events = await eventsOf(opened.gap.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'coverage.gap', findingVersion: 1 });
      expect(events[0]!.payload).toEqual({
        gapId: opened.gap.id,
        account: { id: subject.id, platform: 'mastodon', handle: subject.handle, kind: 'corporate', ownerEmployeeId: 'E-7', ownerDepartment: null },
        reason: 'server_error',
        lastError: 'failed at 10',
        startedAt: at(0).toISOString(),
        detectedAt: at(10).toISOString(),
        endedAt: null,
        failures: 1,
        caughtUpPosts: null,
        uncoveredUntil: null,
      });
    });

    it('starts the gap of an account never read at its registration', async () => {
      const subject = await account(null);
      expect((await fail(subject, 0)).gap.started_at).toEqual(subject.created_at);
    });

    it('closes the open gap with a coverage.restored event, counting only posts published after it started', async () => {
      const subject = await account(at(0));
      const { gap } = await fail(subject, 10);
      const closed = await restore(subject, 60, [at(-30), at(5), at(40), at(59)], at(5));
      expect(closed).toMatchObject({ id: gap.id, ended_at: at(60), caught_up_posts: 3, uncovered_until: at(5) });
      const events = await eventsOf(gap.id);
      expect(events.map((event) => [event.type, event.findingVersion])).toEqual([
        ['coverage.gap', 1],
        ['coverage.restored', 2],
      ]);
      expect(events[1]!.payload).toMatchObject({ endedAt: at(60).toISOString(), caughtUpPosts: 3, uncoveredUntil: at(5).toISOString() });

      // Nothing open any more: a success closes nothing, and the next failure opens a new gap.
      expect(await restore(subject, 70, [])).toBeUndefined();
      expect(await eventsOf(gap.id)).toHaveLength(2);
      const next = await fail({ ...subject, last_success_at: at(70) }, 80);
      expect(next).toMatchObject({ isOpened: true, gap: { started_at: at(70) } });
      expect(next.gap.id).not.toBe(gap.id);
    });

    it('reports a reading that gave up posts at its catch-up depth, without any outage, as a gap opened and closed at once', async () => {
      const subject = await account(at(0));
      const closed = await restore(subject, 60, [at(50), at(55), at(59)], at(50));
      expect(closed).toMatchObject({ reason: 'catch_up_depth', started_at: at(0), detected_at: at(60), ended_at: at(60), caught_up_posts: 3, uncovered_until: at(50) });
      expect(closed!.last_error).toMatch(/CRAWL_CATCHUP_POSTS/u);
      expect((await eventsOf(closed!.id)).map((event) => [event.type, event.findingVersion])).toEqual([
        ['coverage.gap', 1],
        ['coverage.restored', 2],
      ]);
    });

    it('keeps at most ERROR_TEXT_CHARS of an error', async () => {
      const subject = await account(at(0));
      const { gap } = await database.db
        .transaction()
        .execute((trx) => CoverageRepository.recordFailure(trx, subject, { reason: 'parse_failure', error: 'x'.repeat(5_000), at: at(1) }));
      expect(gap.last_error).toHaveLength(ERROR_TEXT_CHARS);
      await CoverageRepository.recordAttempt(database.db, { platform: 'mastodon', accountId: subject.id, isCanary: false, outcome: 'parse_failure', error: 'y'.repeat(5_000) });
      const attempt = await database.db.selectFrom('collection_attempts').select('error').where('account_id', '=', subject.id).executeTakeFirstOrThrow();
      expect(attempt.error).toHaveLength(ERROR_TEXT_CHARS);
    });

    it('reads what decides a platform state: its newest collections in the span and its newest canary collection', async () => {
      const record = (platform: string, minutes: number, outcome: 'ok' | 'timeout', isCanary = false) =>
        CoverageRepository.recordAttempt(database.db, { platform, accountId: null, isCanary, outcome, attemptedAt: at(minutes) });
      await record('bluesky', 1, 'timeout', true);
      await record('bluesky', 2, 'ok', true);
      for (let minute = 3; minute <= 6; minute += 1) await record('bluesky', minute, 'timeout');
      await record('bluesky', 500, 'ok');
      await record('vk', 4, 'ok');

      const attempts = await new CoverageRepository(database.db).decisiveAttempts(['bluesky', 'threads'], { since: at(0), until: at(10), recent: 3 });
      expect([...attempts.keys()]).toEqual(['bluesky']);
      expect(attempts.get('bluesky')?.map((attempt) => [attempt.attemptedAt, attempt.outcome, attempt.isCanary])).toEqual([
        [at(6), 'timeout', false],
        [at(5), 'timeout', false],
        [at(4), 'timeout', false],
        [at(2), 'ok', true],
      ]);
    });
  });
}
