import { Command, InvalidArgumentError, Option } from 'commander';
import { InputValidationError } from '../../core/errors.js';
import { createCrawler } from '../../crawler/create-crawler.js';
import { PLATFORM_NAMES, type AccountRef, type PlatformName } from '../../crawler/platform-adapter.js';
import { createCommandContext } from '../command-context.js';
import { readSelectors } from '../read-selectors.js';

interface CollectCommandOptions {
  platform: PlatformName;
  handle: string;
  baseUrl?: string;
  limit?: number;
  since?: Date;
  selectors?: string;
}

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
    .action(async (options: CollectCommandOptions) => {
      const { config, log } = createCommandContext('warn');
      const account: AccountRef = {
        platform: options.platform,
        handle: options.handle,
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
        ...(options.selectors === undefined ? {} : { selectors: await readSelectors(options.selectors) }),
      };
      if (account.platform === 'generic' && account.selectors === undefined) {
        throw new InputValidationError('--selectors', [{ path: 'post', message: 'the generic platform needs CSS selectors: --selectors \'{"post":"article"}\'' }]);
      }
      const crawler = createCrawler(config.crawl, log);
      const abort = new AbortController();
      const onInterrupt = () => abort.abort(new InputValidationError('collect', [{ path: 'signal', message: 'interrupted' }]));
      process.once('SIGINT', onInterrupt);
      try {
        const result = await crawler.collect(account, {
          signal: abort.signal,
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          ...(options.since === undefined ? {} : { since: options.since }),
          onPage: ({ pages, posts }) => {
            if (process.stderr.isTTY) process.stderr.write(`\rcollect: ${pages} page(s), ${posts} post(s)`);
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        for (const post of result.posts) {
          process.stdout.write(
            `${JSON.stringify({
              platform: post.platform,
              id: post.externalId,
              permalink: post.permalink,
              author: post.author,
              publishedAt: post.publishedAt,
              isRepost: post.isRepost,
              text: post.text,
              media: post.media,
            })}\n`,
          );
        }
        const stats = crawler.stats();
        console.error(
          `collect: ${result.posts.length} post(s) from ${result.pages} page(s) of ${account.platform} ${account.handle}; stopped: ${result.stoppedBecause}` +
            `${result.skipped > 0 ? `; ${result.skipped} unusable post(s) skipped` : ''}; ${stats.pageRequests} HTTP request(s), ${stats.browserPages} browser page(s)`,
        );
      } finally {
        process.off('SIGINT', onInterrupt);
        await crawler.close();
      }
    });
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
