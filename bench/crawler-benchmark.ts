import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import type { AccountCursor } from '../crawler/collect-posts.js';
import { PLATFORM_ADAPTERS } from '../crawler/adapter-registry.js';
import { createCrawler } from '../crawler/create-crawler.js';
import type { PlatformName } from '../crawler/platform-adapter.js';
import { ALL_PLATFORM_FIXTURES, fixtureAccount } from '../test/fixture-platform/all-fixtures.js';
import { startRemoteFixtureServer, type RemoteFixtureServer } from './remote-fixture-server.js';

/**
 * Crawls a fixture network (N accounts × M posts, 30 % with images) served on 127.0.0.1 by the
 * fixture platform server in a thread of its own, and compares each platform with a plain `fetch`
 * of the very same pages in the same run: the raw fetch is the ceiling (no guard, no politeness,
 * no parsing). Then 5 % new posts are published (one more on every account of 20) and every
 * account is rescanned from its cursor.
 */

export interface PlatformCrawlResult {
  platform: PlatformName;
  accounts: number;
  posts: number;
  requests: number;
  crawlS: number;
  postsPerS: number;
  rawFetchS: number;
  /** Crawl pages/s over raw-fetch pages/s of the same URLs. */
  shareOfRawRate: number;
  rescanPosts: number;
  rescanRequests: number;
  rescanS: number;
  /** Rescan time over full-scan time. */
  rescanShare: number;
  /** Body bytes the server sent for the full scan and for the rescan. */
  crawlBytes: number;
  rescanBytes: number;
  /** Peak RSS of this process: the crawler and the fixture server's thread. */
  peakRssMiB: number;
  /** Peak RSS of Chromium's processes, summed (0 for plain-HTTP platforms). */
  peakChromeRssMiB: number;
}

export interface CrawlerBenchmarkOptions {
  accounts: number;
  postsPerAccount: number;
  platforms: readonly PlatformName[];
  /** Accounts crawled at once. */
  concurrency: number;
}

/** Runs `work` over `items` with at most `concurrency` at once. */
async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}

/** RSS of the browser processes the crawler started (their command lines name the pool's profile folder). */
function chromeRssMiB(): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/u.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('overshare-chrome-')) continue;
      kib += Number(/^VmRSS:\s+(\d+)/mu.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? '0');
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kib / 1_024;
}

function sampleRss(peak: { mib: number; chromeMiB: number }, withChrome: boolean): () => void {
  const timer = setInterval(() => {
    peak.mib = Math.max(peak.mib, process.memoryUsage.rss() / 2 ** 20);
    if (withChrome) peak.chromeMiB = Math.max(peak.chromeMiB, chromeRssMiB());
  }, withChrome ? 250 : 50);
  return () => clearInterval(timer);
}

async function crawlPlatform(server: RemoteFixtureServer, platform: PlatformName, handles: readonly string[], options: CrawlerBenchmarkOptions): Promise<PlatformCrawlResult> {
  const log = createLogger({ level: 'silent' });
  const crawler = createCrawler(
    {
      ...loadConfig({}).crawl,
      allowedPrivateHosts: ['127.0.0.1'],
      baseUrls: Object.fromEntries(ALL_PLATFORM_FIXTURES.map((fixture) => [fixture.platform, server.baseUrl(fixture.platform)])),
      requestsPerSecond: 10_000,
      concurrencyPerPlatform: options.concurrency,
      browserPages: 2,
      backfillPosts: 10_000,
    },
    log,
  );
  const peak = { mib: process.memoryUsage.rss() / 2 ** 20, chromeMiB: 0 };
  const stopSampling = sampleRss(peak, PLATFORM_ADAPTERS[platform].route === 'browser');
  const cursors = new Map<string, AccountCursor | undefined>();
  try {
    await server.clearRequests();
    let posts = 0;
    const startedAt = performance.now();
    await forEachLimited(handles, options.concurrency, async (handle) => {
      const result = await crawler.collect(fixtureAccount(platform, server, handle));
      posts += result.posts.length;
      cursors.set(handle, result.cursor);
    });
    const crawlS = (performance.now() - startedAt) / 1_000;
    const crawlRequests = await server.requests();
    const urls = crawlRequests.filter((request) => request.platform === platform && request.status === 200 && request.method === 'GET').map((request) => `${server.origin}${request.path}`);
    const requests = crawlRequests.filter((request) => request.platform === platform).length;
    const crawlBytes = crawlRequests.filter((request) => request.platform === platform).reduce((sum, request) => sum + request.bytes, 0);

    // The ceiling: the same GET URLs, plain fetch with keep-alive, body read as text, nothing parsed.
    const rawStartedAt = performance.now();
    await forEachLimited(urls, options.concurrency, async (url) => {
      await (await fetch(url)).text();
    });
    const rawFetchS = (performance.now() - rawStartedAt) / 1_000;

    // 5 % new posts: one new post on every account of 20 posts.
    const perAccount = Math.max(1, Math.round(options.postsPerAccount * 0.05));
    await server.publish(perAccount);
    await server.clearRequests();
    let rescanPosts = 0;
    const rescanStartedAt = performance.now();
    await forEachLimited(handles, options.concurrency, async (handle) => {
      const cursor = cursors.get(handle);
      const result = await crawler.collect(fixtureAccount(platform, server, handle), cursor === undefined ? {} : { cursor });
      rescanPosts += result.posts.length;
    });
    const rescanS = (performance.now() - rescanStartedAt) / 1_000;
    const rescanLog = (await server.requests()).filter((request) => request.platform === platform);
    const rescanRequests = rescanLog.length;
    const rescanBytes = rescanLog.reduce((sum, request) => sum + request.bytes, 0);
    const crawlGets = urls.length;
    return {
      platform,
      accounts: handles.length,
      posts,
      requests,
      crawlS,
      postsPerS: posts / crawlS,
      rawFetchS,
      shareOfRawRate: crawlGets === 0 ? 0 : crawlGets / crawlS / (urls.length / rawFetchS),
      rescanPosts,
      rescanRequests,
      rescanS,
      rescanShare: rescanS / crawlS,
      crawlBytes,
      rescanBytes,
      peakRssMiB: peak.mib,
      peakChromeRssMiB: peak.chromeMiB,
    };
  } finally {
    stopSampling();
    await crawler.close();
  }
}

/** One full run over every platform asked for, each on a fresh network (so publishes do not pile up). */
export async function runCrawlerBenchmark(options: CrawlerBenchmarkOptions): Promise<PlatformCrawlResult[]> {
  const results: PlatformCrawlResult[] = [];
  for (const platform of options.platforms) {
    const server = await startRemoteFixtureServer({
      accounts: options.accounts,
      postsPerAccount: options.postsPerAccount,
      imageShare: 0.3,
      newestAt: new Date(Date.now() - 3_600_000),
    });
    try {
      results.push(await crawlPlatform(server, platform, server.handles, options));
    } finally {
      await server.close();
    }
  }
  return results;
}
