import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import { retryFailedJobs } from '../pipeline/retry-failed-jobs.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { FailedJobsRepository } from '../store/repositories/failed-jobs-repository.js';
import { policySchema } from '../core/policy-schema.js';
import { capturingLogger } from './support/capturing-logger.js';
import { generateFixtureNetwork, type FixtureNetwork } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { fixtureAccount } from './fixture-platform/all-fixtures.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { telegramFixture } from './fixture-platform/platforms/telegram-fixture.js';
import { storeTargets } from './support/store-targets.js';
import { testRuleSet } from './support/test-rule-set.js';

// Two tries a job, no crawler-level retries and millisecond backoffs: failures show at once.
const config = loadConfig(
  {
    CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    CRAWL_REQUESTS_PER_SECOND: '200',
    CRAWL_RETRIES: '0',
    PIPELINE_JOB_ATTEMPTS: '2',
    PIPELINE_BACKOFF_BASE_MS: '5',
    PIPELINE_MAX_BACKOFF_MS: '20',
  },
  process.cwd(),
);
const RETENTION = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } }).retention;

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`scan outcomes on ${target.name}`, () => {
    const { log } = capturingLogger('error');
    let database: Database;
    let dispose: () => Promise<void>;
    let network: FixtureNetwork;
    let server: FixtureServer;
    let crawler: Crawler;
    let ocr: Promise<OcrEngine> | undefined;
    let pipeline: Pipeline;
    let accounts: AccountsRepository;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      // Texts without any marking: the test writes the leaks it wants.
      network = generateFixtureNetwork({ accounts: 3, postsPerAccount: 6, imageShare: 0, repostShare: 0, handles: ['alpha', 'beta', 'gamma'] });
      for (const account of network.accounts.values()) for (const post of account.posts) post.text = `Lunch with the team #${account.handle}-${post.id}`;
      server = await startFixtureServer(network, [mastodonFixture, telegramFixture]);
      accounts = new AccountsRepository(database.db);
      crawler = createCrawler(config.crawl, log);
      pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: RETENTION, log });
      await pipeline.work({ crawler, ocr: () => (ocr ??= createOcrEngine({ workers: 1 })), ruleSet: testRuleSet() });
    });

    afterEach(() => server.clearFaults());

    afterAll(async () => {
      await pipeline.close();
      await crawler.close();
      await (await ocr)?.close();
      await server.close();
      await dispose();
    });

    const register = async (platform: 'mastodon' | 'telegram', handle: string) => {
      const ref = fixtureAccount(platform, server, handle);
      return accounts.create({ platform, handle: ref.handle, kind: 'employee', owner: { name: handle }, ...(ref.baseUrl === undefined ? {} : { url: ref.baseUrl }) });
    };
    const scan = async (accountIds: string[]) => {
      const started = await pipeline.coordinator.startScan('manual', accountIds);
      return pipeline.coordinator.waitForScan(started.id, { pollMs: 20 });
    };

    it('re-analyzes a changed post: a new leak is a new finding, a removed one is no longer current, each with an event', async () => {
      const alpha = await register('mastodon', 'alpha');
      const posts = network.accounts.get('alpha')?.posts ?? [];
      const [first, second] = posts;
      if (first === undefined || second === undefined) throw new Error('fixture network without posts');
      second.text = `Draft memo, CONFIDENTIAL #alpha-${second.id}`;
      const run = await scan([alpha.id]);
      expect(run.counts).toMatchObject({ posts: 6, findings: 1, errors: 0 });

      // The platform shows the edits; a full rescan (no cursor) meets them.
      first.text = `Board pack: CONFIDENTIAL until Monday #alpha-${first.id}`;
      second.text = `Draft memo, public now #alpha-${second.id}`;
      await database.db.updateTable('accounts').set({ crawl_cursor: null }).where('id', '=', alpha.id).execute();
      const rescan = await scan([alpha.id]);
      expect(rescan.status).toBe('completed');
      expect(rescan.counts).toMatchObject({ posts: 2, findings: 1, errors: 0 });

      const findings = await database.db
        .selectFrom('findings')
        .innerJoin('posts', 'posts.id', 'findings.post_id')
        .select(['findings.id', 'findings.is_current', 'findings.version', 'findings.scan_run_id', 'posts.text'])
        .where('findings.account_id', '=', alpha.id)
        .execute();
      expect(findings).toHaveLength(2);
      const removed = findings.find((finding) => finding.scan_run_id === run.id);
      const added = findings.find((finding) => finding.scan_run_id === rescan.id);
      // The memo's marking is gone: its finding stays for the record, no longer current, and the
      // post (now without any current finding) keeps no text.
      expect(removed).toMatchObject({ is_current: false, version: 2, text: null });
      expect(added).toMatchObject({ is_current: true, version: 1, text: expect.stringContaining('Board pack') as unknown });
      const events = await database.db
        .selectFrom('finding_events')
        .select(['finding_id', 'finding_version', 'type'])
        .where('finding_id', 'in', findings.map((finding) => finding.id))
        .orderBy('seq')
        .execute();
      // The two posts are analyzed by separate jobs, so only each finding's own events are ordered.
      const history = (id: string | undefined) => events.filter((event) => event.finding_id === id).map((event) => [event.type, event.finding_version]);
      expect(history(removed?.id)).toEqual([
        ['finding.created', 1],
        ['finding.updated', 2],
      ]);
      expect(history(added?.id)).toEqual([['finding.created', 1]]);
    });

    it('records the same words twice in a post as one finding with one event', async () => {
      const gamma = await register('mastodon', 'gamma');
      const [post] = network.accounts.get('gamma')?.posts ?? [];
      if (post === undefined) throw new Error('fixture network without posts');
      post.text = `CONFIDENTIAL: the plan. Again, CONFIDENTIAL. #gamma-${post.id}`;
      const run = await scan([gamma.id]);
      expect(run.counts).toMatchObject({ posts: 6, findings: 1, errors: 0 });
      const events = await database.db
        .selectFrom('finding_events')
        .innerJoin('findings', 'findings.id', 'finding_events.finding_id')
        .select(['finding_events.type', 'findings.version'])
        .where('findings.account_id', '=', gamma.id)
        .execute();
      expect(events).toEqual([{ type: 'finding.created', version: 1 }]);
    });

    it('leaves an account that another running scan still waits for to that scan, and moves its next scan on', async () => {
      const gamma = await accounts.resolve('mastodon:gamma');
      server.setFault('mastodon', { kind: 'slow', delayMs: 300 });
      const first = await pipeline.coordinator.startScan('schedule', [gamma.id]);
      const second = await pipeline.coordinator.startScan('manual', [gamma.id]);
      expect([first.counts.accounts, second.counts.accounts]).toEqual([1, 0]);
      expect((await pipeline.coordinator.waitForScan(second.id, { pollMs: 20 })).status).toBe('completed');
      expect((await pipeline.coordinator.waitForScan(first.id, { pollMs: 20 })).status).toBe('completed');
      // The default schedule is a day: the account is not due again before then.
      const { next_scan_at: next } = await accounts.getById(gamma.id);
      expect(next?.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    });

    it('records a login wall as a blocked account and a broken page as a failing one, and finishes the scan with both', async () => {
      const ok = await register('mastodon', 'beta');
      const walled = await register('telegram', 'alpha');
      server.setFault('telegram', { kind: 'login-wall' });
      const run = await scan([ok.id, walled.id]);
      expect(run.status).toBe('completed');
      expect(run.counts).toMatchObject({ accounts: 2, posts: 6, errors: 1 });
      expect(run.errors[0]?.message).toMatch(/^blocked: /u);
      expect(await accounts.getById(walled.id)).toMatchObject({ status: 'blocked', last_error: expect.stringMatching(/^telegram blocked collection/u) as unknown });
      expect(await accounts.getById(ok.id)).toMatchObject({ status: 'ok', last_error: null });

      server.setFault('telegram', { kind: 'malformed' });
      const broken = await scan([walled.id]);
      expect(broken.status).toBe('failed');
      expect((await accounts.getById(walled.id)).status).toBe('failing');
      // A page that cannot be read is permanent: tried once, not retried.
      expect(await new FailedJobsRepository(database.db).listOpen()).toEqual([]);
    });

    it('retries a server error, records the job when its tries run out, and finishes it on `jobs retry` once the platform is back', async () => {
      const gamma = await register('telegram', 'beta');
      server.setFault('telegram', { kind: 'server-error' });
      const run = await scan([gamma.id]);
      expect(run.status).toBe('failed');
      const failed = await new FailedJobsRepository(database.db).listOpen();
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ stage: 'collect', error_kind: 'retries_exhausted', attempts: 2, scan_run_id: run.id });
      expect(server.requests.filter((request) => request.platform === 'telegram' && request.status === 500).length).toBe(2);

      server.clearFaults();
      await retryFailedJobs(database.db, pipeline.queue, failed);
      const retried = await pipeline.coordinator.waitForScan(run.id, { pollMs: 20 });
      expect(retried.status).toBe('completed');
      expect(retried.counts).toMatchObject({ accounts: 1, posts: 6, errors: 0 });
      expect(await new FailedJobsRepository(database.db).listOpen()).toEqual([]);
      expect((await accounts.getById(gamma.id)).status).toBe('ok');
    });
  });
}
