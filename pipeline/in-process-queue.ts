import PQueue from 'p-queue';
import type { Logger } from '../core/logger.js';
import { STAGES, type PipelineStage, type StageJob } from './job-payloads.js';
import type { ExecuteJob, QueueCounts, WorkQueue } from './work-queue.js';

/**
 * The embedded default: jobs run in this process on one p-queue per stage. Nothing here survives
 * the process; the database holds the work left, and the next start refills the queue from it.
 */
export function createInProcessQueue(log: Logger): WorkQueue {
  const known = new Set<string>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let queues: Record<PipelineStage, PQueue> | undefined;
  let execute: ExecuteJob | undefined;
  let isClosed = false;
  const waiting: StageJob[] = [];

  const schedule = (job: StageJob, attempt: number): void => {
    if (queues === undefined || execute === undefined) {
      waiting.push(job);
      return;
    }
    const run = execute;
    void queues[job.stage]
      .add(async () => {
        const outcome = await run(job, attempt);
        if (outcome.kind === 'retry') {
          if (isClosed) return;
          const timer = setTimeout(() => {
            retryTimers.delete(timer);
            schedule(job, attempt + 1);
          }, outcome.delayMs);
          retryTimers.add(timer);
          return;
        }
        known.delete(job.key);
        if (!isClosed) enqueueNow(outcome.followUps);
      })
      .catch((error: unknown) => {
        // Recording a failure failed (the database is down): try the job again later.
        log.error({ stage: job.stage, jobKey: job.key, err: error }, 'job could not be finished; it will be tried again');
        if (isClosed) return;
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          schedule(job, attempt);
        }, 5_000);
        retryTimers.add(timer);
      });
  };

  const enqueueNow = (jobs: readonly StageJob[]): void => {
    for (const job of jobs) {
      if (known.has(job.key)) continue;
      known.add(job.key);
      schedule(job, 1);
    }
  };

  return {
    mode: 'in-process',
    enqueue(jobs) {
      if (!isClosed) enqueueNow(jobs);
      return Promise.resolve();
    },
    work(run, concurrency) {
      execute = run;
      queues = Object.fromEntries(STAGES.map((stage) => [stage, new PQueue({ concurrency: concurrency[stage] })])) as Record<PipelineStage, PQueue>;
      for (const job of waiting.splice(0)) schedule(job, 1);
    },
    counts(): Promise<QueueCounts> {
      const all = queues === undefined ? [] : Object.values(queues);
      return Promise.resolve({
        waiting: waiting.length + all.reduce((sum, queue) => sum + queue.size, 0),
        active: all.reduce((sum, queue) => sum + queue.pending, 0),
        delayed: retryTimers.size,
      });
    },
    workers: () => Promise.resolve(queues === undefined ? 0 : 1),
    async close() {
      isClosed = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      if (queues === undefined) return;
      for (const queue of Object.values(queues)) queue.clear();
      await Promise.all(Object.values(queues).map((queue) => queue.onIdle()));
    },
  };
}
