import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../core/load-policy.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import { collectJob } from '../pipeline/job-payloads.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { seedAccount, seedFinding, seedPost } from '../test/support/seed-findings.js';
import { storeTargets } from '../test/support/store-targets.js';
import { accessLog } from './access-log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { startServer, type RunningServer } from './start-server.js';

const PIPELINE_SETTINGS = {
  redisUrl: undefined,
  queuePrefix: 'overshare-test',
  collectConcurrency: 1,
  extractConcurrency: 1,
  analyzeConcurrency: 1,
  jobAttempts: 1,
  backoffBaseMs: 10,
  maxBackoffMs: 100,
  defaultSchedule: '24h',
  schedulerTickMs: 60_000,
};

/** `name{labels} value` lines of a Prometheus text reply, by `name{labels}`. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\{[^}]*\})?) (\S+)$/u.exec(line);
    if (match) found.set(match[1]!, Number(match[2]));
  }
  return found;
}

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`metrics on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let pipeline: Pipeline;
    let metrics: Metrics;
    let server: RunningServer;
    let handle: string;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      const { db } = database;
      pipeline = createPipeline({ db, settings: PIPELINE_SETTINGS, retention: defaultPolicy().policy.retention, log });
      metrics = createMetrics({ db, pipeline, log });
      const app = express();
      app.use(accessLog(log, metrics));
      app.use(metrics.router);
      app.get('/things/:id', (_request, response) => {
        response.json({ ok: true });
      });
      server = await startServer(app, '127.0.0.1', 0, log);

      const account = await seedAccount(db, { owner: { name: 'Private Person', email: 'private.person@corp.example' } });
      handle = account.handle;
      await seedFinding(db, { account, severity: 'high' });
      await seedFinding(db, { account, severity: 'high' });
      const low = await seedFinding(db, { account, severity: 'low' });
      await db.updateTable('findings').set({ state: 'resolved', resolution: 'false_positive' }).where('id', '=', low.id).execute();
      const post = await seedPost(db, account, 'a post with two images');
      await db
        .insertInto('media')
        .values([
          { post_id: post.id, position: 0, source_url: 'https://img.example/1.jpg', metadata: '{}', error: null },
          { post_id: post.id, position: 1, source_url: 'https://img.example/2.jpg', status: 'failed', metadata: '{}', error: 'not an image' },
        ])
        .execute();
      await new ScanRunsRepository(db).create('manual');
      const running = await db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'api', [account.id]));
      await pipeline.queue.enqueue([collectJob(running.id, account.id)]);
      // Three findings made three outbox events: one sink has taken the first, one all of them.
      await db.insertInto('sinks').values({ name: 'siem-behind', kind: 'webhook', format: 'native', target: 'https://siem.example/hook', cursor_seq: 1, secret_encrypted: null, disabled_reason: null, first_failure_at: null, last_error: null, last_delivered_at: null }).execute();
      const maxSeq = (await db.selectFrom('finding_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq;
      // The account met a login wall three times in a row, two hours after its last good reading.
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      await db
        .insertInto('collection_attempts')
        .values([1, 2, 3].map((minutes) => ({ platform: account.platform, account_id: account.id, outcome: 'login_wall' as const, error: 'a login form', attempted_at: new Date(Date.now() - minutes * 60_000) })))
        .execute();
      await db
        .insertInto('coverage_gaps')
        .values({ account_id: account.id, platform: account.platform, started_at: twoHoursAgo, detected_at: twoHoursAgo, last_failed_at: twoHoursAgo, reason: 'login_wall', last_error: 'a login form' })
        .execute();
      await db.insertInto('sinks').values({ name: 'siem-current', kind: 'syslog', format: 'cef', target: 'siem.example:6514', cursor_seq: maxSeq, secret_encrypted: null, disabled_reason: null, first_failure_at: null, last_error: null, last_delivered_at: null }).execute();
    });

    afterAll(async () => {
      await server.close(1_000);
      await pipeline.close();
      await dispose();
    });

    it('counts scans, posts, images, findings, work left, queued jobs and sink lag from the database on each scrape', async () => {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const found = samples(await response.text());
      expect(found.get('overshare_metrics_database_up')).toBe(1);
      expect(found.get('overshare_scans{status="queued"}')).toBe(1);
      expect(found.get('overshare_scans{status="running"}')).toBe(1);
      expect(found.get('overshare_scans{status="completed"}')).toBe(0);
      expect(found.get('overshare_posts')).toBe(4);
      expect(found.get('overshare_images{status="pending"}')).toBe(1);
      expect(found.get('overshare_images{status="failed"}')).toBe(1);
      expect(found.get('overshare_findings{state="new",severity="high"}')).toBe(2);
      expect(found.get('overshare_findings{state="resolved",severity="low"}')).toBe(1);
      expect(found.get('overshare_findings{state="new",severity="critical"}')).toBe(0);
      expect(found.get('overshare_pipeline_backlog{stage="collect"}')).toBe(1);
      expect(found.get('overshare_queue_jobs{state="waiting"}')).toBe(1);
      expect(found.get('overshare_sink_lag_events{sink="siem-behind"}')).toBe(2);
      expect(found.get('overshare_sink_lag_events{sink="siem-current"}')).toBe(0);
      expect(found.get('overshare_sink_oldest_undelivered_age_seconds{sink="siem-behind"}')).toBeGreaterThanOrEqual(0);
      expect(found.get('overshare_sink_oldest_undelivered_age_seconds{sink="siem-current"}')).toBe(0);
      expect(found.has('process_resident_memory_bytes')).toBe(true);
    });

    it("reports each platform's health state, its accounts not covered and the oldest gap's age", async () => {
      const found = samples(await (await fetch(`${server.url}/metrics`)).text());
      const platform = (await database.db.selectFrom('accounts').select('platform').executeTakeFirstOrThrow()).platform;
      expect(found.get(`overshare_platform_state{platform="${platform}",state="blocked"}`)).toBe(1);
      expect(found.get(`overshare_platform_state{platform="${platform}",state="ok"}`)).toBe(0);
      expect(found.get(`overshare_accounts_uncovered{platform="${platform}"}`)).toBe(1);
      expect(found.get('overshare_coverage_oldest_gap_seconds')).toBeGreaterThanOrEqual(7_200);
    });

    it('counts requests by route pattern and status, with no raw path, query or personal data in any label', async () => {
      for (const id of ['first-secret-id', 'second-secret-id']) {
        const reply = await fetch(`${server.url}/things/${id}?q=private.person@corp.example`);
        await reply.text();
      }
      await (await fetch(`${server.url}/no/such/thing`)).text();
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const found = samples(text);
      expect(found.get('overshare_http_requests_total{method="GET",route="/things/:id",status="200"}')).toBe(2);
      expect(found.get('overshare_http_requests_total{method="GET",route="(unmatched)",status="404"}')).toBe(1);
      expect(found.get('overshare_http_request_duration_seconds_count{method="GET",route="/things/:id",status="200"}')).toBe(2);
      for (const secret of ['secret-id', 'private.person', 'Private Person', handle, 'no/such']) expect(text).not.toContain(secret);
    });

    it('keeps its own registry: a second instance starts from zero', async () => {
      const other = createMetrics({ db: database.db, log });
      other.observeRequest('get', '/x', 200, 5);
      expect(await other.registry.getSingleMetricAsString('overshare_http_requests_total')).toContain('route="/x"');
      expect(await metrics.registry.getSingleMetricAsString('overshare_http_requests_total')).not.toContain('route="/x"');
    });
  });
}
