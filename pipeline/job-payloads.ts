import { z } from 'zod';
import { InputValidationError } from '../core/errors.js';
import type { PipelineStage } from '../store/schema.js';

export type { PipelineStage } from '../store/schema.js';

/** The stages in the order work flows through them. */
export const STAGES: readonly PipelineStage[] = ['collect', 'extract', 'analyze'];

const id = z.uuid();
const PAYLOAD_SCHEMAS = {
  collect: z.strictObject({ scanRunId: id, accountId: id }),
  extract: z.strictObject({ scanRunId: id, mediaId: id, postId: id }),
  analyze: z.strictObject({ scanRunId: id, postId: id }),
} as const;

export type CollectPayload = z.output<(typeof PAYLOAD_SCHEMAS)['collect']>;
export type ExtractPayload = z.output<(typeof PAYLOAD_SCHEMAS)['extract']>;
export type AnalyzePayload = z.output<(typeof PAYLOAD_SCHEMAS)['analyze']>;

/** One unit of work for one stage. `key` is its identity: queues drop a second job of the same key. */
export type StageJob =
  | { stage: 'collect'; key: string; payload: CollectPayload }
  | { stage: 'extract'; key: string; payload: ExtractPayload }
  | { stage: 'analyze'; key: string; payload: AnalyzePayload };

// Keys are BullMQ job ids too, which must not contain ':' (its key separator).
export function collectJob(scanRunId: string, accountId: string): StageJob {
  return { stage: 'collect', key: `collect_${scanRunId}_${accountId}`, payload: { scanRunId, accountId } };
}

/** The image's job is tied to the post's content: a changed post reads its new images again. */
export function extractJob(scanRunId: string, postId: string, mediaId: string, contentSha256: string): StageJob {
  return {
    stage: 'extract',
    key: `extract_${mediaId}_${contentSha256.slice(0, 16)}`,
    payload: { scanRunId, postId, mediaId },
  };
}

export function analyzeJob(scanRunId: string, postId: string, contentSha256: string): StageJob {
  return { stage: 'analyze', key: `analyze_${postId}_${contentSha256.slice(0, 16)}`, payload: { scanRunId, postId } };
}

/**
 * Checks a job's payload as it comes off a queue (another version of overshare, or anyone with
 * access to Redis, may have put it there). Throws InputValidationError naming every problem.
 */
export function parseStageJob(stage: string, key: string, data: unknown): StageJob {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new InputValidationError('job', [{ path: 'stage', message: `unknown stage ${JSON.stringify(stage)}` }]);
  }
  const schema = PAYLOAD_SCHEMAS[stage as PipelineStage];
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new InputValidationError(
      `${stage} job ${key}`,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(payload)', message: issue.message })),
    );
  }
  return { stage, key, payload: parsed.data } as StageJob;
}
