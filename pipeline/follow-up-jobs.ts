import type { PostWork } from '../store/repositories/pipeline-work-repository.js';
import { analyzeJob, extractJob, type StageJob } from './job-payloads.js';

/** The next jobs for posts that wait: one per pending image, else the post's analysis. */
export function followUpJobs(scanRunId: string, work: readonly PostWork[]): StageJob[] {
  return work.flatMap((post) =>
    post.pendingMediaIds.length > 0
      ? post.pendingMediaIds.map((mediaId) => extractJob(scanRunId, post.postId, mediaId, post.contentSha256))
      : [analyzeJob(scanRunId, post.postId, post.contentSha256)],
  );
}
