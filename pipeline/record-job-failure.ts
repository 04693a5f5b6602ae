import { NotFoundError } from '../core/errors.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { FailedJobsRepository } from '../store/repositories/failed-jobs-repository.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import type { FailedJobKind } from '../store/schema.js';
import { analyzeJob, type StageJob } from './job-payloads.js';
import { recordCollectionFailure, type CollectDependencies } from './processors/collect-account-processor.js';

/**
 * Records a job that failed for good, where `overshare jobs failed` lists it, and marks its work
 * as done-with-an-error so the scan can finish: the account as failing (its coverage gap opened
 * or extended, its next reading backed off: see recordCollectionFailure; each failed try already
 * recorded its collection attempt), the image as unreadable (its post is then analyzed without it:
 * that job is returned), the post as not analyzable.
 */
export async function recordJobFailure(
  job: StageJob,
  error: Error,
  kind: FailedJobKind,
  attempts: number,
  deps: CollectDependencies,
): Promise<StageJob[]> {
  await new FailedJobsRepository(deps.db).record({
    stage: job.stage,
    jobKey: job.key,
    payload: job.payload,
    scanRunId: job.payload.scanRunId,
    error: error.message,
    kind,
    attempts,
  });
  const work = new PipelineWorkRepository(deps.db);
  switch (job.stage) {
    case 'collect': {
      const account = await new AccountsRepository(deps.db).getById(job.payload.accountId).catch((lookupError: unknown) => {
        if (lookupError instanceof NotFoundError) return undefined;
        throw lookupError;
      });
      if (account !== undefined) await recordCollectionFailure(deps, job.payload.scanRunId, account, error);
      return [];
    }
    case 'extract': {
      await work.failMedia(job.payload.mediaId, error.message);
      const post = await work.workOf(job.payload.postId);
      return post === undefined || post.pendingMediaIds.length > 0 ? [] : [analyzeJob(job.payload.scanRunId, post.postId, post.contentSha256)];
    }
    case 'analyze':
      await work.failAnalysis(job.payload.postId, error.message);
      return [];
  }
}
