import { Command } from 'commander';
import { listenForStopSignal } from '../listen-for-stop-signal.js';

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
      await (await import('./worker-actions.js')).runWorker(stop);
    });
}
