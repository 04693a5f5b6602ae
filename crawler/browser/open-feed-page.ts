import { TimeoutError, type HTTPResponse, type Page } from 'puppeteer-core';
import { redactUrl } from '../../core/config.js';
import { NotFoundError, OvershareError, PermanentError, PlatformBlockedError, TransientError } from '../../core/errors.js';
import { detectBlockPage } from './detect-block-page.js';
import type { PlatformName } from '../platform-adapter.js';
import { serverWaitMs } from '../server-wait-ms.js';
import { readPageHtml } from './read-page-html.js';

/** The feed page a browser adapter opens, and what a 404 there means. */
export interface FeedPageTarget {
  platform: PlatformName;
  url: string;
  /** What is missing on a 404, for NotFoundError: `threads account`, `facebook page`, `page`. */
  resource: string;
  /** Its name as the user gave it. */
  id: string;
  /** Milliseconds the load may take (BrowserTabs.navigationTimeoutMs). */
  navigationTimeoutMs: number;
  /** Bytes of HTML a refusal page may have for its block reason to be read (BrowserTabs.maxPageBytes). */
  maxPageBytes: number;
  /**
   * True when the adapter judges a 401/403 itself (its own walls and redirects name the reason
   * better): the response is then returned. Default false: PlatformBlockedError here.
   */
  judgesRefusals?: boolean;
}

/**
 * Loads `target.url` in `page` until DOMContentLoaded and returns the main document's response,
 * which is 2xx (or 401/403 with `judgesRefusals`). 404/410 → NotFoundError; 429 and 5xx →
 * TransientError (with the server's Retry-After); 401/403 → PlatformBlockedError (the block
 * page's own reason when it shows one); any other status → PermanentError; a timeout or network
 * failure → TransientError. URLs in messages are redacted (no query); puppeteer's own message,
 * which repeats the URL, is kept only as the cause. Never retries (the core does).
 */
export async function openFeedPage(page: Page, target: FeedPageTarget): Promise<HTTPResponse> {
  const { platform } = target;
  const where = redactUrl(target.url);
  let response: HTTPResponse | null;
  try {
    response = await page.goto(target.url, { waitUntil: 'domcontentloaded', timeout: target.navigationTimeoutMs });
  } catch (error) {
    if (error instanceof OvershareError) throw error;
    // Timeouts, resets and refused connections pass more often than not; the retry budget bounds the cost.
    const what = error instanceof TimeoutError ? `did not load within ${target.navigationTimeoutMs} ms` : 'failed to load (network error)';
    throw new TransientError(`${platform}: ${where} ${what}; it will be retried.`, { cause: error, kind: error instanceof TimeoutError ? 'timeout' : 'network' });
  }
  if (response === null) {
    throw new PermanentError(`${platform}: loading ${where} gave no document; check the account's address.`);
  }
  const status = response.status();
  if (status >= 200 && status < 300) return response;
  if (status === 404 || status === 410) throw new NotFoundError(target.resource, target.id);
  if (status === 429 || status >= 500) {
    const retryAfterMs = serverWaitMs(response.headers());
    throw new TransientError(`${platform}: ${where} answered HTTP ${status}; it will be retried later.`, {
      kind: status === 429 ? 'rate_limited' : 'server_error',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 401 || status === 403) {
    if (target.judgesRefusals === true) return response;
    // Sized first: the block-page check reads the whole document.
    await readPageHtml(page, target.maxPageBytes, platform);
    const reason = (await detectBlockPage(page)) ?? `the server refused the page with HTTP ${status}`;
    throw new PlatformBlockedError(platform, reason);
  }
  throw new PermanentError(`${platform}: ${where} answered HTTP ${status}; check the account's address.`);
}
