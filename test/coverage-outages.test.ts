import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadConfig } from '../core/config.js';
import type { CollectionOutcome } from '../core/coverage.js';
import { policySchema } from '../core/policy-schema.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { Account, AccountStatus, ScanAccountStatus } from '../store/schema.js';
import { fixtureAccount } from './fixture-platform/all-fixtures.js';
import { generateFixtureNetwork, type FixtureNetwork, type FixturePost } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type Fault, type FixtureServer } from './fixture-platform/fixture-server.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { rssFixture } from './fixture-platform/platforms/rss-fixture.js';
import { capturingLogger } from './support/capturing-logger.js';
import { storeTargets } from './support/store-targets.js';
import { testRuleSet } from './support/test-rule-set.js';

// Two tries a job, no crawler-level retries, millisecond backoffs; catch-up stops after 4 posts.
const config = loadConfig(
  {
    CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    CRAWL_REQUESTS_PER_SECOND: '500',
    CRAWL_RETRIES: '0',
    CRAWL_CATCHUP_POSTS: '4',
    PIPELINE_JOB_ATTEMPTS: '2',
    PIPELINE_BACKOFF_BASE_MS: '5',
    PIPELINE_MAX_BACKOFF_MS: '20',
  },
  process.cwd(),
);
const RETENTION = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } }).retention;
const HANDLES = ['busy', 'down', 'hangup', 'redesign', 'walled', 'deep', 'often', 'canary', 'stale', 'corp'];

interface Outage {
  name: string;
  fault: Fault;
  handle: string;
  outcome: CollectionOutcome;
  status: AccountStatus;
  entry: ScanAccountStatus;
  /** Job tries per scan: transient failures are retried (PIPELINE_JOB_ATTEMPTS), others are not. */
  tries: number;
}

const OUTAGES: Outage[] = [
  { name: 'down for a while (5xx)', fault: { kind: 'server-error' }, handle: 'down', outcome: 'server_error', status: 'failing', entry: 'failed', tries: 2 },
  { name: 'down for a while (connections dropped)', fault: { kind: 'hang-up' }, handle: 'hangup', outcome: 'network', status: 'failing', entry: 'failed', tries: 2 },
  { name: 'markup changed', fault: { kind: 'markup-changed' }, handle: 'redesign', outcome: 'parse_failure', status: 'failing', entry: 'failed', tries: 1 },
  { name: 'login wall', fault: { kind: 'login-wall' }, handle: 'walled', outcome: 'login_wall', status: 'blocked', entry: 'blocked', tries: 1 },
];

