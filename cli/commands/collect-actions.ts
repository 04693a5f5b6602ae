import { InputValidationError } from '../../core/errors.js';
import type { AccountRef, PlatformName } from '../../crawler/platform-adapter.js';
import { createCommandContext } from '../command-context.js';
import { readSelectors } from '../read-selectors.js';

/** The options of `collect`, as commander parses them. */
export interface CollectCommandOptions {
  platform: PlatformName;
  handle: string;
  baseUrl?: string;
  limit?: number;
  since?: Date;
  selectors?: string;
}

/** `collect`: prints the posts the account yields as JSON Lines and a summary on standard error, storing nothing. */
export async function collectPosts(options: CollectCommandOptions): Promise<void> {
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
  // The crawler (puppeteer, cheerio) is loaded only for input that passed the checks above.
  const { createCrawler } = await import('../../crawler/create-crawler.js');
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
}
