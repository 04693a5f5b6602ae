import type { Kysely } from 'kysely';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import { FailedJobsRepository } from '../store/repositories/failed-jobs-repository.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import type { FailedJob, Schema } from '../store/schema.js';
import { parseStageJob, type StageJob } from './job-payloads.js';
import type { WorkQueue } from './work-queue.js';

/**
 * Puts failed jobs back to work: their work is marked pending again (the account in its scan,
 * the image, the post), their scan reopened when it had closed, the failure marked retried, and
 * the job queued. Returns the ids of the scans that run again. A job failing again reappears in
 * the failed list.
 */
export async function retryFailedJobs(db: Kysely<Schema>, queue: WorkQueue, failed: readonly FailedJob[]): Promise<string[]> {
  const work = new PipelineWorkRepository(db);
  const runs = new ScanRunsRepository(db);
  const jobs: StageJob[] = [];
  const scans = new Set<string>();
  for (const entry of failed) {
    const job = parseStageJob(entry.stage, entry.job_key, entry.payload);
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
  await new FailedJobsRepository(db).markRetried(failed.map((entry) => entry.id));
  await queue.enqueue(jobs);
  return [...scans];
}
