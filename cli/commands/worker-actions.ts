import { ConfigError } from '../../core/errors.js';
import { redactUrl } from '../../core/config.js';
import { createCommandContext } from '../command-context.js';
import type { listenForStopSignal } from '../listen-for-stop-signal.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/** `worker`: needs REDIS_URL; works the queues and runs the scheduler until `stop` is requested, letting running jobs finish. */
export async function runWorker(stop: ReturnType<typeof listenForStopSignal>): Promise<void> {
  const context = createCommandContext('info');
  const { config, log } = context;
  if (config.pipeline.redisUrl === undefined) {
    throw new ConfigError(
      'overshare worker needs REDIS_URL (redis://host:6379) to take jobs from; without it, scans run inside `overshare serve` and `overshare scan`',
    );
  }
  const database = await openMigratedDatabase(context);
  try {
    if (stop.isRequested()) return;
    // Loaded only now: without REDIS_URL the command fails above without loading BullMQ, the crawler and OCR.
    const { openPipeline } = await import('../open-pipeline.js');
    const opened = await openPipeline(database, { config, log, work: true });
    opened.pipeline.schedule();
    console.log(
      `overshare worker is taking jobs from ${redactUrl(config.pipeline.redisUrl)} (prefix ${config.pipeline.queuePrefix}; database: ${database.kind} ${database.location}). Stop with Ctrl+C.`,
    );
    await stop.requested;
    log.info('stopping: running jobs finish first');
    await opened.close();
  } finally {
    await database.close();
  }
  log.info('stopped');
}
