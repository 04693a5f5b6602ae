import { InputValidationError } from '../../core/errors.js';
import { retryFailedJobs } from '../../pipeline/retry-failed-jobs.js';
import { FailedJobsRepository } from '../../store/repositories/failed-jobs-repository.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { ScanProgressBar } from '../scan-progress-bar.js';

/** `jobs failed`: the jobs that failed for good and were not retried yet, newest first, as a table or JSON Lines. */
export async function listFailedJobs(options: { json?: boolean }): Promise<void> {
  const context = createCommandContext('warn');
  const database = await openMigratedDatabase(context);
  try {
    const failed = await new FailedJobsRepository(database.db).listOpen();
    if (options.json === true) {
      for (const job of failed) {
        console.log(
          JSON.stringify({
            id: job.id,
            stage: job.stage,
            jobKey: job.job_key,
            scanRunId: job.scan_run_id,
            kind: job.error_kind,
            attempts: job.attempts,
            error: job.error,
            failedAt: job.failed_at.toISOString(),
            payload: job.payload,
          }),
        );
      }
      return;
    }
    if (failed.length === 0) {
      console.log('No failed jobs.');
      return;
    }
    console.log(
      formatTable(
        ['ID', 'FAILED', 'STAGE', 'KIND', 'TRIES', 'ERROR'],
        failed.map((job) => [job.id.slice(0, 8), formatTime(job.failed_at), job.stage, job.error_kind, String(job.attempts), job.error.slice(0, 160)]),
      ),
    );
    console.log(`\n${plural(failed.length, 'failed job')}. Retry with: overshare jobs retry ID… or --all`);
  } finally {
    await database.close();
  }
}

/** `jobs retry IDS|--all`: puts failed jobs back to work; without REDIS_URL runs them here and waits for their scans. */
export async function retryJobs(ids: readonly string[], options: { all?: boolean }): Promise<void> {
  if ((ids.length > 0) === (options.all === true)) {
    throw new InputValidationError('jobs retry', [{ path: 'ids/--all', message: 'give job ids or --all' }]);
  }
  const context = createCommandContext('warn');
  const { config, log } = context;
  const database = await openMigratedDatabase(context);
  try {
    const repository = new FailedJobsRepository(database.db);
    const chosen = options.all === true ? await repository.listOpen(100_000) : await Promise.all(ids.map((id) => repository.resolve(id)));
    if (chosen.length === 0) {
      console.log('No failed jobs to retry.');
      return;
    }
    const isLocal = config.pipeline.redisUrl === undefined;
    // The pipeline (BullMQ, the crawler, OCR) is loaded only here: `jobs failed` does without it.
    const { openPipeline } = await import('../open-pipeline.js');
    const opened = await openPipeline(database, { config, log, work: isLocal });
    try {
      const { scans, invalid } = await retryFailedJobs(database.db, opened.pipeline.queue, chosen);
      for (const entry of invalid) {
        console.error(`Job ${entry.id.slice(0, 8)} (${entry.stage}) cannot be retried: its payload is not a valid job (${entry.error}).`);
      }
      await recordCliAudit(database, { action: 'jobs.retry', targetType: 'failed_job', details: { jobs: chosen.map((job) => job.id) } });
      console.log(`Retrying ${plural(chosen.length - invalid.length, 'job')} of ${plural(scans.length, 'scan')}.`);
      if (!isLocal) return;
      for (const scanRunId of scans) {
        const bar = new ScanProgressBar();
        const run = await opened.pipeline.coordinator.waitForScan(scanRunId, { onProgress: (progress) => bar.update(progress) });
        bar.finish();
        console.log(`Scan ${run.id} ${run.status}: ${plural(run.counts.findings, 'finding')}, ${plural(run.counts.errors, 'error')}.`);
      }
      const left = await repository.listOpen();
      if (left.length > 0) console.log(`${plural(left.length, 'job')} failed again: overshare jobs failed`);
    } finally {
      await opened.close();
    }
  } finally {
    await database.close();
  }
}
