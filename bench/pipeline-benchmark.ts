import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { loadRuleSet } from '../cli/load-rule-set.js';
import { openPipeline } from '../cli/open-pipeline.js';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import type { Pipeline } from '../pipeline/create-pipeline.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import type { ScanRun, Schema } from '../store/schema.js';
import { fixtureAccount } from '../test/fixture-platform/all-fixtures.js';
import type { FixtureNetworkOptions } from '../test/fixture-platform/fixture-network.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { checkFullScan, checkRescan, networkFacts, snapshotStore, type LeakTally } from './pipeline-scan-checks.js';
import { deleteQueueKeys, procCpuS, procStatusMiB, startPipelineWorkers, type PipelineWorkers } from './pipeline-workers.js';
import { startRemoteFixtureServer, type RemoteFixtureServer } from './remote-fixture-server.js';

/**
 * End-to-end scans of a fixture network on the Mastodon fixture platform (served from a thread of
 * its own), through the real pipeline: collect, image reading with OCR, analysis with the bundled
 * packs under examples/overshare.policy.yaml, and the store. Three ways: in this process on PGlite,
 * in this process on the local PostgreSQL, and on two `overshare worker` processes of the built CLI
 * over BullMQ (local Redis, a queue prefix of its own) and PostgreSQL. Each runs a full scan, then
 * publishes one new post on every tenth account and rescans every account; both scans are checked
 * against the network (see pipeline-scan-checks.ts). Every mode runs in a process of its own
 * (bench/pipeline-mode-process.ts), so no mode's memory is counted in another's.
 */

/** The ways the benchmark runs the pipeline, in the order it runs them. */
export const PIPELINE_MODES = ['in-process, PGlite', 'in-process, PostgreSQL', '2 BullMQ workers, PostgreSQL'] as const;
/** One of PIPELINE_MODES. */
export type PipelineMode = (typeof PIPELINE_MODES)[number];

/** One scan, measured from its start to the moment its last post is analyzed. */
export interface ScanMeasure {
  posts: number;
  images: number;
  /** Images that render text (the rest are small plain pictures the text gate skips). */
  textImages: number;
  findings: number;
  wallS: number;
  postsPerS: number;
  imagesPerS: number;
  /**
   * Peak RSS of the benchmark's process during the scan (sampled every 250 ms): the fixture server's
   * thread and the scan's coordinator, plus in-process the pipeline and its OCR threads.
   */
  peakRssMiB: number;
  /** Peak RSS of each worker process during the scan (sampled every 250 ms); empty in-process. */
  workerPeakRssMiB: number[];
  /** CPU seconds of the benchmark's process (every thread) and of each worker during the scan. */
  cpuS: number;
  workerCpuS: number[];
  /** Share of the machine's CPU time that was busy during the scan (other work on the machine included). */
  machineBusyShare: number;
  leaks: LeakTally;
}

/** One mode's run: both scans, measured and checked. */
export interface PipelineModeResult {
  mode: PipelineMode;
  accounts: number;
  /** RSS of this process before the full scan: the fixture server's thread, the rule set, the database. */
  startRssMiB: number;
  full: ScanMeasure;
  rescan: ScanMeasure & { publishedAccounts: number };
  /** Rescan wall time over full-scan wall time. */
  rescanShare: number;
  /** VmHWM of each worker at the end: its peak over both scans and start-up. */
  workerLifetimePeakMiB: number[];
}

/** The network to scan (accounts × posts, shares of leaks and text images), the modes (default all) and a progress log. */
export interface PipelineBenchmarkOptions {
  accounts: number;
  postsPerAccount: number;
  /** Share of posts with a planted leak sentence. */
  leakShare: number;
  /** Share of images that render text, a fifth of them marked. */
  textImageShare: number;
  modes?: readonly PipelineMode[];
  log?: (line: string) => void;
}

const POLICY_PATH = fileURLToPath(new URL('../examples/overshare.policy.yaml', import.meta.url));
const REDIS_URL = 'redis://127.0.0.1:6379';
const WORKERS = 2;
const SAMPLE_EVERY_MS = 250;

/** What bench/pipeline-mode-process.ts is given as its one argument (JSON). */
export interface PipelineModeRequest {
  mode: PipelineMode;
  options: Omit<PipelineBenchmarkOptions, 'modes' | 'log'>;
  isVerbose: boolean;
}

