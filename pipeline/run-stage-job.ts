import { InputValidationError, PermanentError, TransientError } from '../core/errors.js';
import { FailedJobsRepository } from '../store/repositories/failed-jobs-repository.js';
import { parseStageJob, STAGES, type PipelineStage, type StageJob } from './job-payloads.js';
import type { PipelineDependencies } from './pipeline-dependencies.js';
import { analyzePostProcessor } from './processors/analyze-post-processor.js';
import { collectAccountProcessor } from './processors/collect-account-processor.js';
import { extractMediaProcessor } from './processors/extract-media-processor.js';
import { recordJobFailure } from './record-job-failure.js';

/** What became of one try of a job. */
export type JobOutcome =
  | { kind: 'done'; followUps: StageJob[] }
  /** Try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; error: Error }
  /** Failed for good and recorded; `followUps` carry on the work that does not need it. */
  | { kind: 'failed'; error: Error; followUps: StageJob[] };

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
}

/**
 * Runs one try of a job, the same way for every queue: the payload is validated first (a bad one
 * fails at once), a PermanentError fails at once, anything else is retried with exponential
 * backoff and full jitter (or the wait the other side asked for) until the tries run out, and a
 * job that fails for good is recorded (see recordJobFailure). Never throws for a job's own error;
 * throws only when recording a failure itself fails (the queue then retries the try).
 */
export async function runStageJob(
  raw: { stage: string; key: string; payload: unknown },
  attempt: number,
  policy: RetryPolicy,
  deps: PipelineDependencies,
): Promise<JobOutcome> {
  let job: StageJob;
  try {
    job = parseStageJob(raw.stage, raw.key, raw.payload);
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    deps.log.error({ stage: raw.stage, jobKey: raw.key, err: error }, 'job refused: its payload is not valid');
    if ((STAGES as readonly string[]).includes(raw.stage)) {
      await new FailedJobsRepository(deps.db).record({
        stage: raw.stage as PipelineStage,
        jobKey: raw.key,
        payload: isRecord(raw.payload) ? raw.payload : { value: raw.payload ?? null },
        error: error.message,
        kind: 'invalid_payload',
        attempts: attempt,
      });
    }
    return { kind: 'failed', error, followUps: [] };
  }
  try {
    return { kind: 'done', followUps: await processStageJob(job, deps) };
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error('a job threw a value that is not an Error');
    const isPermanent = error instanceof PermanentError;
    if (!isPermanent && attempt < policy.attempts) {
      const delayMs = backoffDelayMs(attempt, policy, error instanceof TransientError ? error.retryAfterMs : undefined);
      deps.log.warn({ stage: job.stage, jobKey: job.key, attempt, delayMs, err: error }, 'job failed; it will be tried again');
      return { kind: 'retry', delayMs, error };
    }
    deps.log.error({ stage: job.stage, jobKey: job.key, attempt, err: error }, 'job failed for good');
    const followUps = await recordJobFailure(job, error, isPermanent ? 'permanent' : 'retries_exhausted', attempt, deps);
    return { kind: 'failed', error, followUps };
  }
}

/** Runs the stage's processor. */
export function processStageJob(job: StageJob, deps: PipelineDependencies): Promise<StageJob[]> {
  switch (job.stage) {
    case 'collect':
      return collectAccountProcessor(job.payload, deps);
    case 'extract':
      return extractMediaProcessor(job.payload, deps);
    case 'analyze':
      return analyzePostProcessor(job.payload, deps);
  }
}

/** base × 2^(attempt-1), capped, with full jitter; never shorter than a wait the server asked for. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.round(ceiling * random());
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxBackoffMs));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
