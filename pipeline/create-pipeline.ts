import type { Kysely } from 'kysely';
import { COVERAGE_DEFAULTS, type Config } from '../core/config.js';
import { ConfigError, PermanentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy-schema.js';
import { parseSchedule, type Schedule } from '../core/schedule.js';
import type { Schema } from '../store/schema.js';
import { createBullmqQueue } from './bullmq-queue.js';
import { createInProcessQueue } from './in-process-queue.js';
import type { PipelineDependencies } from './pipeline-dependencies.js';
import { runStageJob, type RetryPolicy } from './run-stage-job.js';
import { ScanCoordinator } from './scan-coordinator.js';
import { startScheduler, type Scheduler } from './scheduler.js';
import type { WorkQueue } from './work-queue.js';

export interface PipelineOptions {
  db: Kysely<Schema>;
  settings: Config['pipeline'];
  retention: Policy['retention'];
  /** Catch-up depth, retry backoff of failing accounts and the per-platform claim limit; COVERAGE_DEFAULTS when unset. */
  coverage?: Config['coverage'];
  log: Logger;
}

/** The pipeline of one process: its queue, the scan coordinator, and optionally workers and a scheduler. */
export interface Pipeline {
  readonly queue: WorkQueue;
  readonly coordinator: ScanCoordinator;
  /** Starts working jobs in this process and queues again whatever running scans still need. */
  work(dependencies: Omit<PipelineDependencies, 'db' | 'log' | 'defaultSchedule'>): Promise<void>;
  /** Starts the scheduler loop (due accounts, finished scans, lost jobs, retention). */
  schedule(): Scheduler;
  /** Stops the scheduler, lets running jobs finish and closes the queue. */
  close(): Promise<void>;
}

/**
 * Builds the pipeline: BullMQ queues when `REDIS_URL` is set, else in-process queues; the same
 * processors, retry policy and failure records either way.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { db, settings, log } = options;
  const retryPolicy: RetryPolicy = { attempts: settings.jobAttempts, backoffBaseMs: settings.backoffBaseMs, maxBackoffMs: settings.maxBackoffMs };
  const queue =
    settings.redisUrl === undefined
      ? createInProcessQueue(log.child({ module: 'queue' }))
      : createBullmqQueue({ redisUrl: settings.redisUrl, prefix: settings.queuePrefix, attempts: settings.jobAttempts, log: log.child({ module: 'queue' }) });
  const coordinator = new ScanCoordinator(db, queue, log.child({ module: 'scans' }));
  let scheduler: Scheduler | undefined;

  return {
    queue,
    coordinator,
    async work(dependencies) {
      const deps: PipelineDependencies = {
        ...dependencies,
        db,
        defaultSchedule: defaultScheduleOf(settings),
        coverage: dependencies.coverage ?? options.coverage ?? COVERAGE_DEFAULTS,
        log: log.child({ module: 'pipeline' }),
      };
      queue.work((job, attempt) => runStageJob(job, attempt, retryPolicy, deps), {
        collect: settings.collectConcurrency,
        extract: settings.extractConcurrency,
        analyze: settings.analyzeConcurrency,
      });
      await coordinator.recoverUnfinishedWork();
    },
    schedule() {
      scheduler ??= startScheduler({
        db,
        queue,
        coordinator,
        defaultSchedule: defaultScheduleOf(settings),
        retention: options.retention,
        tickMs: settings.schedulerTickMs,
        platformClaimLimit: (options.coverage ?? COVERAGE_DEFAULTS).platformClaimLimit,
        log: log.child({ module: 'scheduler' }),
      });
      return scheduler;
    },
    async close() {
      await scheduler?.stop();
      await queue.close();
    },
  };
}

function defaultScheduleOf(settings: Config['pipeline']): Schedule {
  try {
    return parseSchedule(settings.defaultSchedule);
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    throw new ConfigError(`SCAN_DEFAULT_SCHEDULE is not a schedule: ${error.message}`);
  }
}
