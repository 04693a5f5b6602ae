import { Router } from 'express';
import { sql, type Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../core/logger.js';
import { PLATFORM_STATES } from '../core/coverage.js';
import { SEVERITIES } from '../core/policy-schema.js';
import type { Pipeline } from '../pipeline/create-pipeline.js';
import { HEALTH_WINDOW_MS, judgePlatformHealth } from '../pipeline/platform-health.js';
import { CoverageQuery } from '../store/repositories/coverage-query.js';
import type { Schema } from '../store/schema.js';

/** What `createMetrics` needs: the database it counts, and the pipeline whose queue it reads (when this process has one). */
export interface MetricsOptions {
  db: Kysely<Schema>;
  pipeline?: Pick<Pipeline, 'queue'>;
  log: Logger;
}

/** The Prometheus metrics of one process, in a registry of their own (never prom-client's global one). */
export interface Metrics {
  registry: Registry;
  /** `GET /metrics`: refreshes the database gauges, then answers in the Prometheus text format. */
  router: Router;
  /** Counts one answered request; `route` is the route pattern (never a raw URL), `durationMs` in milliseconds. */
  observeRequest(method: string, route: string, status: number, durationMs: number): void;
  /** Refreshes the gauges from the database and the queue now (one refresh at a time; callers share a running one). */
  collect(): Promise<void>;
}

const SCAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const IMAGE_STATUSES = ['pending', 'extracted', 'skipped', 'failed'] as const;
const FINDING_STATES = ['new', 'in_review', 'resolved', 'reopened'] as const;
const STAGES = ['collect', 'extract', 'analyze'] as const;
const QUEUE_STATES = ['waiting', 'active', 'delayed'] as const;
const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Builds the metrics: gauges read on each scrape with a few aggregate queries (scans by status,
 * posts, images by status, findings by state and severity, the work left per stage, queued jobs,
 * each sink's lag in events and the age of its oldest undelivered event, each platform's health
 * state and its accounts not covered, the age of the oldest gap), HTTP requests by method,
 * route pattern and status, and Node's process metrics. Labels carry no personal data: statuses,
 * platforms, route patterns and sink names only.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const { db, pipeline, log } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const databaseUp = gauge('overshare_metrics_database_up', 'Whether the last scrape could read the database (1) or not (0).');
  const scans = gauge('overshare_scans', 'Scan runs by status.', ['status']);
  const posts = gauge('overshare_posts', 'Posts stored.');
  const images = gauge('overshare_images', 'Images of stored posts by status.', ['status']);
  const findings = gauge('overshare_findings', 'Findings by state and severity.', ['state', 'severity']);
  const backlog = gauge('overshare_pipeline_backlog', 'Work the database says is left per stage: accounts to collect, images to read, posts to analyze.', ['stage']);
  const queueJobs = gauge('overshare_queue_jobs', 'Jobs in the work queue by state (all stages).', ['state']);
  const sinkLag = gauge('overshare_sink_lag_events', 'Outbox events a sink has not taken yet (newest seq minus its cursor).', ['sink']);
  const sinkAge = gauge('overshare_sink_oldest_undelivered_age_seconds', 'Age of the oldest outbox event a sink has not taken yet; 0 when it is up to date.', ['sink']);
  const platformState = gauge('overshare_platform_state', "Each platform's health over the last 6 hours: 1 for its current state, 0 for the others.", ['platform', 'state']);
  const uncovered = gauge('overshare_accounts_uncovered', 'Active accounts (canaries left out) with an open coverage gap, by platform: findings from them may be missing.', ['platform']);
  const oldestGap = gauge('overshare_coverage_oldest_gap_seconds', 'How long the longest-uncovered active account has not been covered; 0 when every account is covered.');
  const requests = new Counter({
    name: 'overshare_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'overshare_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS_S,
    registers: [registry],
  });

  const refresh = async (): Promise<void> => {
    const counts = await readCounts(db);
    scans.reset();
    for (const status of SCAN_STATUSES) scans.set({ status }, counts.scans.get(status) ?? 0);
    posts.set(counts.posts);
    images.reset();
    for (const status of IMAGE_STATUSES) images.set({ status }, counts.images.get(status) ?? 0);
    findings.reset();
    for (const state of FINDING_STATES) {
      for (const severity of SEVERITIES) findings.set({ state, severity }, counts.findings.get(`${state}/${severity}`) ?? 0);
    }
    backlog.reset();
    for (const stage of STAGES) backlog.set({ stage }, counts.backlog[stage]);
    sinkLag.reset();
    sinkAge.reset();
    for (const sink of counts.sinks) {
      sinkLag.set({ sink: sink.name }, sink.lag);
      sinkAge.set({ sink: sink.name }, sink.ageS);
    }
    const now = new Date();
    const coverage = await new CoverageQuery(db).snapshot(new Date(now.getTime() - HEALTH_WINDOW_MS));
    platformState.reset();
    uncovered.reset();
    for (const platform of coverage.platforms) {
      const { state } = judgePlatformHealth(platform.platform, platform.attempts, platform.lastSuccessAt);
      for (const each of PLATFORM_STATES) platformState.set({ platform: platform.platform, state: each }, each === state ? 1 : 0);
      uncovered.set({ platform: platform.platform }, platform.accountsUncovered);
    }
    oldestGap.set(coverage.oldestOpenGapStartedAt === null ? 0 : Math.max(0, (now.getTime() - coverage.oldestOpenGapStartedAt.getTime()) / 1000));
    databaseUp.set(1);
  };

  let running: Promise<void> | undefined;
  const collect = (): Promise<void> => {
    running ??= (async () => {
      try {
        await refresh();
      } catch (error) {
        // The scrape still answers (with the HTTP and process metrics) and says the database did not.
        databaseUp.set(0);
        log.warn({ err: error }, 'metrics: cannot read the database');
      }
      if (pipeline) {
        try {
          const queued = await pipeline.queue.counts();
          for (const state of QUEUE_STATES) queueJobs.set({ state }, queued[state]);
        } catch (error) {
          log.warn({ err: error }, 'metrics: cannot read the work queue');
        }
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const router = Router();
  router.get('/metrics', async (_request, response) => {
    await collect();
    response.set('Content-Type', registry.contentType).send(await registry.metrics());
  });

  return {
    registry,
    router,
    collect,
    observeRequest(method, route, status, durationMs) {
      const labels = { method: method.toUpperCase(), route, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, durationMs / 1000);
    },
  };
}

interface DatabaseCounts {
  scans: Map<string, number>;
  posts: number;
  images: Map<string, number>;
  /** By `state/severity`. */
  findings: Map<string, number>;
  backlog: Record<(typeof STAGES)[number], number>;
  sinks: { name: string; lag: number; ageS: number }[];
}

async function readCounts(db: Kysely<Schema>): Promise<DatabaseCounts> {
  const scanRows = await db.selectFrom('scan_runs').select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status').execute();
  const postCount = await db.selectFrom('posts').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  const imageRows = await db.selectFrom('media').select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status').execute();
  const findingRows = await db.selectFrom('findings').select(['state', 'severity', sql<number>`count(*)::int`.as('n')]).groupBy(['state', 'severity']).execute();
  // Each read from a partial index of the work left: small however large the tables grow.
  const backlog = await sql<{ collect: number; extract: number; analyze: number }>`
    select
      (select count(*)::int from scan_run_accounts a join scan_runs r on r.id = a.scan_run_id
        where a.status = 'pending' and r.status = 'running') as "collect",
      (select count(*)::int from posts p join media m on m.post_id = p.id
        where p.analyzed_at is null and p.analysis_failed_at is null and p.scan_run_id is not null and m.status = 'pending') as "extract",
      (select count(*)::int from posts p
        where p.analyzed_at is null and p.analysis_failed_at is null and p.scan_run_id is not null
          and not exists (select 1 from media m where m.post_id = p.id and m.status = 'pending')) as "analyze"`.execute(db);
  const sinkRows = await sql<{ name: string; lag: number; age_s: number }>`
    select s.name,
      greatest(coalesce((select max(seq) from finding_events), 0) - s.cursor_seq, 0)::float8 as lag,
      coalesce((select extract(epoch from now() - e.occurred_at) from finding_events e
        where e.seq > s.cursor_seq order by e.seq limit 1), 0)::float8 as age_s
    from sinks s order by s.name`.execute(db);
  const work = backlog.rows[0] ?? { collect: 0, extract: 0, analyze: 0 };
  return {
    scans: new Map(scanRows.map((row) => [row.status, row.n])),
    posts: postCount.n,
    images: new Map(imageRows.map((row) => [row.status, row.n])),
    findings: new Map(findingRows.map((row) => [`${row.state}/${row.severity}`, row.n])),
    backlog: { collect: work.collect, extract: work.extract, analyze: work.analyze },
    sinks: sinkRows.rows.map((row) => ({ name: row.name, lag: row.lag, ageS: Math.max(0, row.age_s) })),
  };
}
