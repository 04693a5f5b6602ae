import { loadavg } from 'node:os';
import { EVENT_FORMATS } from '../../server/siem/formats/event-formats.js';
import { FindingsRepository } from '../../store/repositories/findings-repository.js';
import { median } from '../median.js';
import { FEED_GOAL_EVENTS_PER_S, measureEventFeed, type EventFeedResult } from './measure-event-feed.js';
import { LIST_P99_GOAL_MS, measureFindingsList, type ListQueryResult } from './measure-findings-list.js';
import { loopDrainRate, MEASURED_SINKS, measureBacklogDelivery, measureLiveDelivery, type BacklogDeliveryResult, type LiveDeliveryResult, type LoopDrainResult } from './measure-sink-delivery.js';
import { bundledRules, planApiFindings, type ApiDataPlan } from './plan-api-findings.js';
import { seedApiFindings, type SeedSummary } from './seed-api-findings.js';
import { startBenchApi } from './start-bench-api.js';

/** What the API benchmark runs: data set size, requests per list query, and the delivery sizes. */
export interface ApiBenchOptions {
  runs: number;
  findings: number;
  accounts: number;
  /** Timed requests per list query (after a warm-up of a tenth as many). */
  requests: number;
  /** Events each sink drains from the backlog. */
  deliveryEvents: number;
  batchSize: number;
  /** Events read from the feed in each format (the whole feed when it holds fewer). */
  feedEvents: number;
  liveEvents: number;
  liveRatePerS: number;
  livePollMs: number;
  /** Events the self-scheduling loop drains, polling every `loopPollMs` (SINK_POLL_MS, default 2,000). */
  loopEvents: number;
  loopPollMs: number;
  log?: (line: string) => void;
}

/** One run: a fresh database seeded with the same plan, then every measurement. */
export interface ApiRun {
  /** The machine's 1-minute load average when the run began and when it ended. */
  load: [number, number];
  seed: SeedSummary;
  list: ListQueryResult[];
  feed: EventFeedResult[];
  delivery: BacklogDeliveryResult[];
  loop: LoopDrainResult;
  live: LiveDeliveryResult;
}

/** Every run of the API benchmark, for the tables and bench/results/. */
export interface ApiReport {
  options: Omit<ApiBenchOptions, 'log'>;
  runs: ApiRun[];
}

/** Default sizes: the issue's 100,000 findings over 2,000 accounts, 20,000 events per sink. */
export const API_BENCH_DEFAULTS = {
  findings: 100_000,
  accounts: 2_000,
  requests: 200,
  deliveryEvents: 20_000,
  batchSize: 100,
  feedEvents: 100_000,
  liveEvents: 500,
  liveRatePerS: 50,
  livePollMs: 100,
  loopEvents: 1_000,
  loopPollMs: 2_000,
} as const;

/** Runs the API benchmark `runs` times, each on a fresh PostgreSQL database with the same data. */
export async function runApiReport(options: ApiBenchOptions): Promise<ApiReport> {
  const log = options.log ?? (() => undefined);
  const plan = planApiFindings({ rules: await bundledRules(), findingCount: options.findings, accountCount: options.accounts, reviewers: 12, now: new Date(), seed: 7 });
  const runs: ApiRun[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    log(`api run ${String(run)}/${String(options.runs)}: seeding ${String(options.findings)} findings`);
    runs.push(await runOnce(plan, options, log));
  }
  const kept: Omit<ApiBenchOptions, 'log'> & { log?: unknown } = { ...options };
  delete kept.log;
  return { options: kept, runs };
}

