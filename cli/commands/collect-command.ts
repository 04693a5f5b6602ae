import { Command, InvalidArgumentError, Option } from 'commander';
import { PLATFORM_NAMES } from '../../crawler/platform-adapter.js';
import type { CollectCommandOptions } from './collect-actions.js';

/**
 * `overshare collect`: prints the posts an account would yield as JSON Lines, storing nothing —
 * for trying an account before registering it and for debugging an adapter.
 */
export function collectCommand(): Command {
  return new Command('collect')
    .description('print the public posts of one account as JSON Lines (nothing is stored)')
    .addOption(new Option('--platform <platform>', 'platform of the account').choices(PLATFORM_NAMES).makeOptionMandatory())
    .requiredOption('--handle <handle>', 'the account: channel or user name, handle, feed or page URL')
    .option('--base-url <url>', 'base URL of the platform or instance (self-hosted Mastodon, a test server)')
    .option('--limit <n>', 'posts to collect at most (default: CRAWL_BACKFILL_POSTS)', parseLimit)
    .option('--since <time>', 'only posts published after this time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T09:00Z)', parseSince)
    .option('--selectors <json-or-file>', 'generic platform: CSS selectors as JSON, or a JSON file ({"post": "article", "text": ".body", …})')
    .action(async (options: CollectCommandOptions) => (await import('./collect-actions.js')).collectPosts(options));
}

function parseLimit(value: string): number {
  const parsed = Number(value);
  if (!/^\d{1,6}$/u.test(value) || parsed < 1) throw new InvalidArgumentError('must be a whole number from 1 to 999999.');
  return parsed;
}

function parseSince(value: string): Date {
  const parsed = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/u.test(value) || Number.isNaN(parsed.getTime())) {
    throw new InvalidArgumentError('must be an ISO 8601 date or time, such as 2026-11-01 or 2026-11-01T09:00Z.');
  }
  return parsed;
}