/** One run of every mode, each in a child process of its own on a fresh network, database and (for BullMQ) queue prefix. */
export async function runPipelineBenchmark(options: PipelineBenchmarkOptions): Promise<PipelineModeResult[]> {
  const { modes, log, ...rest } = options;
  const results: PipelineModeResult[] = [];
  for (const mode of modes ?? PIPELINE_MODES) {
    const request: PipelineModeRequest = { mode, options: rest, isVerbose: log !== undefined };
    // The child's standard output goes to our standard error: ours carries the report.
    const child = fork(fileURLToPath(new URL('./pipeline-mode-process.ts', import.meta.url)), [JSON.stringify(request)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 2, 'inherit', 'ipc'],
    });
    let result: PipelineModeResult | undefined;
    child.on('message', (message: PipelineModeResult) => (result = message));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (result === undefined || code !== 0) throw new Error(`pipeline benchmark: the ${mode} run failed (exit ${String(code)}); its error is above`);
    results.push(result);
  }
  return results;
}

/** One mode, in this process: a fixture server thread, a fresh database, the scans and their checks. */
export async function runPipelineMode(mode: PipelineMode, options: Omit<PipelineBenchmarkOptions, 'modes'>): Promise<PipelineModeResult> {
  const say = (line: string) => options.log?.(`[${mode}] ${line}`);
  const rules = await loadRuleSet(POLICY_PATH);
  const log = createLogger({ level: 'warn' });
  const networkOptions: FixtureNetworkOptions = {
    accounts: options.accounts,
    postsPerAccount: options.postsPerAccount,
    imageShare: 0.3,
    leakShare: options.leakShare,
    textImageShare: options.textImageShare,
    newestAt: new Date(Date.now() - 3_600_000),
  };
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const server = await startRemoteFixtureServer(networkOptions);
    cleanup.push(() => server.close());
    // The same variables for this process and the workers, so both modes parse one configuration.
    const env: Record<string, string> = {
      CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      // A local server needs no politeness; the default 2 requests/s would measure the limiter.
      CRAWL_REQUESTS_PER_SECOND: '10000',
      CRAWL_BASE_URLS: `mastodon=${server.baseUrl('mastodon')}`,
      OVERSHARE_POLICY_FILE: POLICY_PATH,
      LOG_LEVEL: 'warn',
    };
    const isDistributed = mode === '2 BullMQ workers, PostgreSQL';
    if (mode === 'in-process, PGlite') {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'overshare-pipeline-bench-'));
      cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
      env.OVERSHARE_DATA_DIR = dataDir;
    } else {
      const testDatabase = await createTestDatabase();
      cleanup.push(() => testDatabase.drop());
      env.DATABASE_URL = testDatabase.url;
    }
    const prefix = `overshare-bench-${randomBytes(4).toString('hex')}`;
    if (isDistributed) {
      env.REDIS_URL = REDIS_URL;
      env.REDIS_QUEUE_PREFIX = prefix;
      cleanup.push(() => deleteQueueKeys(REDIS_URL, prefix));
    }
    const config = loadConfig(env);
    const database = await openDatabase({ ...config.database, dataDir: config.dataDir }, log.child({ module: 'store' }));
    cleanup.push(() => database.close());
    await migrateToLatest(database.db, log.child({ module: 'migrate' }));
    const accountIds = await registerAccounts(database.db, server);
    // A new account is due at once, and a manual scan does not move its next scan: the workers'
    // schedulers would scan every account a second time, alongside and after ours. Not due for a day.
    await database.db.updateTable('accounts').set({ next_scan_at: new Date(Date.now() + 86_400_000) }).execute();

    let workers: PipelineWorkers | undefined;
    if (isDistributed) {
      // One OCR thread each: two workers on this machine read as many images at once as in-process does.
      workers = await startPipelineWorkers(WORKERS, { ...env, OCR_WORKERS: '1' });
      cleanup.push(() => workers?.stop() ?? Promise.resolve());
      say(`${String(WORKERS)} workers started (pids ${workers.pids.join(', ')})`);
    }
    const opened = await openPipeline(database, { config, log, work: !isDistributed, rules });
    cleanup.push(() => opened.close());
    const workerPids = workers?.pids ?? [];
    const threshold = rules.policy.policy.reviewThreshold;
    const startRssMiB = process.memoryUsage.rss() / 2 ** 20;

    say(`full scan of ${String(accountIds.length)} accounts`);
    const full = await measureScan(opened.pipeline, accountIds, workerPids, say);
    const fullFacts = networkFacts(networkOptions, []);
    const afterFull = await snapshotStore(database.db);
    const fullLeaks = checkFullScan(full.run, afterFull, fullFacts, threshold);
    say(`full scan: ${full.wallS.toFixed(1)} s, ${String(full.run.counts.posts)} posts, ${String(full.run.counts.findings)} findings; checks passed`);

    const published = server.handles.filter((_, index) => index % 10 === 0);
    await server.publish(1, published);
    const rescan = await measureScan(opened.pipeline, accountIds, workerPids, say);
    const rescanFacts = networkFacts(networkOptions, published);
    const rescanLeaks = checkRescan(rescan.run, afterFull, await snapshotStore(database.db), rescanFacts, threshold);
    say(`rescan: ${rescan.wallS.toFixed(1)} s, ${String(rescan.run.counts.posts)} new posts; checks passed`);

    return {
      mode,
      accounts: accountIds.length,
      startRssMiB,
      full: measureOf(full, fullFacts.textImages, fullLeaks),
      rescan: { ...measureOf(rescan, rescanFacts.publishedTextImages, rescanLeaks), publishedAccounts: published.length },
      rescanShare: rescan.wallS / full.wallS,
      workerLifetimePeakMiB: workerPids.map((pid) => procStatusMiB(pid, 'VmHWM')),
    };
  } finally {
    for (const step of cleanup.reverse()) {
      await step().catch((error: unknown) => say(`clean-up failed: ${error instanceof Error ? error.message : 'unknown error'}`));
    }
  }
}

