import { parseSchedule } from '../core/schedule.js';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { createOcrEngine } from '../ocr/ocr-engine.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { Account } from '../store/schema.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { generateFixtureNetwork } from '../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../test/fixture-platform/fixture-server.js';
import { ALL_PLATFORM_FIXTURES } from '../test/fixture-platform/all-fixtures.js';
import { testRuleSet } from '../test/support/test-rule-set.js';
import { analyzeJob, collectJob, extractJob, type StageJob } from './job-payloads.js';
import type { PipelineDependencies } from './pipeline-dependencies.js';
import { backoffDelayMs, runStageJob, type JobOutcome, type RetryPolicy } from './run-stage-job.js';

describe('backoffDelayMs', () => {
  const policy: RetryPolicy = { attempts: 10, backoffBaseMs: 1_000, maxBackoffMs: 30_000 };
  const top = () => 1;

  it('doubles the ceiling with every attempt, from the base', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, undefined, top))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('caps the wait at maxBackoffMs, even after very many attempts', () => {
    expect(backoffDelayMs(6, policy, undefined, top)).toBe(30_000);
    expect(backoffDelayMs(1_000, policy, undefined, top)).toBe(30_000);
  });

  it('draws the wait anywhere between zero and the ceiling (full jitter)', () => {
    expect(backoffDelayMs(3, policy, undefined, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, undefined, () => 0.25)).toBe(1_000);
    expect(backoffDelayMs(3, policy, undefined, () => 0.999)).toBe(3_996);
  });

  it('never waits less than the server asked for, but no longer than maxBackoffMs', () => {
    expect(backoffDelayMs(1, policy, 5_000, () => 0)).toBe(5_000);
    expect(backoffDelayMs(5, policy, 5_000, top)).toBe(16_000);
    expect(backoffDelayMs(1, policy, 3_600_000, () => 0)).toBe(30_000);
  });
});