/** A fixture post's Mastodon status id: a snowflake of its time and id, as mastodon-fixture.ts renders it. */
const statusIdOf = (post: FixturePost): string => ((BigInt(post.publishedAt.getTime()) << 16n) + BigInt(post.id & 0xffff)).toString();

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`coverage through outages on ${target.name}`, () => {
    const { log } = capturingLogger('error');
    let database: Database;
    let dispose: () => Promise<void>;
    let network: FixtureNetwork;
    let server: FixtureServer;
    let crawler: Crawler;
    let ocr: Promise<OcrEngine> | undefined;
    let pipeline: Pipeline;
    let accounts: AccountsRepository;
    // Publication times handed out so far: posts published "now", each later than the one before.
    let clockMs = 0;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      network = generateFixtureNetwork({ accounts: HANDLES.length, postsPerAccount: 3, imageShare: 0, repostShare: 0, handles: HANDLES });
      server = await startFixtureServer(network, [mastodonFixture, rssFixture]);
      accounts = new AccountsRepository(database.db);
      crawler = createCrawler(config.crawl, log);
      pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: RETENTION, log });
      const dependencies = { crawler, ocr: () => (ocr ??= createOcrEngine({ workers: 1 })), ruleSet: testRuleSet(), coverage: config.coverage };
      await pipeline.work(dependencies);
    });

    afterEach(() => server.clearFaults());

    afterAll(async () => {
      await pipeline.close();
      await crawler.close();
      await (await ocr)?.close();
      await server.close();
      await dispose();
    });

    const register = async (handle: string, options: { schedule?: string; platform?: 'mastodon' | 'rss'; kind?: 'employee' | 'corporate' } = {}) => {
      const { platform = 'mastodon', kind = 'employee', ...rest } = options;
      const ref = fixtureAccount(platform, server, handle);
      return accounts.create({ platform, handle: ref.handle, kind, ...(ref.baseUrl === undefined ? {} : { url: ref.baseUrl }), ...rest });
    };
    const scan = async (account: Account) => {
      const started = await pipeline.coordinator.startScan('manual', [account.id]);
      const run = await pipeline.coordinator.waitForScan(started.id, { pollMs: 20 });
      return { run, entry: (await ScanRunsRepository.entryOf(database.db, run.id, account.id))?.status };
    };
    /**
     * Posts published on the platform now (a real outage's posts are newer than the last reading),
     * a millisecond apart; returns once none is in the future, which a crawler reads as "now".
     */
    const publishNow = async (handle: string, count: number): Promise<FixturePost[]> => {
      const posts = network.publish(handle, count);
      for (const post of posts) {
        clockMs = Math.max(clockMs + 1, Date.now());
        post.publishedAt = new Date(clockMs);
      }
      while (Date.now() <= clockMs) await new Promise((resolve) => setTimeout(resolve, 1));
      return posts;
    };
    const accountRow = (id: string) => database.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const gapsOf = (id: string) => database.db.selectFrom('coverage_gaps').selectAll().where('account_id', '=', id).orderBy('detected_at').execute();
    const attemptsOf = async (id: string) =>
      (await database.db.selectFrom('collection_attempts').select(['outcome', 'posts', 'is_canary']).where('account_id', '=', id).orderBy('id').execute()).map(
        (row) => [row.outcome, row.posts, row.is_canary],
      );
    const eventsOf = (gapIds: string[]) =>
      database.db.selectFrom('finding_events').select(['finding_id', 'finding_version', 'type', 'payload']).where('finding_id', 'in', gapIds).orderBy('seq').execute();
    /** How many rows each collected post has, by external id. */
    const postRows = async (id: string) =>
      Object.fromEntries(
        (
          await database.db
            .selectFrom('posts')
            .select(['external_id', sql<number>`count(*)::int`.as('rows')])
            .where('account_id', '=', id)
            .groupBy('external_id')
            .execute()
        ).map((row) => [row.external_id, row.rows]),
      );
    /** The post's external id as the Mastodon adapter stores it (instance, then status id). */
    const externalIdOf = (post: FixturePost) => `${new URL(server.origin).host}/${statusIdOf(post)}`;
    const externalIdsOf = async (id: string) => Object.keys(await postRows(id)).sort();

    for (const outage of OUTAGES) {
      it(`${outage.name}: no false clean, the gap reported with its span, and the missed posts caught up once`, async () => {
        const account = await register(outage.handle);
        expect((await scan(account)).entry).toBe('collected');
        const covered = await accountRow(account.id);
        const coveredUntil = covered.last_success_at;
        expect(coveredUntil).toBeInstanceOf(Date);
        const before = await externalIdsOf(account.id);
        expect(before).toHaveLength(3);

        server.setFault('mastodon', outage.fault);
        const missed = await publishNow(outage.handle, 2);
        const failed = await scan(account);
        expect(failed.run.status).toBe('failed');
        expect(failed.entry).toBe(outage.entry);
        const failing = await accountRow(account.id);
        expect(failing).toMatchObject({ status: outage.status, consecutive_failures: 1, last_success_at: coveredUntil });
        // Backoff: COVERAGE_RETRY_BASE_MS (5 minutes by default) ±25 %, counted from the failure.
        const waitMs = failing.next_scan_at!.getTime() - failing.last_error_at!.getTime();
        expect(waitMs).toBeGreaterThanOrEqual(225_000);
        expect(waitMs).toBeLessThanOrEqual(375_000);
        expect(await attemptsOf(account.id)).toEqual([['ok', 3, false], ...Array.from({ length: outage.tries }, () => [outage.outcome, 0, false])]);
        const [opened] = await gapsOf(account.id);
        expect(opened).toMatchObject({ platform: 'mastodon', started_at: coveredUntil, ended_at: null, reason: outage.outcome, failures: 1 });
        expect(opened!.detected_at.getTime()).toBeGreaterThan(coveredUntil!.getTime());

        // Still down on the next scan: the same gap, longer; no second event.
        missed.push(...await publishNow(outage.handle, 1));
        expect((await scan(account)).entry).toBe(outage.entry);
        expect(await accountRow(account.id)).toMatchObject({ status: outage.status, consecutive_failures: 2 });
        const [extended, ...others] = await gapsOf(account.id);
        expect(others).toEqual([]);
        expect(extended).toMatchObject({ id: opened!.id, failures: 2, detected_at: opened!.detected_at, ended_at: null });
        expect(extended!.last_failed_at.getTime()).toBeGreaterThan(opened!.last_failed_at.getTime());
        expect((await eventsOf([opened!.id])).map((event) => [event.type, event.finding_version])).toEqual([['coverage.gap', 1]]);
        expect(await externalIdsOf(account.id)).toEqual(before);

        server.clearFaults();
        const restored = await scan(account);
        expect(restored.entry).toBe('collected');
        expect(restored.run.counts).toMatchObject({ posts: 3, errors: 0 });
        expect(await accountRow(account.id)).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null });
        const [closed] = await gapsOf(account.id);
        expect(closed).toMatchObject({ id: opened!.id, started_at: coveredUntil, detected_at: opened!.detected_at, caught_up_posts: 3, uncovered_until: null });
        expect(closed!.ended_at!.getTime()).toBeGreaterThan(extended!.last_failed_at.getTime());
        const events = await eventsOf([opened!.id]);
        expect(events.map((event) => [event.type, event.finding_version])).toEqual([
          ['coverage.gap', 1],
          ['coverage.restored', 2],
        ]);
        expect(events[0]!.payload).toMatchObject({
          gapId: opened!.id,
          account: { id: account.id, platform: 'mastodon', handle: account.handle, kind: 'employee' },
          reason: outage.outcome,
          startedAt: coveredUntil!.toISOString(),
          detectedAt: opened!.detected_at.toISOString(),
          endedAt: null,
          failures: 1,
          caughtUpPosts: null,
        });
        expect(events[1]!.payload).toMatchObject({ gapId: opened!.id, endedAt: closed!.ended_at!.toISOString(), failures: 2, caughtUpPosts: 3, uncoveredUntil: null });

        // Every post published during the outage, each stored exactly once, and nothing more on a rescan.
        const rows = await postRows(account.id);
        for (const post of missed) expect(rows[externalIdOf(post)]).toBe(1);
        expect(Object.values(rows)).toEqual(Array.from({ length: 6 }, () => 1));
        expect((await scan(account)).run.counts).toMatchObject({ posts: 0, errors: 0 });
        expect(Object.values(await postRows(account.id))).toHaveLength(6);
        expect(await eventsOf([opened!.id])).toHaveLength(2);
      });
    }

    it('stops catch-up at CRAWL_CATCHUP_POSTS, reports the span never collected, and reads on from the new cursor', async () => {
      const account = await register('deep');
      await scan(account);
      server.setFault('mastodon', { kind: 'login-wall' });
      await scan(account);
      server.clearFaults();
      const missed = await publishNow('deep', 6);

      const restored = await scan(account);
      expect(restored.run.counts).toMatchObject({ posts: 4, errors: 0 });
      const [closed] = await gapsOf(account.id);
      // The four newest were collected; the two oldest posts of the gap were given up, and the gap says so.
      expect(closed).toMatchObject({ caught_up_posts: 4, uncovered_until: missed[2]!.publishedAt });
      expect((await eventsOf([closed!.id]))[1]?.payload).toMatchObject({ uncoveredUntil: missed[2]!.publishedAt.toISOString(), caughtUpPosts: 4 });
      expect((await accountRow(account.id)).crawl_cursor).toMatchObject({ publishedAt: missed[5]!.publishedAt.toISOString() });

      const next = await publishNow('deep', 1);
      expect((await scan(account)).run.counts).toMatchObject({ posts: 1, errors: 0 });
      const stored = await externalIdsOf(account.id);
      expect(stored).toHaveLength(3 + 4 + 1);
      expect(stored).toEqual(expect.arrayContaining([...missed.slice(2), ...next].map(externalIdOf)));
      expect(stored).not.toContain(externalIdOf(missed[0]!));
      expect(stored).not.toContain(externalIdOf(missed[1]!));
    });

    it('reports posts given up at CRAWL_CATCHUP_POSTS without any outage as a gap opened and closed at once', async () => {
      const account = await register('busy');
      await scan(account);
      const coveredUntil = (await accountRow(account.id)).last_success_at;
      const published = await publishNow('busy', 6);
      const { run, entry } = await scan(account);
      expect({ entry, posts: run.counts.posts }).toEqual({ entry: 'collected', posts: 4 });
      const [gap] = await gapsOf(account.id);
      expect(gap).toMatchObject({ reason: 'catch_up_depth', started_at: coveredUntil, caught_up_posts: 4, uncovered_until: published[2]!.publishedAt });
      expect(gap!.ended_at).toEqual(gap!.detected_at);
      expect((await eventsOf([gap!.id])).map((event) => event.type)).toEqual(['coverage.gap', 'coverage.restored']);
    });

    it('never backs a failing account off past its next scheduled scan', async () => {
      const account = await register('often', { schedule: '5m' });
      await scan(account);
      server.setFault('mastodon', { kind: 'login-wall' });
      await scan(account);
      await scan(account);
      // The second failure would wait 10 minutes ±25 %; the schedule says every 5.
      const failing = await accountRow(account.id);
      expect(failing.consecutive_failures).toBe(2);
      expect(failing.next_scan_at!.getTime() - failing.last_error_at!.getTime()).toBe(300_000);
    });

    it('reads a canary from its newest page without storing its posts, and records its attempts and gaps', async () => {
      const canary = await register('canary');
      await database.db.updateTable('accounts').set({ is_canary: true }).where('id', '=', canary.id).execute();
      const read = await scan(canary);
      expect(read.entry).toBe('collected');
      expect(read.run.counts).toMatchObject({ posts: 0, errors: 0 });
      expect(await postRows(canary.id)).toEqual({});
      expect(await accountRow(canary.id)).toMatchObject({ status: 'ok', crawl_cursor: null, consecutive_failures: 0 });
      expect(await attemptsOf(canary.id)).toEqual([['ok', 3, true]]);

      server.setFault('mastodon', { kind: 'markup-changed' });
      expect((await scan(canary)).entry).toBe('failed');
      expect(await attemptsOf(canary.id)).toEqual([
        ['ok', 3, true],
        ['parse_failure', 0, true],
      ]);
      expect(await gapsOf(canary.id)).toMatchObject([{ reason: 'parse_failure', ended_at: null }]);
      server.clearFaults();
      expect((await scan(canary)).entry).toBe('collected');
      expect(await gapsOf(canary.id)).toMatchObject([{ caught_up_posts: 0, uncovered_until: null }]);
      expect(await postRows(canary.id)).toEqual({});
    });

    it('hands the readings of a corporate account to takeover detection, and remembers the profile the platform shows', async () => {
      const corporate = await register('corp', { kind: 'corporate' });
      await scan(corporate);
      expect((await accountRow(corporate.id)).profile).toMatchObject({ displayName: 'Fixture corp' });
      const takeoverFindings = () => database.db.selectFrom('findings').select('category').where('account_id', '=', corporate.id).where('category', '=', 'takeover').execute();
      expect(await takeoverFindings()).toEqual([]);

      network.accounts.get('corp')!.displayName = 'Crypto Giveaway Official';
      await publishNow('corp', 1);
      expect((await scan(corporate)).entry).toBe('collected');
      expect((await accountRow(corporate.id)).profile).toMatchObject({ displayName: 'Crypto Giveaway Official' });
      expect((await takeoverFindings()).length).toBeGreaterThan(0);
    });

    it('fails a full reading of an account with stored posts whose feed lists none, instead of reading it as no posts', async () => {
      const account = await register('stale', { platform: 'rss' });
      await scan(account);
      // A full reading (no cursor) of an account that had posts, on a feed whose items were renamed.
      await database.db.updateTable('accounts').set({ crawl_cursor: null }).where('id', '=', account.id).execute();
      server.setFault('rss', { kind: 'markup-changed' });
      const read = await scan(account);
      expect(read.entry).toBe('failed');
      expect(await attemptsOf(account.id)).toEqual([
        ['ok', 3, false],
        ['empty_feed', 0, false],
      ]);
      expect(await gapsOf(account.id)).toMatchObject([{ reason: 'empty_feed', ended_at: null }]);
    });
  });
}