async function registerAccounts(db: Kysely<Schema>, server: RemoteFixtureServer): Promise<string[]> {
  const accounts = new AccountsRepository(db);
  const ids: string[] = [];
  for (const handle of server.handles) {
    const ref = fixtureAccount('mastodon', server, handle);
    ids.push((await accounts.create({ platform: ref.platform, handle: ref.handle, kind: 'employee', ...(ref.baseUrl === undefined ? {} : { url: ref.baseUrl }) })).id);
  }
  return ids;
}

interface MeasuredScan {
  run: ScanRun;
  wallS: number;
  peakRssMiB: number;
  workerPeakRssMiB: number[];
  cpuS: number;
  workerCpuS: number[];
  machineBusyShare: number;
}

/** Starts a manual scan of every account and waits for it, sampling memory every 250 ms. */
async function measureScan(pipeline: Pipeline, accountIds: readonly string[], workerPids: readonly number[], say: (line: string) => void): Promise<MeasuredScan> {
  const peaks = { self: process.memoryUsage.rss() / 2 ** 20, workers: workerPids.map((pid) => procStatusMiB(pid, 'VmRSS')) };
  const timer = setInterval(() => {
    peaks.self = Math.max(peaks.self, process.memoryUsage.rss() / 2 ** 20);
    peaks.workers = workerPids.map((pid, index) => Math.max(peaks.workers[index] ?? 0, procStatusMiB(pid, 'VmRSS')));
  }, SAMPLE_EVERY_MS);
  let lastSaid = Date.now();
  const cpuBefore = process.cpuUsage();
  const workerCpuBefore = workerPids.map((pid) => procCpuS(pid));
  const machineBefore = machineCpuTicks();
  try {
    const startedAt = performance.now();
    const started = await pipeline.coordinator.startScan('manual', accountIds);
    const run = await pipeline.coordinator.waitForScan(started.id, {
      pollMs: 100,
      onProgress: (progress) => {
        if (Date.now() - lastSaid < 10_000) return;
        lastSaid = Date.now();
        say(
          `accounts ${String(progress.accounts.done)}/${String(progress.accounts.total)}, posts ${String(progress.posts.total - progress.posts.pending)}/${String(progress.posts.total)}, images ${String(progress.images.total - progress.images.pending)}/${String(progress.images.total)}`,
        );
      },
    });
    const wallS = (performance.now() - startedAt) / 1_000;
    const cpu = process.cpuUsage(cpuBefore);
    const machineAfter = machineCpuTicks();
    return {
      run,
      wallS,
      peakRssMiB: peaks.self,
      workerPeakRssMiB: peaks.workers,
      cpuS: (cpu.user + cpu.system) / 1e6,
      workerCpuS: workerPids.map((pid, index) => procCpuS(pid) - (workerCpuBefore[index] ?? 0)),
      machineBusyShare: 1 - (machineAfter.idle - machineBefore.idle) / Math.max(1, machineAfter.total - machineBefore.total),
    };
  } finally {
    clearInterval(timer);
  }
}

/** The machine's CPU time so far from /proc/stat, in clock ticks: all of it, and idle (with I/O wait). */
function machineCpuTicks(): { total: number; idle: number } {
  const fields = (readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '').trim().split(/\s+/u).slice(1).map(Number);
  return { total: fields.reduce((sum, value) => sum + value, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
}

function measureOf(scan: MeasuredScan, textImages: number, leaks: LeakTally): ScanMeasure {
  const { counts } = scan.run;
  return {
    posts: counts.posts,
    images: counts.images,
    textImages,
    findings: counts.findings,
    wallS: scan.wallS,
    postsPerS: counts.posts / scan.wallS,
    imagesPerS: counts.images / scan.wallS,
    peakRssMiB: scan.peakRssMiB,
    workerPeakRssMiB: scan.workerPeakRssMiB,
    cpuS: scan.cpuS,
    workerCpuS: scan.workerCpuS,
    machineBusyShare: scan.machineBusyShare,
    leaks,
  };
}