describe('runStageJob', () => {
  const { log } = capturingLogger('warn');
  let database: Database;
  let server: FixtureServer;
  let crawler: Crawler;
  let deps: PipelineDependencies;
  let noLanguageData: string;
  const policy: RetryPolicy = { attempts: 3, backoffBaseMs: 100, maxBackoffMs: 60_000 };

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory', poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, log);
    await migrateToLatest(database.db, log);
    const network = generateFixtureNetwork({ accounts: 2, postsPerAccount: 6, handles: ['acme', 'bravo'], imageShare: 0.5, repostShare: 0 });
    server = await startFixtureServer(network, ALL_PLATFORM_FIXTURES);
    crawler = createCrawler(
      { ...loadConfig({}).crawl, allowedPrivateHosts: ['127.0.0.1'], retries: 0, backoffBaseMs: 10, requestTimeoutMs: 3_000, maxMediaBytes: 256 * 1024, requestsPerSecond: 1_000 },
      log,
    );
    // The real OCR engine, pointed at a folder without language data: it cannot start (ConfigError).
    noLanguageData = await mkdtemp(path.join(tmpdir(), 'overshare-no-tessdata-'));
    deps = {
      db: database.db,
      crawler,
      ocr: () => createOcrEngine({ workers: 1, languages: ['eng'], langPath: noLanguageData }),
      ruleSet: testRuleSet(),
      defaultSchedule: parseSchedule('24h'),
      log,
    };
  });
  afterEach(() => server.clearFaults());
  afterAll(async () => {
    await crawler.close();
    await server.close();
    await database.close();
    await rm(noLanguageData, { recursive: true, force: true });
  });

  let accountCount = 0;
  async function accountWithScan(input: Partial<Pick<Account, 'platform' | 'handle' | 'url'>> = {}): Promise<{ account: Account; scanRunId: string }> {
    accountCount += 1;
    const account = await new AccountsRepository(database.db).create({
      platform: input.platform ?? 'mastodon',
      handle: input.handle ?? `nobody-${accountCount}`,
      kind: 'employee',
      ...(input.url ? { url: input.url } : {}),
    });
    const run = await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [account.id]));
    return { account, scanRunId: run.id };
  }

  /** A stored post of a fresh account with these image URLs, and its pending work. */
  async function postWithImages(text: string, mediaUrls: string[]) {
    const { account, scanRunId } = await accountWithScan();
    const [work] = await new PipelineWorkRepository(database.db).storeCollectedPosts(scanRunId, account.id, 'mastodon', [
      { externalId: `post-${accountCount}`, url: `https://social.example/@x/${accountCount}`, isRepost: false, text, mediaUrls },
    ]);
    return { account, scanRunId, work: work! };
  }

  const failedJob = (jobKey: string) => database.db.selectFrom('failed_jobs').selectAll().where('job_key', '=', jobKey).executeTakeFirst();
  const mediaRow = (id: string) => database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** Runs jobs and their follow-ups to the end, as a queue would (retries at once). */
  async function runToEnd(jobs: StageJob[]): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    const queue = jobs.map((job) => ({ job, attempt: 1 }));
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const outcome = await runStageJob(next.job, next.attempt, policy, deps);
      outcomes.push(outcome);
      if (outcome.kind === 'retry') queue.push({ job: next.job, attempt: next.attempt + 1 });
      else queue.push(...outcome.followUps.map((job) => ({ job, attempt: 1 })));
    }
    return outcomes;
  }

  describe('an invalid payload', () => {
    it('is recorded as invalid_payload and failed without a retry', async () => {
      const outcome = await runStageJob({ stage: 'extract', key: 'extract_not-a-job', payload: { scanRunId: 'nope', mediaId: 7 } }, 1, policy, deps);
      expect(outcome).toMatchObject({ kind: 'failed', followUps: [] });
      expect(await failedJob('extract_not-a-job')).toMatchObject({
        stage: 'extract',
        error_kind: 'invalid_payload',
        attempts: 1,
        scan_run_id: null,
        payload: { scanRunId: 'nope', mediaId: 7 },
        retried_at: null,
      });
    });

    it('keeps a payload that is not an object under `value`', async () => {
      expect((await runStageJob({ stage: 'analyze', key: 'analyze_garbage', payload: 'garbage' }, 1, policy, deps)).kind).toBe('failed');
      expect((await failedJob('analyze_garbage'))?.payload).toEqual({ value: 'garbage' });
    });

    it('of a stage that does not exist is failed, with nothing recorded', async () => {
      expect((await runStageJob({ stage: 'publish', key: 'publish_1', payload: {} }, 1, policy, deps)).kind).toBe('failed');
      expect(await failedJob('publish_1')).toBeUndefined();
    });
  });

  describe('a collect job', () => {
    it("stores the account's posts and returns their image and analysis jobs", async () => {
      const published = server.network.accounts.get('acme')!.posts;
      const { account, scanRunId } = await accountWithScan({ handle: 'acme', url: server.baseUrl('mastodon') });
      const outcome = await runStageJob(collectJob(scanRunId, account.id), 1, policy, deps);
      expect(outcome.kind).toBe('done');
      const followUps = outcome.kind === 'done' ? outcome.followUps : [];
      const imageCount = published.reduce((sum, post) => sum + post.images.length, 0);
      expect(followUps.filter((job) => job.stage === 'extract')).toHaveLength(imageCount);
      expect(followUps.filter((job) => job.stage === 'analyze')).toHaveLength(published.filter((post) => post.images.length === 0).length);
      const [entry] = await new ScanRunsRepository(database.db).accountsOf(scanRunId);
      expect(entry).toMatchObject({ status: 'collected', posts: published.length });
      const stored = await new AccountsRepository(database.db).getById(account.id);
      expect([stored.status, stored.crawl_cursor]).toEqual(['ok', expect.objectContaining({ externalId: expect.any(String) as string })]);
    });

    it('that keeps failing transiently is retried until its attempts run out, then recorded as retries_exhausted', async () => {
      server.setFault('mastodon', { kind: 'server-error' });
      const { account, scanRunId } = await accountWithScan({ handle: 'bravo', url: server.baseUrl('mastodon') });
      const job = collectJob(scanRunId, account.id);
      const first = await runStageJob(job, 1, policy, deps);
      const second = await runStageJob(job, 2, policy, deps);
      expect([first.kind, second.kind]).toEqual(['retry', 'retry']);
      expect(first.kind === 'retry' && first.delayMs).toBeLessThanOrEqual(100);
      expect(second.kind === 'retry' && second.delayMs).toBeLessThanOrEqual(200);
      expect(await failedJob(job.key)).toBeUndefined();

      const last = await runStageJob(job, 3, policy, deps);
      expect(last).toMatchObject({ kind: 'failed', followUps: [] });
      expect(await failedJob(job.key)).toMatchObject({ error_kind: 'retries_exhausted', attempts: 3, scan_run_id: scanRunId });
      const [entry] = await new ScanRunsRepository(database.db).accountsOf(scanRunId);
      expect(entry?.status).toBe('failed');
      expect((await new AccountsRepository(database.db).getById(account.id)).status).toBe('failing');
    });

    it('records a login wall on the account and the scan as blocked, at once, not as a failed job', async () => {
      server.setFault('telegram', { kind: 'login-wall' });
      const { account, scanRunId } = await accountWithScan({ platform: 'telegram', handle: 'bravo', url: server.baseUrl('telegram') });
      const job = collectJob(scanRunId, account.id);
      expect(await runStageJob(job, 1, policy, deps)).toEqual({ kind: 'done', followUps: [] });
      expect(await failedJob(job.key)).toBeUndefined();
      const [entry] = await new ScanRunsRepository(database.db).accountsOf(scanRunId);
      expect(entry).toMatchObject({ status: 'blocked', error: expect.stringContaining('telegram') as string });
      expect((await new AccountsRepository(database.db).getById(account.id)).status).toBe('blocked');
    });

    it("waits at least as long as the platform's Retry-After before the next attempt", async () => {
      server.setFault('telegram', { kind: 'rate-limit', retryAfterSeconds: 3 });
      const { account, scanRunId } = await accountWithScan({ platform: 'telegram', handle: 'acme', url: server.baseUrl('telegram') });
      const outcome = await runStageJob(collectJob(scanRunId, account.id), 1, policy, deps);
      expect(outcome.kind).toBe('retry');
      expect(outcome.kind === 'retry' && outcome.delayMs).toBeGreaterThanOrEqual(3_000);
    });
  });

  describe('an extract job', () => {
    it('marks an image that is not an image as failed with its reason, and returns the post analysis', async () => {
      const { scanRunId, work } = await postWithImages('Badge day!', [`${server.origin}/media/fake-img-1.jpg`, `${server.origin}/media/huge-img-2.jpg`]);
      const [fake, huge] = work.pendingMediaIds;
      const first = await runStageJob(extractJob(scanRunId, work.postId, fake!, work.contentSha256), 1, policy, deps);
      // The post still waits for its other image: no analysis yet.
      expect(first).toEqual({ kind: 'done', followUps: [] });
      expect(await mediaRow(fake!)).toMatchObject({ status: 'failed', error: expect.stringContaining('not-an-image') as string });

      const second = await runStageJob(extractJob(scanRunId, work.postId, huge!, work.contentSha256), 1, policy, deps);
      expect(second).toEqual({ kind: 'done', followUps: [analyzeJob(scanRunId, work.postId, work.contentSha256)] });
      expect(await mediaRow(huge!)).toMatchObject({ status: 'failed', error: expect.stringContaining('too-large') as string });
    });

    it('reuses the reading of an image with the same bytes, and the analysis finds what it said', async () => {
      const url = `${server.origin}/media/img-900.jpg`;
      const { bytes } = await crawler.fetchMedia(url);
      const words = [{ text: 'CONFIDENTIAL', box: [4, 4, 40, 10], confidence: 91, line: 0 }];
      const earlier = await postWithImages('An older post', [`${server.origin}/media/img-900.jpg?copy=1`]);
      await database.db
        .updateTable('media')
        .set({ status: 'extracted', content_sha256: createHash('sha256').update(bytes).digest('hex'), ocr_text: 'CONFIDENTIAL', ocr_words: JSON.stringify(words), width: 64, height: 48 })
        .where('id', '=', earlier.work.pendingMediaIds[0]!)
        .execute();

      const { scanRunId, work } = await postWithImages('Whiteboard from today', [url]);
      const mediaId = work.pendingMediaIds[0]!;
      // OCR cannot start here: the reading must come from the earlier image.
      const outcomes = await runToEnd([extractJob(scanRunId, work.postId, mediaId, work.contentSha256)]);
      expect(outcomes.map((outcome) => outcome.kind)).toEqual(['done', 'done']);
      expect(await mediaRow(mediaId)).toMatchObject({ status: 'extracted', ocr_words: words, width: 64, height: 48 });
      const findings = await database.db.selectFrom('findings').selectAll().where('post_id', '=', work.postId).execute();
      expect(findings.map((finding) => [finding.rule_ids, finding.evidence.source, finding.evidence.mediaId])).toEqual([[['marking-confidential'], 'ocr', mediaId]]);
      const { posts, images } = await new ScanRunsRepository(database.db).progress(scanRunId);
      expect([posts.pending, images.pending]).toEqual([0, 0]);
    });

    it('whose image host keeps refusing connections is retried, then recorded with the image failed and the analysis returned', async () => {
      const { scanRunId, work } = await postWithImages('Quarterly numbers', [`http://127.0.0.1:${await closedPort()}/media/img-1.jpg`]);
      const job = extractJob(scanRunId, work.postId, work.pendingMediaIds[0]!, work.contentSha256);
      expect((await runStageJob(job, 1, policy, deps)).kind).toBe('retry');
      expect((await runStageJob(job, 2, policy, deps)).kind).toBe('retry');
      const last = await runStageJob(job, 3, policy, deps);
      expect(last).toMatchObject({ kind: 'failed', followUps: [analyzeJob(scanRunId, work.postId, work.contentSha256)] });
      expect(await failedJob(job.key)).toMatchObject({ stage: 'extract', error_kind: 'retries_exhausted', attempts: 3 });
      expect((await mediaRow(work.pendingMediaIds[0]!)).status).toBe('failed');
    });

    // An installation problem is not a fact about the image: it must be a failed job that
    // `overshare jobs failed` lists and `jobs retry` can redo once the installation is fixed.
    it('fails at once, recorded as permanent, when the OCR engine cannot start; the image is marked failed and the analysis returned', async () => {
      const { scanRunId, work } = await postWithImages('Photo of the lab', [`${server.origin}/media/img-901.jpg`]);
      const job = extractJob(scanRunId, work.postId, work.pendingMediaIds[0]!, work.contentSha256);
      const outcome = await runStageJob(job, 1, policy, deps);
      expect((await mediaRow(work.pendingMediaIds[0]!)).status).toBe('failed');
      expect(outcome).toMatchObject({ kind: 'failed', followUps: [analyzeJob(scanRunId, work.postId, work.contentSha256)] });
      expect(await failedJob(job.key)).toMatchObject({ stage: 'extract', error_kind: 'permanent', attempts: 1, scan_run_id: scanRunId });
    });
  });
});

/** A local port nothing listens on (connections to it are refused). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
