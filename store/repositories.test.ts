import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError } from '../core/errors.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { storeTargets } from '../test/support/store-targets.js';
import { migrateToLatest } from './migrate-to-latest.js';
import type { Database } from './open-database.js';
import { AccountsRepository } from './repositories/accounts-repository.js';
import { AuditLogRepository } from './repositories/audit-log-repository.js';
import { FindingEventsRepository } from './repositories/finding-events-repository.js';
import { FindingsRepository, type FindingInput } from './repositories/findings-repository.js';
import { MediaRepository } from './repositories/media-repository.js';
import { PostsRepository } from './repositories/posts-repository.js';
import { ScanRunsRepository } from './repositories/scan-runs-repository.js';

// One suite, run against every engine: what passes on PGlite must pass on PostgreSQL.
for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`store on ${target.name}`, () => {
    const { log } = capturingLogger();
    let database: Database;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
    });
    afterAll(async () => dispose());

    async function newAccount(handle: string) {
      return new AccountsRepository(database.db).create({ platform: 'mastodon', handle, kind: 'employee' });
    }

    async function newPost(handle: string, externalId = '1') {
      const account = await newAccount(handle);
      const { post } = await new PostsRepository(database.db).upsert({
        accountId: account.id,
        platform: 'mastodon',
        externalId: `${handle}-${externalId}`,
        url: `https://social.example/@${handle}/${externalId}`,
        text: 'whiteboard photo',
      });
      return { account, post };
    }

    function findingFor(accountId: string, postId: string, overrides: Partial<FindingInput> = {}): FindingInput {
      return {
        postId,
        accountId,
        ruleIds: ['marking-confidential'],
        category: 'marking',
        severity: 'high',
        score: 87,
        scoreBreakdown: { base: 70, context: 17 },
        evidence: { source: 'ocr', text: 'STRICTLY CONFIDENTIAL', box: [10, 20, 300, 40] },
        ...overrides,
      };
    }

    describe('migrations', () => {
      it('applies nothing when the schema is already up to date', async () => {
        const report = await migrateToLatest(database.db, log);
        expect(report.applied).toEqual([]);
        expect(report.total).toBeGreaterThanOrEqual(1);
      });

      it('refuses a database migrated by a newer overshare', async () => {
        await sql`insert into overshare_migrations (name, timestamp) values ('9999-from-the-future', now())`.execute(
          database.db,
        );
        try {
          await expect(migrateToLatest(database.db, log)).rejects.toThrow(PermanentError);
          await expect(migrateToLatest(database.db, log)).rejects.toThrow(/9999-from-the-future/u);
        } finally {
          await sql`delete from overshare_migrations where name = '9999-from-the-future'`.execute(database.db);
        }
      });
    });

    describe('accounts', () => {
      it('registers an account and reads it back by id and by handle', async () => {
        const accounts = new AccountsRepository(database.db);
        const created = await accounts.create({
          platform: 'telegram',
          handle: 'halvard_news',
          kind: 'corporate',
          owner: { name: 'Comms team', email: 'comms@halvard-aero.example' },
          settings: { backfillDepth: 50 },
        });
        expect(created.status).toBe('pending');
        expect(created.is_active).toBe(true);
        expect(created.settings).toEqual({ backfillDepth: 50 });
        expect((await accounts.getById(created.id)).owner_email).toBe('comms@halvard-aero.example');
        expect((await accounts.findByHandle('telegram', 'halvard_news'))?.id).toBe(created.id);
      });

      it('refuses a second registration of the same platform and handle, naming it', async () => {
        await newAccount('twice');
        const again = newAccount('twice');
        await expect(again).rejects.toThrow(InputValidationError);
        await expect(newAccount('twice')).rejects.toThrow(/mastodon:twice is already registered/u);
      });

      it('reports an unknown account id as not found', async () => {
        await expect(new AccountsRepository(database.db).getById('00000000-0000-4000-8000-000000000000')).rejects.toThrow(
          NotFoundError,
        );
      });

      it('keeps the last error with its time until a collection succeeds', async () => {
        const accounts = new AccountsRepository(database.db);
        const account = await newAccount('flaky');
        await accounts.recordStatus(account.id, 'blocked', 'login wall');
        const blocked = await accounts.getById(account.id);
        expect([blocked.status, blocked.last_error]).toEqual(['blocked', 'login wall']);
        expect(blocked.last_error_at).toBeInstanceOf(Date);
        await accounts.recordStatus(account.id, 'ok');
        const ok = await accounts.getById(account.id);
        expect([ok.status, ok.last_error, ok.last_error_at]).toEqual(['ok', null, null]);
      });
    });

    describe('posts', () => {
      it('stores a post once however often it is collected, and tells a changed one apart', async () => {
        const posts = new PostsRepository(database.db);
        const account = await newAccount('poster');
        const input = {
          accountId: account.id,
          platform: 'mastodon',
          externalId: '42',
          url: 'https://social.example/@poster/42',
          text: 'Lunch with the team',
          mediaUrls: ['https://social.example/media/1.jpg'],
        };
        const first = await posts.upsert(input);
        const second = await posts.upsert(input);
        const edited = await posts.upsert({ ...input, text: 'Lunch with the team (edited)' });
        expect([first.outcome, second.outcome, edited.outcome]).toEqual(['created', 'unchanged', 'changed']);
        expect(second.post.id).toBe(first.post.id);
        expect(edited.post.id).toBe(first.post.id);
        expect(edited.post.text).toBe('Lunch with the team (edited)');
        const { count } = await database.db
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('external_id', '=', '42')
          .executeTakeFirstOrThrow();
        expect(count).toBe(1);
      });

      it('drops the text of a post but keeps its URL, ids and hash', async () => {
        const { post } = await newPost('dropper');
        await new PostsRepository(database.db).dropContent(post.id);
        const kept = await database.db.selectFrom('posts').selectAll().where('id', '=', post.id).executeTakeFirstOrThrow();
        expect(kept.text).toBeNull();
        expect(kept.content_dropped_at).toBeInstanceOf(Date);
        expect([kept.url, kept.external_id, kept.content_sha256]).toEqual([post.url, post.external_id, post.content_sha256]);
      });
    });

    describe('findings and their outbox', () => {
      it('records a finding once, with one created event, however often the same finding is reported', async () => {
        const { account, post } = await newPost('leaker');
        const findings = new FindingsRepository(database.db);
        const first = await findings.record(findingFor(account.id, post.id));
        const again = await findings.record(findingFor(account.id, post.id));
        expect([first.outcome, again.outcome]).toEqual(['created', 'unchanged']);
        expect(again.finding.id).toBe(first.finding.id);
        const events = await database.db
          .selectFrom('finding_events')
          .selectAll()
          .where('finding_id', '=', first.finding.id)
          .execute();
        expect(events.map((event) => [event.type, event.finding_version])).toEqual([['finding.created', 1]]);
      });

      it('makes a new version and an updated event when the same finding scores differently', async () => {
        const { account, post } = await newPost('rescored');
        const findings = new FindingsRepository(database.db);
        const first = await findings.record(findingFor(account.id, post.id));
        const rescored = await findings.record(findingFor(account.id, post.id, { score: 95, severity: 'critical' }));
        expect(rescored.outcome).toBe('updated');
        expect(rescored.finding.version).toBe(2);
        const events = await database.db
          .selectFrom('finding_events')
          .selectAll()
          .where('finding_id', '=', first.finding.id)
          .orderBy('seq')
          .execute();
        expect(events.map((event) => [event.type, event.finding_version])).toEqual([
          ['finding.created', 1],
          ['finding.updated', 2],
        ]);
        expect(events[1]!.seq).toBeGreaterThan(events[0]!.seq);
      });

      it('keeps different evidence in the same post as separate findings', async () => {
        const { account, post } = await newPost('twoleaks');
        const findings = new FindingsRepository(database.db);
        const marking = await findings.record(findingFor(account.id, post.id));
        const key = await findings.record(
          findingFor(account.id, post.id, {
            ruleIds: ['aws-access-key'],
            category: 'secret',
            evidence: { source: 'text', text: 'AKIAZ7QWERTYUIOPASDF', start: 4, end: 24 },
          }),
        );
        expect(key.finding.id).not.toBe(marking.finding.id);
      });

      it('masks evidence text in the exported event payload', async () => {
        const { account, post } = await newPost('masked');
        const { finding } = await new FindingsRepository(database.db).record(findingFor(account.id, post.id));
        const [event] = await database.db
          .selectFrom('finding_events')
          .selectAll()
          .where('finding_id', '=', finding.id)
          .execute();
        expect(event?.payload).toMatchObject({ id: finding.id, score: 87, evidence: { source: 'ocr', text: 'ST********AL' } });
        expect(JSON.stringify(event?.payload)).not.toContain('STRICTLY CONFIDENTIAL');
      });

      it('pages through events after a cursor, oldest first', async () => {
        const { account, post } = await newPost('paged');
        const findings = new FindingsRepository(database.db);
        for (const score of [61, 62, 63]) {
          await findings.record(findingFor(account.id, post.id, { evidence: { source: 'text', text: `CONFIDENTIAL ${score}` } }));
        }
        const events = new FindingEventsRepository(database.db);
        const all = await events.listAfter(0, 1_000);
        expect(all.length).toBeGreaterThanOrEqual(3);
        const firstPage = await events.listAfter(0, 2);
        const secondPage = await events.listAfter(firstPage[1]!.seq, 1_000);
        expect([...firstPage, ...secondPage].map((event) => event.id)).toEqual(all.map((event) => event.id));
      });

      it('refuses to change an event once written', async () => {
        const [event] = await new FindingEventsRepository(database.db).listAfter(0, 1);
        await expect(
          database.db.updateTable('finding_events').set({ type: 'finding.purged' }).where('seq', '=', event!.seq).execute(),
        ).rejects.toThrow(/append-only/u);
      });

      it('refuses a resolved finding without a resolution', async () => {
        const { account, post } = await newPost('unresolved');
        const { finding } = await new FindingsRepository(database.db).record(findingFor(account.id, post.id));
        await expect(
          database.db.updateTable('findings').set({ state: 'resolved' }).where('id', '=', finding.id).execute(),
        ).rejects.toThrow(/findings_resolution_iff_resolved/u);
      });
    });

    describe('audit log', () => {
      it('appends entries and refuses to change them', async () => {
        const audit = new AuditLogRepository(database.db);
        const entry = await audit.append({
          actorType: 'user',
          actorId: 'reviewer-1',
          action: 'finding.reveal',
          targetType: 'finding',
          targetId: 'f-1',
          details: { reason: 'triage' },
        });
        expect((await audit.list(1))[0]).toMatchObject({ id: entry.id, action: 'finding.reveal', details: { reason: 'triage' } });
        await expect(
          database.db.updateTable('audit_log').set({ action: 'nothing' }).where('id', '=', entry.id).execute(),
        ).rejects.toThrow(/append-only/u);
      });

      it('refuses to delete or truncate entries, except in a retention purge that says so', async () => {
        const audit = new AuditLogRepository(database.db);
        const entry = await audit.append({ actorType: 'system', action: 'retention.test' });
        await expect(database.db.deleteFrom('audit_log').where('id', '=', entry.id).execute()).rejects.toThrow(
          /audit_log is append-only: DELETE is not allowed/u,
        );
        await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/TRUNCATE is not allowed/u);
        await database.db.transaction().execute(async (trx) => {
          await sql`set local overshare.retention_purge = 'on'`.execute(trx);
          await trx.deleteFrom('audit_log').where('id', '=', entry.id).execute();
        });
        expect((await audit.list(1_000)).map((row) => row.id)).not.toContain(entry.id);
      });
    });

    describe('scan runs', () => {
      it('moves a run from queued through running to completed with its counts', async () => {
        const runs = new ScanRunsRepository(database.db);
        const queued = await runs.create('manual');
        expect(queued.status).toBe('queued');
        const running = await runs.markRunning(queued.id);
        expect(running.started_at).toBeInstanceOf(Date);
        const counts = { accounts: 2, posts: 40, images: 12, findings: 3, errors: 1 };
        const done = await runs.finish(queued.id, 'completed', counts, [{ at: '2026-11-23T10:00:00Z', message: 'timeout' }]);
        expect(done.status).toBe('completed');
        expect(done.counts).toEqual(counts);
        expect(done.errors).toHaveLength(1);
        await expect(runs.getById('00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundError);
      });
    });

    it('records an image once per post position, and finds re-posts of it by perceptual hash, nearest first', async () => {
      const media = new MediaRepository(database.db);
      const { post: first } = await newPost('media-a');
      const { post: second } = await newPost('media-b');
      const recorded = await media.record({ postId: first.id, position: 0, sourceUrl: 'https://cdn.example/a.jpg', status: 'extracted', perceptualHash: 'a4a89091060c0906', ocrText: 'STRICTLY CONFIDENTIAL', width: 1080, height: 810 });
      const again = await media.record({ postId: first.id, position: 0, sourceUrl: 'https://cdn.example/a.jpg', status: 'extracted', perceptualHash: 'a4a89091060c0906', ocrText: 'STRICTLY CONFIDENTIAL (re-read)' });
      expect(again.id).toBe(recorded.id);
      expect(again.ocr_text).toBe('STRICTLY CONFIDENTIAL (re-read)');
      // Two bits apart (…06 → …07 flips one, a4 → a5 another), then a distant picture and a damaged hash.
      await media.record({ postId: second.id, position: 0, sourceUrl: 'https://cdn.example/b.jpg', status: 'extracted', perceptualHash: 'a5a89091060c0907' });
      await media.record({ postId: second.id, position: 1, sourceUrl: 'https://cdn.example/c.jpg', status: 'extracted', perceptualHash: '5b576f6ef9f3f6f9' });
      await media.record({ postId: second.id, position: 2, sourceUrl: 'https://cdn.example/d.jpg', status: 'failed', perceptualHash: 'not-a-hash', error: 'corrupt' });
      const near = await media.findByPerceptualHash('a4a89091060c0906', 4);
      expect(near.map((row) => [row.source_url, row.distance])).toEqual([
        ['https://cdn.example/a.jpg', 0],
        ['https://cdn.example/b.jpg', 2],
      ]);
      expect(await media.findByPerceptualHash('a4a89091060c0906', 1)).toHaveLength(1);
      expect(await media.findByPerceptualHash("x' OR 1=1 --", 64)).toEqual([]);
    });
  });
}
