import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redactUrl } from '../core/config.js';
import { STAGES, type PipelineStage, type StageJob } from './job-payloads.js';
import type { ExecuteJob, QueueCounts, WorkQueue } from './work-queue.js';

/** Thrown to BullMQ for a try to be retried; carries the wait runStageJob chose. */
class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    cause: Error,
  ) {
    super(cause.message, { cause });
    this.name = 'RetryLaterError';
  }
}

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Prefix of every key, so installations (and tests) sharing a Redis stay apart. */
  prefix: string;
  /** Tries of a job, as in runStageJob's policy. */
  attempts: number;
  log: Logger;
}

// A killed worker's job is taken back after its lock lapses (lock 15 s, checked every 5 s), so
// a scan loses at most about 20 s to a crash; a job stalled this often is failed.
const LOCK_DURATION_MS = 15_000;
const STALLED_INTERVAL_MS = 5_000;
const MAX_STALLED = 5;
const CLOSE_TIMEOUT_MS = 30_000;

/**
 * The distributed mode: one BullMQ queue per stage in Redis, worked by any number of processes.
 * Jobs are keyed (BullMQ drops a job whose id is waiting, delayed or running) and removed once
 * finished; our runStageJob decides retries (BullMQ waits the delay it chose) and records jobs
 * that fail for good in the database, so nothing depends on Redis keeping them.
 */
export function createBullmqQueue(options: BullmqQueueOptions): WorkQueue {
  const { log } = options;
  const connections: Redis[] = [];
  const connect = (forWorker: boolean): Redis => {
    // Workers wait for Redis as long as it takes (BullMQ requires maxRetriesPerRequest null for
    // their blocking calls); producers give up after a while so a scan start can report the outage.
    const connection = new Redis(options.redisUrl, {
      maxRetriesPerRequest: forWorker ? null : 20,
      // Reconnect soon after an outage (ioredis's default backs off to 20 s between tries).
      retryStrategy: (times: number) => Math.min(times * 250, 2_000),
    });
    connection.on('error', (error: Error) => log.warn({ redis: redactUrl(options.redisUrl), err: error }, 'Redis connection error'));
    connections.push(connection);
    return connection;
  };
  const producer = connect(false);
  const queues = Object.fromEntries(
    STAGES.map((stage) => [stage, new Queue(stage, { connection: producer, prefix: options.prefix })]),
  ) as Record<PipelineStage, Queue>;
  for (const queue of Object.values(queues)) {
    queue.on('error', (error: Error) => log.warn({ err: error }, 'queue error'));
  }
  const workers: Worker[] = [];

  const enqueue = async (jobs: readonly StageJob[]): Promise<void> => {
    for (const stage of STAGES) {
      const ofStage = jobs.filter((job) => job.stage === stage);
      if (ofStage.length === 0) continue;
      await queues[stage].addBulk(
        ofStage.map((job) => ({
          name: stage,
          data: job.payload,
          opts: { jobId: job.key, attempts: options.attempts, backoff: { type: 'overshare' }, removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
  };

  return {
    mode: 'bullmq',
    enqueue,
    work(execute: ExecuteJob, concurrency) {
      for (const stage of STAGES) {
        const processor = async (job: Job): Promise<void> => {
          const outcome = await execute({ stage, key: job.id ?? '', payload: job.data }, job.attemptsMade + 1);
          if (outcome.kind === 'retry') throw new RetryLaterError(outcome.delayMs, outcome.error);
          await enqueue(outcome.followUps);
          // Recorded in the database already; BullMQ must not try it again.
          if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.error.message);
        };
        const worker = new Worker(stage, processor, {
          connection: connect(true),
          prefix: options.prefix,
          concurrency: concurrency[stage],
          lockDuration: LOCK_DURATION_MS,
          stalledInterval: STALLED_INTERVAL_MS,
          maxStalledCount: MAX_STALLED,
          settings: { backoffStrategy: (_attempts, _type, error) => (error instanceof RetryLaterError ? error.delayMs : 1_000) },
        });
        worker.on('error', (error: Error) => log.warn({ stage, err: error }, 'worker error'));
        workers.push(worker);
      }
    },
    async counts(): Promise<QueueCounts> {
      const all = await Promise.all(Object.values(queues).map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
      return all.reduce<QueueCounts>(
        (sum, counts) => ({
          waiting: sum.waiting + (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: sum.active + (counts.active ?? 0),
          delayed: sum.delayed + (counts.delayed ?? 0),
        }),
        { waiting: 0, active: 0, delayed: 0 },
      );
    },
    workers: () => queues.collect.getWorkersCount(),
    async close() {
      // A graceful close waits for running jobs, but hangs while Redis is unreachable: give it
      // a while, then force it (a job cut short is taken again by another worker's stall check).
      await Promise.all(
        workers.map(async (worker) => {
          const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS).unref());
          if ((await Promise.race([worker.close(), timeout])) === 'timeout') await worker.close(true);
        }),
      );
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await Promise.all(connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
    },
  };
}
