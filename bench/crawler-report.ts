import type { PlatformName } from '../crawler/platform-adapter.js';
import { runCrawlerBenchmark, type PlatformCrawlResult } from './crawler-benchmark.js';
import { median } from './median.js';

/** Plain-HTTP platforms: the issue's "API platforms" goal (≥ 50 % of the raw fetch rate) applies to these. */
export const HTTP_PLATFORMS: readonly PlatformName[] = ['telegram', 'mastodon', 'bluesky', 'rss', 'wordpress'];
export const BROWSER_PLATFORMS: readonly PlatformName[] = ['vk', 'youtube', 'threads', 'facebook', 'generic'];

export interface CrawlerReport {
  http: PlatformCrawlResult[][];
  browser: PlatformCrawlResult[][];
}

/** Runs the crawler benchmark `runs` times over the HTTP platforms and over the browser platforms (fewer accounts). */
export async function runCrawlerReport(options: { runs: number; accounts: number; browserAccounts: number; log?: (line: string) => void }): Promise<CrawlerReport> {
  const http: PlatformCrawlResult[][] = [];
  const browser: PlatformCrawlResult[][] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    options.log?.(`crawler run ${run}/${options.runs}: HTTP platforms, ${options.accounts} accounts`);
    http.push(await runCrawlerBenchmark({ accounts: options.accounts, postsPerAccount: 20, platforms: HTTP_PLATFORMS, concurrency: 16 }));
    options.log?.(`crawler run ${run}/${options.runs}: browser platforms, ${options.browserAccounts} accounts`);
    browser.push(await runCrawlerBenchmark({ accounts: options.browserAccounts, postsPerAccount: 20, platforms: BROWSER_PLATFORMS, concurrency: 4 }));
  }
  return { http, browser };
}

/** Markdown tables of the medians per platform, for docs/benchmarks.md. */
export function crawlerReportMarkdown(report: CrawlerReport, runs: number): string {
  const table = (title: string, results: PlatformCrawlResult[][], isBrowser: boolean): string => {
    const platforms = results[0]?.map((result) => result.platform) ?? [];
    const rows = platforms.map((platform) => {
      const of = (pick: (result: PlatformCrawlResult) => number) =>
        median(results.map((run) => run.find((result) => result.platform === platform)).filter((result) => result !== undefined).map(pick));
      return (
        `| ${platform} | ${of((r) => r.accounts).toFixed(0)} | ${of((r) => r.posts).toFixed(0)} | ${of((r) => r.requests).toFixed(0)} | ${of((r) => r.postsPerS).toFixed(0)} | ` +
        `${(of((r) => r.shareOfRawRate) * 100).toFixed(0)} % | ${of((r) => r.rescanPosts).toFixed(0)} | ${of((r) => r.rescanRequests).toFixed(0)} | ` +
        `${(of((r) => r.rescanShare) * 100).toFixed(0)} % | ${(of((r) => r.crawlBytes) / 2 ** 20).toFixed(1)} MiB | ${(of((r) => r.rescanBytes) / 2 ** 20).toFixed(2)} MiB | ${of((r) => r.peakRssMiB).toFixed(0)} MiB${isBrowser ? ` + ${of((r) => r.peakChromeRssMiB).toFixed(0)} MiB` : ''} |`
      );
    });
    return [
      `### ${title}`,
      '',
      '| platform | accounts | posts | requests | posts/s | rate vs raw fetch | rescan: new posts | rescan: requests | rescan time vs full scan | bytes: full scan | bytes: rescan | peak RSS |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n');
  };
  return [
    `## Crawler (fixture network, 20 posts per account, 30 % with images; median of ${runs} runs)`,
    '',
    table('Plain-HTTP platforms (16 accounts at once)', report.http, false),
    '',
    table('Browser platforms (Chromium, 2 tabs, 4 accounts at once; peak RSS: Node + Chromium)', report.browser, true),
  ].join('\n');
}
