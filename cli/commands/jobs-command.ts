import { Command } from 'commander';

/** `overshare jobs failed|retry`: the jobs that failed for good, and putting them back to work. */
export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('inspect and retry scan jobs that failed for good');
  jobs
    .command('failed')
    .description('list jobs that failed for good and were not retried yet, newest first')
    .option('--json', 'one JSON object per line')
    .action(async (options: { json?: boolean }) => (await import('./jobs-actions.js')).listFailedJobs(options));
  jobs
    .command('retry')
    .description('put failed jobs back to work (without REDIS_URL they run here, and the command waits for their scans)')
    .argument('[ids...]', 'job ids or id prefixes (8+ characters) as `jobs failed` shows them')
    .option('--all', 'every failed job')
    .action(async (ids: string[], options: { all?: boolean }) => (await import('./jobs-actions.js')).retryJobs(ids, options));
  return jobs;
}
