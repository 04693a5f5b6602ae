import { TimeoutError, type Page } from 'puppeteer-core';
import { redactUrl, type Config } from '../core/config.js';
import { InputValidationError, PermanentError, TransientError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { OVERSHARE_VERSION } from '../core/version.js';
import { adapterFor } from './adapter-registry.js';
import { createBrowserPool, type BrowserPool } from './browser/browser-pool.js';
import { collectPosts, type CollectOptions, type CollectResult } from './collect-posts.js';
import { HostLimiter } from './host-limiter.js';
import { createAddressGuard, RefusedAddressError, type AddressGuard } from './net/address-guard.js';
import { classifyNetworkError } from './net/classify-network-error.js';
import { fetchMedia, type FetchedMedia } from './net/fetch-media.js';
import { startGuardedProxy, type GuardedProxy } from './net/guarded-proxy.js';
import type { AccountRef, AdapterContext, BrowserTabs, PlatformAdapter } from './platform-adapter.js';
import { createPageFetcher } from './polite-page-fetcher.js';
import { retryWithBackoff } from './retry-with-backoff.js';

/** Options of one collection; the backfill depth defaults to CRAWL_BACKFILL_POSTS. */
export type CrawlOptions = Omit<CollectOptions, 'backfillPosts'> & { backfillPosts?: number; signal?: AbortSignal };

/** Counters since the crawler was created. */
export interface CrawlerStats {
  /** HTTP requests sent by adapters, retries included (media and browser traffic not counted). */
  pageRequests: number;
  /** Browser pages opened. */
  browserPages: number;
  /** Media files downloaded. */
  mediaFetched: number;
}

/** The crawler: registered accounts in, new public posts out; media fetched through the same guard. */
export interface Crawler {
  collect(account: AccountRef, options?: CrawlOptions): Promise<CollectResult>;
  /** Downloads one image of a post: guarded, capped at CRAWL_MAX_MEDIA_BYTES, verified by magic bytes. */
  fetchMedia(url: string, signal?: AbortSignal): Promise<FetchedMedia>;
  stats(): CrawlerStats;
  /** Closes the browser and the proxy, if they were started. */
  close(): Promise<void>;
}

/**
 * Builds the crawler from its settings. Nothing heavy starts until needed: the browser (and the
 * guarded proxy every browser request passes through) launch on the first browser-based account,
 * so plain-HTTP platforms work on a machine without Chromium.
 */
export function createCrawler(settings: Config['crawl'], log: Logger): Crawler {
  const guard: AddressGuard = createAddressGuard({ allowedPrivateHosts: settings.allowedPrivateHosts });
  const limiter = new HostLimiter({ concurrency: settings.concurrencyPerPlatform, requestsPerSecond: settings.requestsPerSecond });
  const userAgent = settings.userAgent ?? `overshare/${OVERSHARE_VERSION} (compliance scanner; public posts only)`;
  const stats: CrawlerStats = { pageRequests: 0, browserPages: 0, mediaFetched: 0 };
  if (settings.allowedPrivateHosts.length > 0) {
    log.warn({ allowedPrivateHosts: settings.allowedPrivateHosts }, 'the address guard lets these private hosts through (CRAWL_ALLOWED_PRIVATE_HOSTS)');
  }
  let browser: Promise<{ pool: BrowserPool; proxy: GuardedProxy }> | undefined;
  let isClosed = false;

  const startBrowser = async () => {
    const proxy = await startGuardedProxy({ guard, log: log.child({ module: 'browser-proxy' }) });
    const pool = createBrowserPool({
      chromePath: settings.chromePath,
      proxyUrl: proxy.url,
      pages: settings.browserPages,
      recycleAfterPages: settings.browserRecycleAfterPages,
      navigationTimeoutMs: settings.navigationTimeoutMs,
      userAgent,
      log: log.child({ module: 'browser' }),
    });
    return { pool, proxy };
  };

  // Browser pages are rate-limited like requests, per platform and host; the pool caps open tabs.
  const browserTabsFor = (limiterKey: string, signal: AbortSignal): BrowserTabs => ({
    navigationTimeoutMs: settings.navigationTimeoutMs,
    maxPageBytes: settings.maxPageBytes,
    async withPage(work) {
      if (isClosed) throw new PermanentError('the crawler is closed');
      browser ??= startBrowser();
      const { pool, proxy } = await browser;
      return limiter.run(
        limiterKey,
        () => {
          stats.browserPages += 1;
          return pool.withPage((page) => watchForRefusal(page, proxy, work));
        },
        signal,
      );
    },
  });

  return {
    async collect(account, options = {}) {
      if (isClosed) throw new PermanentError('the crawler is closed');
      const adapter = adapterFor(account.platform);
      const baseUrl = resolveBaseUrl(account, settings.baseUrls[account.platform] ?? adapter.defaultBaseUrl);
      if (account.handle.trim() === '') {
        throw new InputValidationError('account', [{ path: 'handle', message: 'is empty; give the account name or URL' }]);
      }
      const signal = options.signal ?? new AbortController().signal;
      const host = baseUrl === '' ? hostOf(account.handle) : new URL(baseUrl).host;
      const context: AdapterContext = {
        http: createPageFetcher({
          platform: account.platform,
          guard,
          limiter,
          settings,
          userAgent,
          log,
          signal,
          onRequest: () => {
            stats.pageRequests += 1;
          },
        }),
        browser: browserTabsFor(`${account.platform} ${host} browser`, signal),
        log: log.child({ module: 'crawler', platform: account.platform }),
        signal,
      };
      // The browser reaches https pages through CONNECT tunnels, where a refusal shows only as a
      // failed tunnel: check the account's own address first, so it is refused as such.
      if (adapter.route === 'browser') {
        const target = baseUrl === '' ? account.handle : baseUrl;
        if (URL.canParse(target)) {
          const url = new URL(target);
          guard.checkUrl(url);
          await guard.resolveChecked(url.hostname).catch((error: unknown) => {
            throw classifyNetworkError(error, redactUrl(url.href));
          });
        }
      }
      // Browser pages are not retried by the page fetcher: retry the whole page read here.
      const runAdapter = adapter.route === 'browser' ? wrapWithRetries(adapter, settings, signal) : adapter;
      return collectPosts(runAdapter, account, baseUrl, context, {
        ...options,
        backfillPosts: options.backfillPosts ?? settings.backfillPosts,
      });
    },

    async fetchMedia(url, signal) {
      if (!URL.canParse(url)) throw new InputValidationError('media', [{ path: 'url', message: 'is not a URL' }]);
      const target = new URL(url);
      const media = await retryWithBackoff(
        () =>
          limiter.run(
            `media ${target.host}`,
            () =>
              fetchMedia(url, {
                guard,
                maxBytes: settings.maxMediaBytes,
                timeoutMs: settings.requestTimeoutMs,
                maxRedirects: settings.maxRedirects,
                userAgent,
                ...(signal === undefined ? {} : { signal }),
              }),
            signal,
          ),
        { retries: settings.retries, baseMs: settings.backoffBaseMs, maxWaitMs: settings.maxRetryWaitMs, ...(signal === undefined ? {} : { signal }) },
      );
      stats.mediaFetched += 1;
      return media;
    },

    stats: () => ({ ...stats }),

    async close() {
      if (isClosed) return;
      isClosed = true;
      limiter.close();
      if (browser !== undefined) {
        const started = await browser.catch(() => undefined);
        await started?.pool.close();
        await started?.proxy.close();
      }
    },
  };
}

/**
 * Runs an adapter's page work and turns two browser outcomes into the crawler's errors: a page the
 * guarded proxy refused (its 403 carries the proxy's own token) becomes RefusedAddressError whatever
 * the adapter made of it, and a puppeteer timeout becomes a TransientError.
 */
async function watchForRefusal<T>(page: Page, proxy: GuardedProxy, work: (page: Page) => Promise<T>): Promise<T> {
  let refused: RefusedAddressError | undefined;
  page.on('response', (response) => {
    const reason = proxy.refusalReason(response.headers());
    if (reason !== undefined && response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
      refused ??= new RefusedAddressError(response.url(), reason);
    }
  });
  try {
    const result = await work(page);
    if (refused !== undefined) throw refused;
    return result;
  } catch (error) {
    if (refused !== undefined) throw refused;
    // puppeteer's message repeats the page's URL, query and all: keep it as the cause only.
    if (error instanceof TimeoutError) throw new TransientError('a browser page took longer than CRAWL_NAVIGATION_TIMEOUT_MS; retry later', { cause: error, kind: 'timeout' });
    throw error;
  }
}

function wrapWithRetries(adapter: PlatformAdapter, settings: Config['crawl'], signal: AbortSignal): PlatformAdapter {
  return {
    platform: adapter.platform,
    route: adapter.route,
    defaultBaseUrl: adapter.defaultBaseUrl,
    fetchPage: (request, context) =>
      retryWithBackoff(() => adapter.fetchPage(request, context), {
        retries: settings.retries,
        baseMs: settings.backoffBaseMs,
        maxWaitMs: settings.maxRetryWaitMs,
        signal,
        onRetry: ({ attempt, waitMs, error }) => context.log.info({ attempt, waitMs, err: error }, 'retrying browser page'),
      }),
  };
}

/** The account's base URL (account → CRAWL_BASE_URLS → public default), checked and without a trailing slash. */
function resolveBaseUrl(account: AccountRef, fallback: string): string {
  const chosen = account.baseUrl ?? fallback;
  if (chosen === '') return '';
  if (!URL.canParse(chosen) || !['http:', 'https:'].includes(new URL(chosen).protocol)) {
    throw new InputValidationError('account', [{ path: 'baseUrl', message: `"${chosen}" is not an http(s) URL` }]);
  }
  return chosen.replace(/\/+$/u, '');
}

function hostOf(handle: string): string {
  return URL.canParse(handle) ? new URL(handle).host : handle;
}
