import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { parseSchedule } from '../core/schedule.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { DEMO_ACCOUNTS } from '../demo/demo-content.js';
import { DEMO_POLICY_PATH, startDemoPlatform, type DemoPlatform } from '../demo/start-demo-platform.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import { analyzeJob, extractJob, collectJob } from '../pipeline/job-payloads.js';
import { runStageJob } from '../pipeline/run-stage-job.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { loadRuleSet, type LoadedRuleSet } from '../cli/load-rule-set.js';
import { capturingLogger } from './support/capturing-logger.js';
import { storeTargets } from './support/store-targets.js';
import { rowCounts } from './support/row-counts.js';

const CWD = process.cwd();
const config = loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', CRAWL_REQUESTS_PER_SECOND: '200', PIPELINE_BACKOFF_BASE_MS: '10' }, CWD);

// The demo's leak posts, as `<status id>`: every one must end up with a finding, and no other post.
const LEAK_STATUS_IDS = DEMO_ACCOUNTS.flatMap((account) => account.posts.filter((post) => post.leak !== undefined).map((post) => post.id)).sort();
const DEMO_POST_COUNT = DEMO_ACCOUNTS.reduce((sum, account) => sum + account.posts.length, 0);
const DEMO_IMAGE_COUNT = DEMO_ACCOUNTS.reduce((sum, account) => sum + account.posts.reduce((count, post) => count + post.images.length, 0), 0);

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`a scan of the demo platform, in-process on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let platform: DemoPlatform;
    let crawler: Crawler;
    let ocr: Promise<OcrEngine> | undefined;
    let rules: LoadedRuleSet;
    let pipeline: Pipeline;
    let accountIds: string[];

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      platform = await startDemoPlatform();
      const accounts = new AccountsRepository(database.db);
      accountIds = [];
      for (const account of platform.accounts) {
        accountIds.push((await accounts.create({ platform: 'mastodon', handle: account.handle, kind: account.kind, url: account.baseUrl })).id);
      }
      rules = await loadRuleSet(DEMO_POLICY_PATH);
      crawler = createCrawler(config.crawl, log);
      pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: rules.policy.policy.retention, log });
      await pipeline.work({ crawler, ocr: () => (ocr ??= createOcrEngine({ workers: 1 })), ruleSet: rules.ruleSet });
    }, 60_000);

    afterAll(async () => {
      await pipeline.close();
      await crawler.close();
      await (await ocr)?.close();
      await platform.close();
      await dispose();
    });

    it('collects every post, reads every image and flags exactly the leak posts, in text and in images', async () => {
      const started = await pipeline.coordinator.startScan('manual', accountIds);
      const run = await pipeline.coordinator.waitForScan(started.id, { pollMs: 50 });
      expect(run.status).toBe('completed');
      expect(run.counts).toMatchObject({ accounts: 6, posts: DEMO_POST_COUNT, images: DEMO_IMAGE_COUNT, errors: 0 });

      const flagged = await database.db
        .selectFrom('findings')
        .innerJoin('posts', 'posts.id', 'findings.post_id')
        .select(['posts.external_id', 'findings.evidence', 'findings.rule_ids', 'findings.scan_run_id'])
        .execute();
      expect([...new Set(flagged.map((row) => row.external_id.slice(row.external_id.lastIndexOf('/') + 1)))].sort()).toEqual(LEAK_STATUS_IDS);
      expect(run.counts.findings).toBe(flagged.length);
      expect(flagged.every((row) => row.scan_run_id === run.id)).toBe(true);
      // The whiteboard is read by OCR, with the box of its marking; the launch-site photo by its GPS.
      const marking = flagged.find((row) => row.evidence.source === 'ocr' && row.rule_ids[0] === 'marking-confidential');
      expect(marking?.evidence.box).toHaveLength(4);
      expect(marking?.evidence.mediaId).toMatch(/^[0-9a-f-]{36}$/u);
      expect(flagged.some((row) => row.evidence.source === 'exif' && row.rule_ids[0] === 'sensitive-site-location')).toBe(true);

      const events = await database.db.selectFrom('finding_events').select(['type', 'finding_id']).execute();
      expect(events).toHaveLength(flagged.length);
      expect(events.every((event) => event.type === 'finding.created')).toBe(true);
    }, 120_000);

    it('keeps only URL, ids, hashes and times of posts without findings, and the content of posts with them', async () => {
      const posts = await database.db
        .selectFrom('posts')
        .leftJoin('findings', 'findings.post_id', 'posts.id')
        .select(['posts.id', 'posts.text', 'posts.url', 'posts.content_sha256', 'posts.content_dropped_at', 'findings.id as finding'])
        .execute();
      const clean = posts.filter((post) => post.finding === null);
      expect(clean.length).toBe(DEMO_POST_COUNT - LEAK_STATUS_IDS.length);
      for (const post of clean) {
        expect(post.text).toBeNull();
        expect(post.content_dropped_at).not.toBeNull();
        expect(post.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//u);
        expect(post.content_sha256).toMatch(/^[0-9a-f]{64}$/u);
      }
      expect(posts.filter((post) => post.finding !== null).every((post) => post.text !== null)).toBe(true);

      const media = await database.db
        .selectFrom('media')
        .leftJoin('findings', 'findings.post_id', 'media.post_id')
        .select(['media.content', 'media.ocr_text', 'media.ocr_words', 'media.metadata', 'media.content_sha256', 'findings.id as finding'])
        .execute();
      for (const image of media.filter((row) => row.finding === null)) {
        expect([image.content, image.ocr_text, image.ocr_words]).toEqual([null, null, null]);
        expect(image.metadata).toEqual({});
        expect(image.content_sha256).toMatch(/^[0-9a-f]{64}$/u);
      }
      // The whiteboard and the launch-site photo are evidence: their bytes stay for review.
      expect(media.filter((row) => row.finding !== null && row.content !== null).length).toBeGreaterThanOrEqual(2);
    });

    it('rescans without storing anything again: no posts, no findings, no events', async () => {
      const before = await rowCounts(database.db);
      const started = await pipeline.coordinator.startScan('manual', accountIds);
      const run = await pipeline.coordinator.waitForScan(started.id, { pollMs: 50 });
      expect(run.status).toBe('completed');
      expect(run.counts).toMatchObject({ accounts: 6, posts: 0, images: 0, findings: 0, errors: 0 });
      expect(await rowCounts(database.db)).toEqual({ ...before, scanRuns: before.scanRuns + 1, scanRunAccounts: before.scanRunAccounts + 6 });
    }, 60_000);

    it('creates nothing new when every job of the scan is replayed', async () => {
      const before = await rowCounts(database.db);
      const [firstRun] = await database.db.selectFrom('scan_runs').select('id').orderBy('created_at').limit(1).execute();
      const scanRunId = firstRun?.id ?? '';
      const posts = await database.db.selectFrom('posts').select(['id', 'content_sha256']).execute();
      const media = await database.db.selectFrom('media').select(['id', 'post_id']).execute();
      const sha = new Map(posts.map((post) => [post.id, post.content_sha256]));
      const jobs = [
        ...accountIds.map((accountId) => collectJob(scanRunId, accountId)),
        ...media.map((image) => extractJob(scanRunId, image.post_id, image.id, sha.get(image.post_id) ?? '')),
        ...posts.map((post) => analyzeJob(scanRunId, post.id, post.content_sha256)),
      ];
      const deps = { db: database.db, crawler, ocr: () => (ocr ??= createOcrEngine({ workers: 1 })), ruleSet: rules.ruleSet, defaultSchedule: parseSchedule('24h'), log };
      for (const job of jobs) {
        const outcome = await runStageJob(job, 1, { attempts: 1, backoffBaseMs: 1, maxBackoffMs: 1 }, deps);
        expect(outcome).toEqual({ kind: 'done', followUps: [] });
      }
      expect(await rowCounts(database.db)).toEqual(before);
    }, 60_000);
  });
}
