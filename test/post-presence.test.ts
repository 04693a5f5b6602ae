import { Migrator, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { policySchema } from '../core/policy-schema.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { parseSchedule } from '../core/schedule.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import type { PipelineDependencies } from '../pipeline/pipeline-dependencies.js';
import { collectAccountProcessor } from '../pipeline/processors/collect-account-processor.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { Account, ScanRun } from '../store/schema.js';
import { capturingLogger } from './support/capturing-logger.js';
import { generateFixtureNetwork, type FixtureNetwork, type FixturePost } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type Fault, type FixtureServer, type PlatformFixture } from './fixture-platform/fixture-server.js';
import { fixtureAccount } from './fixture-platform/all-fixtures.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { rssFixture } from './fixture-platform/platforms/rss-fixture.js';
import { storeTargets } from './support/store-targets.js';
import { testRuleSet } from './support/test-rule-set.js';

// A first or full scan reads at most 10 posts; no crawler-level retries and two tries a job, so
// failures show at once.
const config = loadConfig(
  {
    CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    CRAWL_REQUESTS_PER_SECOND: '200',
    CRAWL_RETRIES: '0',
    CRAWL_BACKFILL_POSTS: '10',
    PIPELINE_JOB_ATTEMPTS: '2',
    PIPELINE_BACKOFF_BASE_MS: '5',
    PIPELINE_MAX_BACKOFF_MS: '20',
  },
  process.cwd(),
);
const RETENTION = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } }).retention;
const HANDLES = ['alpha', 'omega', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
/** How many of its newest posts a blog's feed lists (fewer than a full scan reads). */
const FEED_LENGTH = 9;

/** The blogs-with-feeds fixture, with feeds that list only their newest FEED_LENGTH posts, as most blog engines do. */
const newestOnlyRssFixture: PlatformFixture = {
  ...rssFixture,
  handle: (request, helpers) =>
    rssFixture.handle(request, {
      ...helpers,
      network: {
        ...helpers.network,
        accounts: new Map([...helpers.network.accounts].map(([handle, account]) => [handle, { ...account, posts: account.posts.slice(0, FEED_LENGTH) }])),
      },
    }),
};

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`post presence on ${target.name}`, () => {
    const { log } = capturingLogger('error');
    let database: Database;
    let dispose: () => Promise<void>;
    let network: FixtureNetwork;
    let server: FixtureServer;
    let crawler: Crawler;
    let pipeline: Pipeline;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      network = generateFixtureNetwork({ accounts: HANDLES.length, postsPerAccount: 6, imageShare: 0, repostShare: 0, handles: HANDLES });
      // delta has more posts than a full scan reads.
      network.publish('delta', 8);
      for (const account of network.accounts.values()) for (const post of account.posts) post.text = `Lunch with the team #${account.handle}-${post.id}`;
      server = await startFixtureServer(network, [mastodonFixture, newestOnlyRssFixture]);
      crawler = createCrawler(config.crawl, log);
      pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: RETENTION, log });
      // Texts carry no leak and posts no image: OCR is never asked for.
      await pipeline.work({ crawler, ocr: () => Promise.reject(new Error('no OCR in this test')), ruleSet: testRuleSet() });
    });

    afterEach(() => server.clearFaults());

    afterAll(async () => {
      await pipeline.close();
      await crawler.close();
      await server.close();
      await dispose();
    });

    const register = async (handle: string, platform: 'mastodon' | 'rss' = 'mastodon'): Promise<Account> => {
      const ref = fixtureAccount(platform, server, handle);
      return new AccountsRepository(database.db).create({ platform, handle: ref.handle, kind: 'employee', owner: { name: handle }, ...(ref.baseUrl === undefined ? {} : { url: ref.baseUrl }) });
    };
    const scan = async (account: Account, options: { isFull: boolean }): Promise<ScanRun> => {
      const started = await pipeline.coordinator.startScan('manual', [account.id], options);
      return pipeline.coordinator.waitForScan(started.id, { pollMs: 20 });
    };
    const postsOf = (handle: string): FixturePost[] => network.accounts.get(handle)?.posts ?? [];
    /** A fixture post's stored presence, found by its publication time (unique within an account). */
    const presenceOf = async (account: Account, post: FixturePost) =>
      database.db
        .selectFrom('posts')
        .select(['last_seen_at', 'gone_at'])
        .where('account_id', '=', account.id)
        .where('published_at', '=', post.publishedAt)
        .executeTakeFirst();
    const goneCount = async (account: Account): Promise<number> =>
      (await database.db.selectFrom('posts').select('id').where('account_id', '=', account.id).where('gone_at', 'is not', null).execute()).length;
    /** Takes the post at `index` off the platform; returns a function that puts it back. */
    const takeDown = (handle: string, index: number): { post: FixturePost; restore: () => void } => {
      const [post] = postsOf(handle).splice(index, 1);
      if (post === undefined) throw new Error(`fixture account ${handle} has no post ${index}`);
      return { post, restore: () => postsOf(handle).splice(index, 0, post) };
    };

    it('marks a post taken off the platform gone on the next full scan, and keeps the posts still there present', async () => {
      const alpha = await register('alpha');
      expect((await scan(alpha, { isFull: true })).counts).toMatchObject({ posts: 6, errors: 0 });
      const kept = postsOf('alpha')[0]!;
      const seenFirst = (await presenceOf(alpha, kept))?.last_seen_at;
      expect(await goneCount(alpha)).toBe(0);

      const { post: removed } = takeDown('alpha', 2);
      const rescan = await scan(alpha, { isFull: true });
      expect(rescan.status).toBe('completed');
      const gone = await presenceOf(alpha, removed);
      expect(gone?.gone_at).toBeInstanceOf(Date);
      expect(gone?.last_seen_at.getTime()).toBeLessThan(gone?.gone_at?.getTime() ?? 0);
      const present = await presenceOf(alpha, kept);
      expect(present?.gone_at).toBeNull();
      expect(present?.last_seen_at.getTime()).toBeGreaterThan(seenFirst?.getTime() ?? Number.POSITIVE_INFINITY);
      expect(await goneCount(alpha)).toBe(1);

      // Another full scan keeps the first time it was found gone.
      const goneAt = gone?.gone_at;
      await scan(alpha, { isFull: true });
      expect((await presenceOf(alpha, removed))?.gone_at).toEqual(goneAt);
    });

    it('marks a post that comes back present again', async () => {
      const alpha = await register('omega');
      await scan(alpha, { isFull: true });
      const removed = takeDown('omega', 4);
      await scan(alpha, { isFull: true });
      const goneAt = (await presenceOf(alpha, removed.post))?.gone_at;
      expect(goneAt).toBeInstanceOf(Date);

      removed.restore();
      await scan(alpha, { isFull: true });
      const back = await presenceOf(alpha, removed.post);
      expect(back?.gone_at).toBeNull();
      expect(back?.last_seen_at.getTime()).toBeGreaterThan(goneAt?.getTime() ?? Number.POSITIVE_INFINITY);
      expect(await goneCount(alpha)).toBe(0);
    });

    it('marks nothing gone when the collection is blocked, cannot read the page or runs out of tries', async () => {
      const beta = await register('beta');
      await scan(beta, { isFull: true });
      const { post: removed } = takeDown('beta', 1);
      const faults: Fault[] = [{ kind: 'login-wall' }, { kind: 'malformed' }, { kind: 'server-error' }];
      for (const fault of faults) {
        server.setFault('mastodon', fault);
        const run = await scan(beta, { isFull: true });
        expect([fault.kind, run.status]).toEqual([fault.kind, 'failed']);
        expect(await goneCount(beta)).toBe(0);
        server.clearFaults();
      }
      // The same removal is found once the platform answers again.
      expect((await scan(beta, { isFull: true })).status).toBe('completed');
      expect((await presenceOf(beta, removed))?.gone_at).toBeInstanceOf(Date);
      expect(await goneCount(beta)).toBe(1);
    });

    it('marks nothing gone on an incremental scan, which reads only posts newer than its cursor', async () => {
      const gamma = await register('gamma');
      await scan(gamma, { isFull: false });
      const { post: removed } = takeDown('gamma', 3);
      const [published] = network.publish('gamma', 1);
      const incremental = await scan(gamma, { isFull: false });
      expect(incremental.counts).toMatchObject({ posts: 1, errors: 0 });
      expect((await presenceOf(gamma, published!))?.gone_at).toBeNull();
      expect(await goneCount(gamma)).toBe(0);

      await scan(gamma, { isFull: true });
      expect((await presenceOf(gamma, removed))?.gone_at).toBeInstanceOf(Date);
      expect(await goneCount(gamma)).toBe(1);
    });

    it('judges a reading cut short at the backfill depth only on the posts well inside what it read', async () => {
      const delta = await register('delta');
      expect(postsOf('delta')).toHaveLength(14);
      expect((await scan(delta, { isFull: true })).counts).toMatchObject({ posts: 10, errors: 0 });
      // Of the ten posts read, the five oldest may sit out of order (pinned): the window is the four
      // newest, so the second newest is judged and the eighth is not.
      const eighth = takeDown('delta', 7);
      const second = takeDown('delta', 1);
      await scan(delta, { isFull: true });
      expect((await presenceOf(delta, second.post))?.gone_at).toBeInstanceOf(Date);
      expect((await presenceOf(delta, eighth.post))?.gone_at).toBeNull();
      expect(await goneCount(delta)).toBe(1);
    });

    it('keeps the posts a feed of only the newest posts no longer lists, and marks one taken off within what it lists gone', async () => {
      const zeta = await register('zeta', 'rss');
      network.publish('zeta', FEED_LENGTH - 6);
      expect((await scan(zeta, { isFull: true })).counts).toMatchObject({ posts: FEED_LENGTH, errors: 0 });
      const oldest = postsOf('zeta').at(-1)!;

      // Three new posts push the three oldest out of the feed; the newest stored one is taken down
      // (within the newest posts read, which a reading that did not see the whole history judges).
      network.publish('zeta', 3);
      const { post: removed } = takeDown('zeta', 3);
      expect((await scan(zeta, { isFull: true })).status).toBe('completed');
      expect((await presenceOf(zeta, removed))?.gone_at).toBeInstanceOf(Date);
      expect((await presenceOf(zeta, oldest))?.gone_at).toBeNull();
      expect(await goneCount(zeta)).toBe(1);
    });

    it('marks nothing gone when the scan is cancelled while the platform is read', async () => {
      const epsilon = await register('epsilon');
      await scan(epsilon, { isFull: true });
      takeDown('epsilon', 0);
      // A scan on record (no job queued: this test runs its collection), cancelled once the
      // platform has been read in full.
      await database.db.updateTable('accounts').set({ crawl_cursor: null }).where('id', '=', epsilon.id).execute();
      const run = await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [epsilon.id]));
      let isRead = false;
      const cancellingCrawler: PipelineDependencies['crawler'] = {
        fetchMedia: (url, signal) => crawler.fetchMedia(url, signal),
        async collect(account, options) {
          const result = await crawler.collect(account, options);
          isRead = result.posts.length === 5;
          await pipeline.coordinator.cancelScan(run.id);
          return result;
        },
      };
      const deps: PipelineDependencies = {
        db: database.db,
        crawler: cancellingCrawler,
        ocr: () => Promise.reject(new Error('no OCR in this test')),
        ruleSet: testRuleSet(),
        defaultSchedule: parseSchedule('24h'),
        log,
      };
      expect(await collectAccountProcessor({ scanRunId: run.id, accountId: epsilon.id }, deps)).toEqual([]);
      expect(isRead).toBe(true);
      expect(await goneCount(epsilon)).toBe(0);
    });
  });
}

