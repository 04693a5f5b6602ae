import { Command } from 'commander';

/**
 * `overshare scan`: scans accounts now, with a progress bar and a summary. Without REDIS_URL the
 * work runs in this process; with it, the scan is queued for `overshare worker` processes and
 * this command watches it.
 */
export function scanCommand(): Command {
  return new Command('scan')
    .description('scan accounts now: collect their new posts, read their images, flag leaks (progress on stderr, summary on stdout)')
    .option('--account <ref...>', 'account id, id prefix or platform:handle (repeatable)')
    .option('--all', 'every active account')
    .option('--full', 'read back past each account\'s cursor (to CRAWL_BACKFILL_POSTS posts), to catch edited posts')
    .action(async (options: { account?: string[]; all?: boolean; full?: boolean }) => (await import('./scan-actions.js')).scanAccounts(options));
}
