import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { createBullmqQueue } from './bullmq-queue.js';
import { createInProcessQueue } from './in-process-queue.js';
import { analyzeJob, collectJob, extractJob, parseStageJob, type PipelineStage, type StageJob } from './job-payloads.js';
import type { JobOutcome } from './run-stage-job.js';
import type { ExecuteJob, WorkQueue } from './work-queue.js';

/**
 * The conformance suite of the WorkQueue interface: both backends (in-process and BullMQ on the
 * local Redis, under a fresh key prefix per test) must run the same ExecuteJob the same way.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const isRedisAvailable = await redisAnswers();
if (!isRedisAvailable) console.warn(`!! Redis is NOT available at ${REDIS_URL}: the BullMQ backend of the queue contract is SKIPPED.`);

interface Backend {
  name: string;
  isAvailable: boolean;
  create(): { queue: WorkQueue; dispose: () => Promise<void> };
}

const { log } = capturingLogger('warn');

const BACKENDS: Backend[] = [
  {
    name: 'in-process',
    isAvailable: true,
    create() {
      const queue = createInProcessQueue(log);
      return { queue, dispose: () => queue.close() };
    },
  },
  {
    name: 'BullMQ',
    isAvailable: isRedisAvailable,
    create() {
      const prefix = `overshare-test-${randomUUID()}`;
      const queue = createBullmqQueue({ redisUrl: REDIS_URL, prefix, attempts: 5, log });
      return {
        queue,
        dispose: async () => {
          await queue.close();
          await deleteKeys(`${prefix}:*`);
        },
      };
    },
  },
];

const ONE_AT_A_TIME: Record<PipelineStage, number> = { collect: 1, extract: 1, analyze: 1 };

/** One try as the executor saw it. */
interface Run {
  key: string;
  attempt: number;
  startedAt: number;
  finishedAt?: number;
}

/** An ExecuteJob whose outcome per job is chosen by the test, recording every try and how many ran at once per stage. */
function recorder(decide: (job: StageJob, attempt: number) => Promise<JobOutcome> | JobOutcome = () => ({ kind: 'done', followUps: [] })) {
  const runs: Run[] = [];
  const running: Record<PipelineStage, number> = { collect: 0, extract: 0, analyze: 0 };
  const mostRunning: Record<PipelineStage, number> = { collect: 0, extract: 0, analyze: 0 };
  const execute: ExecuteJob = async (raw, attempt) => {
    // What comes off the queue must be the StageJob that went in (through Redis, for BullMQ).
    const job = parseStageJob(raw.stage, raw.key, raw.payload);
    const run: Run = { key: job.key, attempt, startedAt: Date.now() };
    runs.push(run);
    running[job.stage] += 1;
    mostRunning[job.stage] = Math.max(mostRunning[job.stage], running[job.stage]);
    try {
      return await decide(job, attempt);
    } finally {
      running[job.stage] -= 1;
      run.finishedAt = Date.now();
    }
  };
  const triesOf = (key: string) => runs.filter((run) => run.key === key);
  return { execute, runs, mostRunning, triesOf };
}

const openGates: Array<() => void> = [];

/** A promise the test resolves when it wants a held job to finish (opened after each test, so close() never hangs). */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  openGates.push(open);
  return { opened, open };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function isIdle(queue: WorkQueue): Promise<boolean> {
  const counts = await queue.counts();
  return counts.waiting + counts.active + counts.delayed === 0;
}

