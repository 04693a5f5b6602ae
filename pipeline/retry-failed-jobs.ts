import type { Kysely } from 'kysely';
import { InputValidationError } from '../core/errors.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import { FailedJobsRepository } from '../store/repositories/failed-jobs-repository.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import type { FailedJob, Schema } from '../store/schema.js';
import { parseStageJob, type StageJob } from './job-payloads.js';
import type { WorkQueue } from './work-queue.js';

/**
 * Puts failed jobs back to work: their work is marked pending again (the account in its scan,
 * the image, the post), their scan reopened when it had closed, the failure marked retried, and
 * the job queued. Entries whose payload is not a valid job cannot be retried: they are left in the
 * failed list and returned. A job failing again reappears in the failed list.
 */
export async function retryFailedJobs(
  db: Kysely<Schema>,
  queue: WorkQueue,
  failed: readonly FailedJob[],
): Promise<{ scans: string[]; invalid: FailedJob[] }> {
  const work = new PipelineWorkRepository(db);
  const runs = new ScanRunsRepository(db);
  const jobs: StageJob[] = [];
  const scans = new Set<string>();
  const invalid: FailedJob[] = [];
  const retried: FailedJob[] = [];
  for (const entry of failed) {
    let job: StageJob;
    try {
      job = parseStageJob(entry.stage, entry.job_key, entry.payload);
    } catch (error) {
      if (!(error instanceof InputValidationError)) throw error;
      invalid.push(entry);
      continue;
    }
    retried.push(entry);
    switch (job.stage) {
      case 'collect':
        await ScanRunsRepository.recordAccount(db, job.payload.scanRunId, job.payload.accountId, { status: 'pending' });
        break;
      case 'extract':
        await work.reopenMedia(job.payload.mediaId);
        break;
      case 'analyze':
        await work.reopenAnalysis(job.payload.postId);
        break;
    }
    await runs.reopen(job.payload.scanRunId);
    scans.add(job.payload.scanRunId);
    jobs.push(job);
  }
  await new FailedJobsRepository(db).markRetried(retried.map((entry) => entry.id));
  await queue.enqueue(jobs);
  return { scans: [...scans], invalid };
}
