import type { StageJob, PipelineStage } from './job-payloads.js';
import type { JobOutcome } from './run-stage-job.js';

/** Jobs not yet finished, across all stages. */
export interface QueueCounts {
  waiting: number;
  active: number;
  /** Waiting to be tried again after a failure. */
  delayed: number;
}

/** Runs one try of a job (see runStageJob); `attempt` counts from 1. */
export type ExecuteJob = (job: { stage: string; key: string; payload: unknown }, attempt: number) => Promise<JobOutcome>;

/**
 * Moves jobs between the stages: in this process, or through BullMQ queues in Redis to any
 * number of worker processes. Both run the same ExecuteJob and both drop a job whose key is
 * already waiting or running. Neither is the record of what is left to do: the database is, and
 * a queue that lost its jobs is refilled from it (see recoverUnfinishedWork).
 */
export interface WorkQueue {
  readonly mode: 'in-process' | 'bullmq';
  enqueue(jobs: readonly StageJob[]): Promise<void>;
  /** Starts taking jobs in this process, `concurrency` at a time per stage. */
  work(execute: ExecuteJob, concurrency: Readonly<Record<PipelineStage, number>>): void;
  counts(): Promise<QueueCounts>;
  /** Processes taking jobs now (this one included when it works). */
  workers(): Promise<number>;
  /** Stops taking jobs, lets running ones finish, and closes connections. */
  close(): Promise<void>;
}
