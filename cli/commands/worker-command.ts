import { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { redactUrl } from '../../core/config.js';
import { createCommandContext } from '../command-context.js';
import { listenForStopSignal } from '../listen-for-stop-signal.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { openPipeline } from '../open-pipeline.js';

/**
 * `overshare worker`: takes scan jobs from the BullMQ queues in REDIS_URL until SIGINT or SIGTERM,
 * and runs the scheduler (due accounts, finished scans, lost jobs, retention). Run any number, on
 * any number of machines, against one PostgreSQL.
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('work scan jobs from the queues in REDIS_URL (distributed mode) and run the scheduler')
    .action(async () => {
      const stop = listenForStopSignal();
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
    });
}
