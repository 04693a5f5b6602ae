import type { HTTPResponse, Page } from 'puppeteer-core';
import { NotFoundError, OvershareError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import type { PlatformName } from '../../platform-adapter.js';
import { serverWaitMs } from '../../server-wait-ms.js';

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
}

/**
 * Loads `target.url` in `page` until DOMContentLoaded and returns the main document's 2xx response.
 * 404/410 → NotFoundError; 429 and 5xx → TransientError (with the server's Retry-After); 401/403 →
 * PlatformBlockedError (the block page's own reason when it shows one); any other status →
 * PermanentError; a timeout or network failure → TransientError. Never retries (the core does).
 */
export async function openFeedPage(page: Page, target: FeedPageTarget): Promise<HTTPResponse> {
  const { platform, url } = target;
  let response: HTTPResponse | null;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: target.navigationTimeoutMs });
  } catch (error) {
    if (error instanceof OvershareError) throw error;
    // Timeouts, resets and refused connections pass more often than not; the retry budget bounds the cost.
    const detail = error instanceof Error ? error.message : 'unknown error';
    throw new TransientError(`${platform}: loading ${url} failed (${detail}); it will be retried.`, { cause: error });
  }
  if (response === null) {
    throw new PermanentError(`${platform}: loading ${url} gave no document; check the account's address.`);
  }
  const status = response.status();
  if (status >= 200 && status < 300) return response;
  if (status === 404 || status === 410) throw new NotFoundError(target.resource, target.id);
  if (status === 429 || status >= 500) {
    const retryAfterMs = serverWaitMs(response.headers());
    throw new TransientError(`${platform}: ${url} answered HTTP ${status}; it will be retried later.`, {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 401 || status === 403) {
    const reason = (await detectBlockPage(page)) ?? `the server refused the page with HTTP ${status}`;
    throw new PlatformBlockedError(platform, reason);
  }
  throw new PermanentError(`${platform}: ${url} answered HTTP ${status}; check the account's address.`);
}
