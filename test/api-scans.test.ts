import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { parseSchedule } from '../core/schedule.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { startDemoPlatform, DEMO_POLICY_PATH, type DemoPlatform } from '../demo/start-demo-platform.js';
import { loadRuleSet } from '../cli/load-rule-set.js';
import { collectJob, type StageJob } from '../pipeline/job-payloads.js';
import type { PipelineDependencies } from '../pipeline/pipeline-dependencies.js';
import { processStageJob } from '../pipeline/run-stage-job.js';
import { accountsRoutes } from '../server/api/routes/accounts-routes.js';
import { scansRoutes } from '../server/api/routes/scans-routes.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedAccount } from './support/seed-findings.js';

const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`scans API on ${engine}`, () => {
    let harness: ApiHarness;
    let admin: ApiClient;

    beforeAll(async () => {
      harness = await startApiHarness({ engine, routes: [...accountsRoutes(), ...scansRoutes()], withPipeline: true });
      admin = await harness.as('admin');
    });
    afterAll(async () => harness.close());

    it('starts a scan of the accounts named, leaving to a running scan the ones it has, and audits it', async () => {
      const [a, b] = [await seedAccount(harness.db), await seedAccount(harness.db)];
      const first = await admin.post('/api/v1/scans', { account_ids: [a.id] });
      expect(first.status).toBe(202);
      const second = await admin.post('/api/v1/scans', { account_ids: [a.id, b.id, b.id] });
      expect(second.status).toBe(202);
      expect(second.body).toMatchObject({ trigger: 'api', status: 'running', counts: { accounts: 1 }, accounts_left_to_other_scans: 1 });
      const [entry] = await harness.db.selectFrom('audit_log').selectAll().where('target_id', '=', second.body.id).execute();
      expect(entry).toMatchObject({ action: 'scan.started', actor_id: admin.actor.id, details: { requested: 2, accounts: 1, full: false } });
      expect((await harness.services.pipeline!.queue.counts()).waiting).toBeGreaterThanOrEqual(2);
    });

    it('refuses unknown accounts, disabled ones, and a body naming both or neither', async () => {
      const unknown = await admin.post('/api/v1/scans', { account_ids: ['00000000-0000-4000-8000-000000000000'] });
      expect([unknown.status, unknown.body.issues[0].path]).toEqual([400, 'body.account_ids.0']);
      const disabled = await seedAccount(harness.db, { isActive: false });
      expect((await admin.post('/api/v1/scans', { account_ids: [disabled.id] })).status).toBe(409);
      expect((await admin.post('/api/v1/scans', { account_ids: [disabled.id], all: true })).status).toBe(400);
      expect((await admin.post('/api/v1/scans', { full: true })).status).toBe(400);
    });

    it('scans every active account with all, forgetting their cursors when full', async () => {
      const active = await seedAccount(harness.db);
      await harness.db.updateTable('accounts').set({ crawl_cursor: JSON.stringify({ externalId: 'x', publishedAt: '2026-01-01T00:00:00Z' }) }).execute();
      const reply = await admin.post('/api/v1/scans', { all: true, full: true });
      expect(reply.status).toBe(202);
      const taken = await harness.db.selectFrom('scan_run_accounts').select('account_id').where('scan_run_id', '=', reply.body.id).execute();
      expect(taken.map((row) => row.account_id)).toContain(active.id);
      const cursors = await harness.db.selectFrom('accounts').select(['id', 'crawl_cursor']).where('id', 'in', taken.map((row) => row.account_id)).execute();
      expect(cursors.every((row) => row.crawl_cursor === null)).toBe(true);
      const activeCount = (await new AccountsRepository(harness.db).list({ isActive: true })).length;
      expect(Number(reply.body.counts.accounts) + Number(reply.body.accounts_left_to_other_scans)).toBe(activeCount);
    });

    it('lists scans newest first in pages, filtered by status and trigger', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await admin.get(`/api/v1/scans?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(page.status).toBe(200);
        all.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      const stored = await harness.db.selectFrom('scan_runs').select('id').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      expect(all).toEqual(stored.map((row) => row.id));
      expect(new Set(all).size).toBe(all.length);

      await harness.db.insertInto('scan_runs').values({ trigger: 'schedule', status: 'completed', started_at: new Date(), finished_at: new Date() }).execute();
      const scheduled = await admin.get('/api/v1/scans?trigger=schedule');
      expect(scheduled.body.items.map((item: { trigger: string }) => item.trigger)).toEqual(['schedule']);
      const completed = await admin.get('/api/v1/scans?status=completed&trigger=api');
      expect(completed.body.items).toEqual([]);
      expect((await admin.get('/api/v1/scans?status=done')).status).toBe(400);
    });

    it('shows a scan with its live progress and how each account fared', async () => {
      const account = await seedAccount(harness.db, { handle: 'progress_one' });
      const started = await admin.post('/api/v1/scans', { account_ids: [account.id] });
      const shown = await admin.get(`/api/v1/scans/${started.body.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        id: started.body.id,
        status: 'running',
        progress: { accounts: { total: 1, done: 0, failed: 0, blocked: 0 }, posts: { total: 0, pending: 0 }, findings: 0, is_done: false },
        errors: [],
        accounts: [{ account_id: account.id, platform: 'mastodon', handle: 'progress_one', status: 'pending', posts: 0, error: null }],
        accounts_truncated: false,
      });
      expect((await admin.get('/api/v1/scans/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });

    it('cancels a running scan: its waiting accounts are skipped, and a finished scan cannot be cancelled', async () => {
      const [a, b] = [await seedAccount(harness.db), await seedAccount(harness.db)];
      const started = await admin.post('/api/v1/scans', { account_ids: [a.id, b.id] });
      const cancelled = await admin.post(`/api/v1/scans/${started.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: started.body.id, status: 'cancelled', counts: { accounts: 2, posts: 0 } });
      expect(cancelled.body.finished_at).not.toBeNull();
      const entries = await harness.db.selectFrom('scan_run_accounts').select(['status', 'error']).where('scan_run_id', '=', started.body.id).execute();
      expect(entries).toEqual([
        { status: 'skipped', error: 'the scan was cancelled' },
        { status: 'skipped', error: 'the scan was cancelled' },
      ]);
      const [entry] = await harness.db.selectFrom('audit_log').selectAll().where('target_id', '=', started.body.id).where('action', '=', 'scan.cancelled').execute();
      expect(entry).toMatchObject({ actor_id: admin.actor.id, details: { trigger: 'api', accounts: 2, posts: 0 } });

      // Closing finished scans leaves a cancelled one alone, and its accounts are free for the next scan.
      await harness.services.pipeline!.coordinator.finishDoneScans();
      expect((await admin.get(`/api/v1/scans/${started.body.id}`)).body.status).toBe('cancelled');
      expect((await admin.post(`/api/v1/accounts/${a.id}/scan`)).status).toBe(202);

      const again = await admin.post(`/api/v1/scans/${started.body.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.detail).toContain('cancelled already');
      expect((await admin.post('/api/v1/scans/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);
      const reviewer = await harness.as('reviewer');
      const auditor = await harness.as('auditor');
      expect((await auditor.post(`/api/v1/scans/${started.body.id}/cancel`)).status).toBe(403);
      expect((await auditor.get('/api/v1/scans')).status).toBe(200);
      expect((await reviewer.post('/api/v1/scans', { account_ids: [b.id] })).status).toBe(202);
    });
  });
}

// The processors against the demo platform over real HTTP: a cancelled scan collects nothing more,
// and what it collected before is still analyzed.
describe('cancelled scans in the pipeline', () => {
  const config = loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', CRAWL_REQUESTS_PER_SECOND: '200' }, process.cwd());
  let harness: ApiHarness;
  let admin: ApiClient;
  let platform: DemoPlatform;
  let crawler: Crawler;
  let deps: PipelineDependencies;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    harness = await startApiHarness({ routes: [...accountsRoutes(), ...scansRoutes()], withPipeline: true });
    admin = await harness.as('admin');
    platform = await startDemoPlatform();
    const accounts = new AccountsRepository(harness.db);
    for (const account of platform.accounts) {
      ids.set(account.username, (await accounts.create({ platform: 'mastodon', handle: account.handle, kind: account.kind, url: account.baseUrl })).id);
    }
    crawler = createCrawler(config.crawl, harness.log.log);
    const rules = await loadRuleSet(DEMO_POLICY_PATH);
    deps = {
      db: harness.db,
      crawler,
      // The accounts used here post no images.
      ocr: () => Promise.reject(new Error('no OCR in this test: its accounts post text only')),
      ruleSet: rules.ruleSet,
      defaultSchedule: parseSchedule('24h'),
      log: harness.log.log,
    };
  }, 60_000);

  afterAll(async () => {
    await harness.close();
    await crawler.close();
    await platform.close();
  });

  const idOf = (username: string) => ids.get(username) ?? '';
  const postsOf = async (accountId: string) => (await harness.db.selectFrom('posts').select(['id', 'analyzed_at']).where('account_id', '=', accountId).execute());

  it('stores nothing when the scan is cancelled while the platform is being read, and keeps the cursor', async () => {
    const accountId = idOf('orbital_careers');
    const started = await admin.post('/api/v1/scans', { account_ids: [accountId] });
    const cancelling: PipelineDependencies = {
      ...deps,
      crawler: {
        fetchMedia: (url, signal) => crawler.fetchMedia(url, signal),
        async collect(ref, options) {
          const result = await crawler.collect(ref, options);
          expect((await admin.post(`/api/v1/scans/${started.body.id}/cancel`)).status).toBe(200);
          return result;
        },
      },
    };
    expect(await processStageJob(collectJob(started.body.id, accountId), cancelling)).toEqual([]);
    expect(await postsOf(accountId)).toEqual([]);
    const account = await new AccountsRepository(harness.db).getById(accountId);
    expect([account.crawl_cursor, account.last_scanned_at, account.status]).toEqual([null, null, 'pending']);
    const [entry] = await harness.db.selectFrom('scan_run_accounts').select('status').where('scan_run_id', '=', started.body.id).execute();
    expect(entry?.status).toBe('skipped');
  });

  it('still analyzes what it collected before the cancel, and queues again only that work', async () => {
    const [collected, waiting] = [idOf('olena_kovalenko'), idOf('nikos_pappas')];
    const started = await admin.post('/api/v1/scans', { account_ids: [collected, waiting] });
    const followUps = await processStageJob(collectJob(started.body.id, collected), deps);
    expect(followUps.length).toBe(7);
    expect((await admin.post(`/api/v1/scans/${started.body.id}/cancel`)).body.counts).toMatchObject({ accounts: 2, posts: 7 });

    // A queue that lost its jobs gets the analyses back, and no collection of the skipped account.
    const { coordinator, queue } = harness.services.pipeline!;
    const before = (await queue.counts()).waiting;
    expect(await coordinator.recoverUnfinishedWork()).toBe(7);
    expect((await queue.counts()).waiting - before).toBe(7);

    const more: StageJob[] = [];
    for (const job of followUps) more.push(...(await processStageJob(job, deps)));
    expect(more).toEqual([]);
    expect((await postsOf(collected)).every((post) => post.analyzed_at !== null)).toBe(true);
    const findings = await harness.db.selectFrom('findings').select('scan_run_id').where('account_id', '=', collected).execute();
    expect(findings.length).toBeGreaterThanOrEqual(2);
    expect(findings.every((finding) => finding.scan_run_id === started.body.id)).toBe(true);
    expect(await coordinator.recoverUnfinishedWork()).toBe(0);
    expect(await processStageJob(collectJob(started.body.id, waiting), deps)).toEqual([]);
    expect(await postsOf(waiting)).toEqual([]);
    expect((await admin.get(`/api/v1/scans/${started.body.id}`)).body.status).toBe('cancelled');
  });

  it('collects nothing for a cancelled scan even when `jobs retry` puts its account back to pending', async () => {
    const accountId = idOf('dmitri_orlov');
    const started = await admin.post('/api/v1/scans', { account_ids: [accountId] });
    await admin.post(`/api/v1/scans/${started.body.id}/cancel`);
    await ScanRunsRepository.recordAccount(harness.db, started.body.id, accountId, { status: 'pending' });
    let reads = 0;
    const counting: PipelineDependencies = {
      ...deps,
      crawler: { fetchMedia: (url, signal) => crawler.fetchMedia(url, signal), collect: (ref, options) => ((reads += 1), crawler.collect(ref, options)) },
    };
    expect(await processStageJob(collectJob(started.body.id, accountId), counting)).toEqual([]);
    // Refused before the platform is read, not only before the posts are stored.
    expect(reads).toBe(0);
    expect(await postsOf(accountId)).toEqual([]);
  });

  it('runs none of the collect jobs queued before the cancel once workers start', async () => {
    const accountIds = [idOf('demo_orbital'), idOf('anna_nowak')];
    const started = await admin.post('/api/v1/scans', { account_ids: accountIds });
    expect(started.body.counts.accounts).toBe(2);
    expect((await admin.post(`/api/v1/scans/${started.body.id}/cancel`)).status).toBe(200);
    const pipeline = harness.services.pipeline!;
    await pipeline.work({ crawler: deps.crawler, ocr: deps.ocr, ruleSet: deps.ruleSet });
    for (let tries = 0; tries < 200; tries += 1) {
      const counts = await pipeline.queue.counts();
      if (counts.waiting + counts.active + counts.delayed === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await pipeline.queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0 });
    for (const accountId of accountIds) expect(await postsOf(accountId)).toEqual([]);
    await pipeline.coordinator.finishDoneScans();
    const shown = await admin.get(`/api/v1/scans/${started.body.id}`);
    expect(shown.body).toMatchObject({ status: 'cancelled', progress: { accounts: { total: 2, done: 2 }, is_done: true } });
    expect(shown.body.accounts.map((outcome: { status: string }) => outcome.status)).toEqual(['skipped', 'skipped']);
  });
});