async function runOnce(plan: ApiDataPlan, options: ApiBenchOptions, log: (line: string) => void): Promise<ApiRun> {
  const loadAtStart = loadavg()[0] ?? 0;
  const api = await startBenchApi();
  try {
    const seed = await seedApiFindings(api.services.db, plan);
    log(`  seeded ${String(seed.findings)} findings, ${String(seed.events)} events in ${seed.seedS.toFixed(1)} s; findings list`);
    const list = await measureFindingsList({ url: api.url, token: await api.apiKey('reviewer'), db: api.services.db, plan, requests: options.requests, warmUp: Math.ceil(options.requests / 10) });
    log('  event feed');
    const siemToken = await api.apiKey('siem');
    const feed: EventFeedResult[] = [];
    for (const format of EVENT_FORMATS) feed.push(await measureEventFeed({ url: api.url, token: siemToken, format, maxEvents: options.feedEvents }));
    const delivery: BacklogDeliveryResult[] = [];
    for (const sink of MEASURED_SINKS) {
      log(`  delivery: ${sink}`);
      delivery.push(await measureBacklogDelivery(api, { sink, events: options.deliveryEvents, batchSize: options.batchSize }));
    }
    log(`  delivery loop polling every ${String(options.loopPollMs)} ms`);
    const loop = await loopDrainRate(api, { events: options.loopEvents, batchSize: options.batchSize, pollMs: options.loopPollMs });
    log('  live delivery latency');
    const findings = new FindingsRepository(api.services.db);
    const live = await measureLiveDelivery(api, {
      events: options.liveEvents,
      ratePerS: options.liveRatePerS,
      pollMs: options.livePollMs,
      batchSize: options.batchSize,
      record: async (index) => {
        const post = plan.posts[index % plan.posts.length]!;
        await findings.record({
          postId: post.id,
          accountId: plan.accounts[post.accountIndex]!.id,
          ruleIds: ['marking-strictly-confidential'],
          category: 'marking',
          severity: 'high',
          score: 80,
          scoreBreakdown: { base: 75, context: 5 },
          evidence: { source: 'text', text: `STRICTLY CONFIDENTIAL live ${String(index)}`, start: 0, end: 21 },
          title: 'Strictly confidential marking',
        });
      },
    });
    return { load: [loadAtStart, loadavg()[0] ?? 0], seed, list, feed, delivery, loop, live };
  } finally {
    await api.close();
  }
}

