import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { policySchema } from '../core/policy-schema.js';
import { parseSchedule } from '../core/schedule.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { REMOVAL_RECHECK_DAYS } from '../pipeline/claim-due-accounts.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import { startScheduler, type Scheduler } from '../pipeline/scheduler.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import type { Account, ScanRun } from '../store/schema.js';
import { capturingLogger } from './support/capturing-logger.js';
import { generateFixtureNetwork, type FixtureNetwork, type FixturePost } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { fixtureAccount } from './fixture-platform/all-fixtures.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { storeTargets } from './support/store-targets.js';
import { testRuleSet } from './support/test-rule-set.js';

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
const HANDLES = ['notified', 'lapsed', 'quiet'];
/** The post of each account that carries a leak (a finding) and is later taken down. */
const LEAK_INDEX = 2;
const DAY_MS = 86_400_000;

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`re-checking notified posts on scheduled scans on ${target.name}`, () => {
    const { log } = capturingLogger('error');
    let database: Database;
    let dispose: () => Promise<void>;
    let network: FixtureNetwork;
    let server: FixtureServer;
    let crawler: Crawler;
    let pipeline: Pipeline;
    let scheduler: Scheduler;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      network = generateFixtureNetwork({ accounts: HANDLES.length, postsPerAccount: 6, imageShare: 0, repostShare: 0, handles: HANDLES });
      for (const account of network.accounts.values()) {
        account.posts.forEach((post, index) => {
          post.text = index === LEAK_INDEX ? `Memo marked CONFIDENTIAL #${account.handle}-${post.id}` : `Lunch with the team #${account.handle}-${post.id}`;
        });
      }
      server = await startFixtureServer(network, [mastodonFixture]);
      crawler = createCrawler(config.crawl, log);
      pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: RETENTION, log });
      await pipeline.work({ crawler, ocr: () => Promise.reject(new Error('no OCR in this test')), ruleSet: testRuleSet() });
      // The test runs each round itself: the loop's own timer never fires within the test.
      scheduler = startScheduler({
        db: database.db,
        queue: pipeline.queue,
        coordinator: pipeline.coordinator,
        defaultSchedule: parseSchedule('24h'),
        retention: RETENTION,
        tickMs: 3_600_000,
        log,
      });
    });

    afterAll(async () => {
      await scheduler.stop();
      await pipeline.close();
      await crawler.close();
      await server.close();
      await dispose();
    });

    const register = async (handle: string): Promise<Account> => {
      const ref = fixtureAccount('mastodon', server, handle);
      const account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: ref.handle, kind: 'employee', owner: { name: handle }, ...(ref.baseUrl === undefined ? {} : { url: ref.baseUrl }) });
      // Not due until a test makes it so: only the test's own rounds scan it.
      await database.db.updateTable('accounts').set({ next_scan_at: new Date(Date.now() + DAY_MS) }).where('id', '=', account.id).execute();
      return account;
    };
    /** A first scan (no cursor yet) of the account, started by hand. */
    const firstScan = async (account: Account): Promise<ScanRun> => {
      const started = await pipeline.coordinator.startScan('manual', [account.id]);
      return pipeline.coordinator.waitForScan(started.id, { pollMs: 20 });
    };
    /** Makes the account due and lets the scheduler run one round: the scheduled scan it starts, once finished. */
    const scheduledScan = async (account: Account): Promise<ScanRun> => {
      await database.db.updateTable('accounts').set({ next_scan_at: new Date(Date.now() - 1_000) }).where('id', '=', account.id).execute();
      await scheduler.tick();
      const run = await database.db
        .selectFrom('scan_runs')
        .innerJoin('scan_run_accounts', 'scan_run_accounts.scan_run_id', 'scan_runs.id')
        .select('scan_runs.id')
        .where('scan_run_accounts.account_id', '=', account.id)
        .where('scan_runs.trigger', '=', 'schedule')
        .orderBy('scan_runs.created_at', 'desc')
        .executeTakeFirstOrThrow();
      return pipeline.coordinator.waitForScan(run.id, { pollMs: 20 });
    };
    const postsOf = (handle: string): FixturePost[] => network.accounts.get(handle)?.posts ?? [];
    const presenceOf = async (account: Account, post: FixturePost) =>
      database.db
        .selectFrom('posts')
        .select(['last_seen_at', 'gone_at'])
        .where('account_id', '=', account.id)
        .where('published_at', '=', post.publishedAt)
        .executeTakeFirstOrThrow();
    const countOf = async (table: 'posts' | 'findings', account: Account): Promise<number> =>
      (await database.db.selectFrom(table).select('id').where('account_id', '=', account.id).execute()).length;
    /** Records that the owner of the account's one finding was notified at `at`. */
    const notifyOwner = async (account: Account, at: Date): Promise<void> => {
      const result = await database.db.updateTable('findings').set({ owner_notified_at: at, owner_notified_by: 'user:test' }).where('account_id', '=', account.id).executeTakeFirst();
      expect(Number(result.numUpdatedRows)).toBe(1);
    };
    /** Takes the leaking post off the platform; returns it. */
    const takeDownLeak = (handle: string): FixturePost => {
      const leak = postsOf(handle).find((post) => post.text.includes('CONFIDENTIAL'));
      if (leak === undefined) throw new Error(`fixture account ${handle} has no leaking post`);
      postsOf(handle).splice(postsOf(handle).indexOf(leak), 1);
      return leak;
    };

    it('re-checks a notified post on each scheduled scan: present while it is up, gone once it is taken down', async () => {
      const account = await register('notified');
      expect((await firstScan(account)).counts).toMatchObject({ posts: 6, errors: 0 });
      expect(await countOf('findings', account)).toBe(1);
      await notifyOwner(account, new Date());
      const leak = postsOf('notified')[LEAK_INDEX]!;

      // A new post since: the scheduled scan stores only it, and sees the notified post still up.
      network.publish('notified', 1);
      const stillUp = await scheduledScan(account);
      expect(stillUp.status).toBe('completed');
      expect(stillUp.counts).toMatchObject({ posts: 1, errors: 0 });
      expect(await countOf('posts', account)).toBe(7);
      expect(await countOf('findings', account)).toBe(1);
      expect((await presenceOf(account, leak)).gone_at).toBeNull();

      takeDownLeak('notified');
      expect((await scheduledScan(account)).status).toBe('completed');
      expect((await presenceOf(account, leak)).gone_at).toBeInstanceOf(Date);
      expect(await countOf('posts', account)).toBe(7);
      expect(await countOf('findings', account)).toBe(1);
    });

    it(`keeps scheduled scans incremental when the owner was notified more than ${REMOVAL_RECHECK_DAYS} days ago, or never`, async () => {
      const lapsed = await register('lapsed');
      const quiet = await register('quiet');
      await firstScan(lapsed);
      await firstScan(quiet);
      await notifyOwner(lapsed, new Date(Date.now() - (REMOVAL_RECHECK_DAYS + 1) * DAY_MS));

      // An incremental reading stops at its cursor, so a post taken down below it goes unnoticed.
      for (const account of [lapsed, quiet]) {
        const handle = account === lapsed ? 'lapsed' : 'quiet';
        const leak = takeDownLeak(handle);
        network.publish(handle, 1);
        const run = await scheduledScan(account);
        expect(run.counts).toMatchObject({ posts: 1, errors: 0 });
        expect([handle, (await presenceOf(account, leak)).gone_at]).toEqual([handle, null]);
      }
    });
  });
}