const id = () => randomUUID();
const sha = () => randomUUID().replaceAll('-', '');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.isAvailable)(`WorkQueue contract: ${backend.name}`, () => {
    let queue: WorkQueue;
    let dispose: (() => Promise<void>) | undefined;
    const start = (): WorkQueue => {
      ({ queue, dispose } = backend.create());
      return queue;
    };
    afterEach(async () => {
      for (const open of openGates.splice(0)) open();
      await dispose?.();
      dispose = undefined;
    });

    it('runs every job once, at its first attempt, with its payload intact', async () => {
      start();
      const scanRunId = id();
      const postId = id();
      const jobs = [
        ...Array.from({ length: 4 }, () => collectJob(scanRunId, id())),
        ...Array.from({ length: 4 }, () => extractJob(scanRunId, postId, id(), sha())),
        ...Array.from({ length: 4 }, () => analyzeJob(scanRunId, id(), sha())),
      ];
      const { execute, runs } = recorder();
      await queue.enqueue(jobs);
      queue.work(execute, { collect: 2, extract: 2, analyze: 2 });
      await waitFor(() => runs.length >= jobs.length, 'every job to run');
      await waitFor(() => isIdle(queue), 'the queue to be idle');
      await sleep(100);
      expect(runs.map((run) => run.key).sort()).toEqual(jobs.map((job) => job.key).sort());
      expect(runs.every((run) => run.attempt === 1)).toBe(true);
    });

    it('drops a second job whose key is waiting or running, and runs the key again once it finished', async () => {
      start();
      const scanRunId = id();
      const heldAccountId = id();
      const held = collectJob(scanRunId, heldAccountId);
      const next = collectJob(scanRunId, id());
      const release = gate();
      const { execute, triesOf } = recorder(async (job) => {
        if (job.key === held.key) await release.opened;
        return { kind: 'done', followUps: [] };
      });
      queue.work(execute, ONE_AT_A_TIME);
      await queue.enqueue([held, next]);
      await waitFor(() => triesOf(held.key).length === 1, 'the held job to start');
      // `held` runs, `next` waits behind it (one collect at a time): both are queued again.
      await queue.enqueue([held, next]);
      await queue.enqueue([collectJob(scanRunId, heldAccountId), next]);
      release.open();
      await waitFor(() => triesOf(next.key).length >= 1, 'the waiting job to run');
      await waitFor(() => isIdle(queue), 'the queue to be idle');
      await sleep(150);
      expect(triesOf(held.key)).toHaveLength(1);
      expect(triesOf(next.key)).toHaveLength(1);

      await queue.enqueue([held]);
      await waitFor(() => triesOf(held.key).length === 2, 'the finished key to run again');
    });

    it('runs the follow-up jobs a job returns, stage after stage', async () => {
      start();
      const scanRunId = id();
      const postId = id();
      const contentSha = sha();
      const collect = collectJob(scanRunId, id());
      const extracts = [extractJob(scanRunId, postId, id(), contentSha), extractJob(scanRunId, postId, id(), contentSha)];
      const analyze = analyzeJob(scanRunId, postId, contentSha);
      const { execute, runs, triesOf } = recorder((job) => {
        if (job.stage === 'collect') return { kind: 'done', followUps: extracts };
        // Both images return the post's analysis: the second is the same key, dropped or run after the first.
        if (job.stage === 'extract') return { kind: 'done', followUps: [analyze] };
        return { kind: 'done', followUps: [] };
      });
      queue.work(execute, { collect: 1, extract: 1, analyze: 1 });
      await queue.enqueue([collect]);
      await waitFor(() => triesOf(analyze.key).length >= 1, 'the analysis to run');
      await waitFor(() => isIdle(queue), 'the queue to be idle');
      expect(triesOf(collect.key)).toHaveLength(1);
      for (const extract of extracts) expect(triesOf(extract.key)).toHaveLength(1);
      const analyzedAt = triesOf(analyze.key)[0]?.startedAt ?? 0;
      expect(analyzedAt).toBeGreaterThanOrEqual(Math.min(...extracts.map((job) => triesOf(job.key)[0]?.finishedAt ?? Infinity)));
      expect(runs.length).toBeGreaterThanOrEqual(4);
    });

    it('runs a job that asked to be retried again after its delay, with the next attempt number, and drops its key meanwhile', async () => {
      start();
      const job = analyzeJob(id(), id(), sha());
      // Long enough that polling the counts sees the job waiting even on a loaded machine (with
      // 200 ms, a fresh-clone CI run saw the retry start and finish between two polls).
      const delayMs = 1_500;
      const { execute, triesOf } = recorder((_job, attempt) =>
        attempt === 1 ? { kind: 'retry', delayMs, error: new Error('try later') } : { kind: 'done', followUps: [] },
      );
      queue.work(execute, ONE_AT_A_TIME);
      await queue.enqueue([job]);
      await waitFor(async () => (await queue.counts()).delayed === 1, 'the job to wait for its retry');
      // A job waiting for its retry still holds its key.
      await queue.enqueue([job]);
      await waitFor(() => triesOf(job.key).length === 2, 'the retry');
      await waitFor(() => isIdle(queue), 'the queue to be idle');
      await sleep(100);
      const [first, second] = triesOf(job.key);
      expect(triesOf(job.key).map((run) => run.attempt)).toEqual([1, 2]);
      // Timers may fire a few ms early; a retry taken at once would be 1.5 s early.
      expect(second!.startedAt - first!.finishedAt!).toBeGreaterThanOrEqual(delayMs - 20);
    });

    it('does not try a failed job again but runs its follow-ups, and runs its key when it is queued again', async () => {
      start();
      const scanRunId = id();
      const postId = id();
      const extract = extractJob(scanRunId, postId, id(), sha());
      const analyze = analyzeJob(scanRunId, postId, sha());
      const { execute, triesOf } = recorder((job) =>
        job.stage === 'extract' ? { kind: 'failed', error: new Error('unreadable'), followUps: [analyze] } : { kind: 'done', followUps: [] },
      );
      queue.work(execute, ONE_AT_A_TIME);
      await queue.enqueue([extract]);
      await waitFor(() => triesOf(analyze.key).length === 1, 'the follow-up of the failed job');
      await waitFor(() => isIdle(queue), 'the queue to be idle');
      await sleep(200);
      expect(triesOf(extract.key)).toHaveLength(1);
      expect(triesOf(analyze.key)).toHaveLength(1);

      // `overshare jobs retry` queues the same key again: the failure must not hold it.
      await queue.enqueue([extract]);
      await waitFor(() => triesOf(extract.key).length === 2, 'the failed job queued again to run');
    });

    it('counts waiting, running and delayed jobs, and comes back to zero', async () => {
      start();
      const scanRunId = id();
      const jobs = Array.from({ length: 3 }, () => collectJob(scanRunId, id()));
      const retried = analyzeJob(scanRunId, id(), sha());
      await queue.enqueue(jobs);
      expect(await queue.counts()).toEqual({ waiting: 3, active: 0, delayed: 0 });

      const release = gate();
      const { execute, triesOf } = recorder(async (job, attempt) => {
        if (job.key === retried.key) return attempt === 1 ? { kind: 'retry', delayMs: 1_500, error: new Error('later') } : { kind: 'done', followUps: [] };
        await release.opened;
        return { kind: 'done', followUps: [] };
      });
      queue.work(execute, ONE_AT_A_TIME);
      await waitFor(() => triesOf(jobs[0]!.key).length === 1, 'the first job to start');
      await queue.enqueue([retried]);
      await waitFor(() => triesOf(retried.key).length === 1, 'the retried job to run once');
      await waitFor(async () => (await queue.counts()).delayed === 1, 'the retry to be delayed');
      expect(await queue.counts()).toEqual({ waiting: 2, active: 1, delayed: 1 });

      release.open();
      await waitFor(() => triesOf(retried.key).length === 2, 'the retry to run');
      await waitFor(() => isIdle(queue), 'the queue to be idle');
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0 });
    });

    it('reports no worker before work() and one once this process works', async () => {
      start();
      expect(await queue.workers()).toBe(0);
      queue.work(recorder().execute, ONE_AT_A_TIME);
      await waitFor(async () => (await queue.workers()) > 0, 'the worker to register');
      await sleep(100);
      expect(await queue.workers()).toBe(1);
    });

    it('lets a running job finish before close() resolves', async () => {
      start();
      const job = collectJob(id(), id());
      const release = gate();
      const events: string[] = [];
      const { execute, triesOf } = recorder(async () => {
        await release.opened;
        events.push('job finished');
        return { kind: 'done', followUps: [] };
      });
      queue.work(execute, ONE_AT_A_TIME);
      await queue.enqueue([job]);
      await waitFor(() => triesOf(job.key).length === 1, 'the job to start');
      const closing = queue.close().then(() => events.push('closed'));
      await sleep(100);
      expect(events).toEqual([]);
      release.open();
      await closing;
      expect(events).toEqual(['job finished', 'closed']);
    });

    it('never runs more jobs of a stage at once than its concurrency', async () => {
      start();
      const scanRunId = id();
      const postId = id();
      const jobs = [
        ...Array.from({ length: 8 }, () => collectJob(scanRunId, id())),
        ...Array.from({ length: 8 }, () => extractJob(scanRunId, postId, id(), sha())),
        ...Array.from({ length: 8 }, () => analyzeJob(scanRunId, id(), sha())),
      ];
      const concurrency = { collect: 2, extract: 3, analyze: 1 };
      const { execute, runs, mostRunning } = recorder(async () => {
        await sleep(30);
        return { kind: 'done', followUps: [] };
      });
      await queue.enqueue(jobs);
      queue.work(execute, concurrency);
      await waitFor(() => runs.filter((run) => run.finishedAt !== undefined).length === jobs.length, 'every job to finish');
      expect(mostRunning).toEqual(concurrency);
    });
  });
}

async function redisAnswers(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function deleteKeys(pattern: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: pattern, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await client.del(...keys);
  } finally {
    await client.quit();
  }
}