/** Markdown tables of the medians over runs (with each run's figure where it varies), for docs/benchmarks.md. */
export function apiReportMarkdown(report: ApiReport): string {
  const { runs, options } = report;
  const first = runs[0];
  if (first === undefined) return '';
  const of = <T>(pick: (run: ApiRun) => T | undefined, value: (item: T) => number) => median(runs.map(pick).filter((item) => item !== undefined).map(value));
  const each = <T>(pick: (run: ApiRun) => T | undefined, value: (item: T) => number, digits: number) =>
    runs.map(pick).filter((item) => item !== undefined).map((item) => value(item).toFixed(digits)).join(', ');
  const lines = [
    `## API (PostgreSQL 127.0.0.1, ${String(first.seed.findings)} findings, ${String(first.seed.posts)} posts, ${String(first.seed.accounts)} accounts, ${String(first.seed.events)} outbox events; median of ${String(runs.length)} runs)`,
    '',
    `Seeding (batched INSERTs and ANALYZE): ${of((run) => run.seed, (seed) => seed.seedS).toFixed(1)} s. ` +
      `Load average (1 min) at the start → end of each run: ${runs.map((run) => `${run.load[0].toFixed(1)} → ${run.load[1].toFixed(1)}`).join(', ')}.`,
    '',
    `Findings list, ${String(options.requests)} sequential requests per query with a reviewer's API key (goal p99 ≤ ${String(LIST_P99_GOAL_MS)} ms):`,
    '',
    '| query | items | p50 ms | p95 ms | p99 ms | mean ms | p99 of each run | SQL execution ms | SQL planning ms |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const [index, query] of first.list.entries()) {
    const pick = (run: ApiRun) => run.list[index];
    const sqlTimes = query.sql === undefined ? '— | —' : `${of((run) => run.list[index]?.sql, (q) => q.executionMs).toFixed(1)} | ${of((run) => run.list[index]?.sql, (q) => q.planningMs).toFixed(1)}`;
    lines.push(
      `| ${query.name} | ${String(query.items)} | ${of(pick, (q) => q.latency.p50).toFixed(1)} | ${of(pick, (q) => q.latency.p95).toFixed(1)} | ` +
        `${of(pick, (q) => q.latency.p99).toFixed(1)} | ${of(pick, (q) => q.latency.mean).toFixed(1)} | ${each(pick, (q) => q.latency.p99, 1)} | ${sqlTimes} |`,
    );
  }
  lines.push('', `Event feed, pages of 1,000 with a SIEM role's API key, from the oldest event (goal ≥ ${String(FEED_GOAL_EVENTS_PER_S)} events/s):`, '');
  lines.push('| format | events | events/s | page p50 ms | page p99 ms | events/s of each run |', '|---|---:|---:|---:|---:|---|');
  for (const [index, feed] of first.feed.entries()) {
    const pick = (run: ApiRun) => run.feed[index];
    lines.push(
      `| ${feed.format} | ${String(feed.events)} | ${of(pick, (f) => f.eventsPerS).toFixed(0)} | ${of(pick, (f) => f.pageLatency.p50).toFixed(0)} | ` +
        `${of(pick, (f) => f.pageLatency.p99).toFixed(0)} | ${each(pick, (f) => f.eventsPerS, 0)} |`,
    );
  }
  lines.push('', `Push delivery of a backlog through startSinkDelivery, batches of ${String(options.batchSize)}:`, '');
  lines.push('| sink | events | events/s | ms per batch p50 | p99 | received once, in order | events/s of each run |', '|---|---:|---:|---:|---:|---:|---|');
  for (const [index, delivery] of first.delivery.entries()) {
    const pick = (run: ApiRun) => run.delivery[index];
    lines.push(
      `| ${delivery.sink} | ${String(delivery.events)} | ${of(pick, (d) => d.eventsPerS).toFixed(0)} | ${of(pick, (d) => d.batchMs.p50).toFixed(0)} | ` +
        `${of(pick, (d) => d.batchMs.p99).toFixed(0)} | ${runs.map((run) => `${String(run.delivery[index]?.receivedInOrder ?? 0)}/${String(run.delivery[index]?.events ?? 0)}`).join(', ')} | ${each(pick, (d) => d.eventsPerS, 0)} |`,
    );
  }
  lines.push(
    '',
    `The self-scheduling loop (as \`serve\` runs it, polling every ${String(options.loopPollMs)} ms) drained ${String(first.loop.events)} webhook events at ` +
      `${of((run) => run.loop, (l) => l.eventsPerS).toFixed(0)} events/s (runs: ${each((run) => run.loop, (l) => l.eventsPerS, 0)}).`,
  );
  lines.push(
    '',
    `Live webhook latency: ${String(first.live.events)} findings recorded at ${String(options.liveRatePerS)}/s while the loop polls every ${String(options.livePollMs)} ms; ` +
      `from the event's occurred_at to the receiver verifying it: p50 ${of((run) => run.live, (l) => l.latency.p50).toFixed(0)} ms, ` +
      `p95 ${of((run) => run.live, (l) => l.latency.p95).toFixed(0)} ms, p99 ${of((run) => run.live, (l) => l.latency.p99).toFixed(0)} ms, max ${of((run) => run.live, (l) => l.latency.max).toFixed(0)} ms.`,
  );
  // A plan is worth reading when the query itself takes a real share of the budget, not when load alone missed it.
  const slow = runs.at(-1)?.list.filter((query) => query.latency.p99 > LIST_P99_GOAL_MS && (query.sql?.executionMs ?? 0) > LIST_P99_GOAL_MS / 5) ?? [];
  for (const query of slow) {
    lines.push('', `EXPLAIN (ANALYZE, BUFFERS) of \`${query.name}\` (last run, p99 ${query.latency.p99.toFixed(1)} ms over HTTP):`, '', '```', query.sql?.plan ?? '', '```');
  }
  return lines.join('\n');
}