describe('migration 0004-presence', () => {
  it('counts every post stored before it as seen when it was collected, and present', async () => {
    const { log } = capturingLogger('error');
    const [pglite] = storeTargets();
    const { database, dispose } = await pglite!.open(log);
    try {
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
        migrationTableName: 'overshare_migrations',
        migrationLockTableName: 'overshare_migrations_lock',
      });
      expect((await migrator.migrateTo('0003-api')).error).toBeUndefined();
      const collectedAt = new Date('2026-10-01T08:00:00Z');
      const { rows } = await sql<{ id: string }>`
        insert into accounts (platform, handle, kind) values ('mastodon', 'before', 'employee') returning id`.execute(database.db);
      await sql`insert into posts (account_id, platform, external_id, url, content_sha256, collected_at)
        values (${rows[0]!.id}, 'mastodon', 'social.example/1', 'https://social.example/@before/1', 'x', ${collectedAt})`.execute(database.db);

      expect((await migrateToLatest(database.db, log)).applied).toEqual(['0004-presence', '0005-coverage']);
      const post = await database.db.selectFrom('posts').select(['last_seen_at', 'gone_at']).executeTakeFirstOrThrow();
      expect(post).toEqual({ last_seen_at: collectedAt, gone_at: null });
    } finally {
      await dispose();
    }
  });
});
