import type { HTTPRequest, Page } from 'puppeteer-core';
import type { Logger } from '../../core/logger.js';

const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'data:', 'blob:']);
// Adapters read image URLs from the DOM and fetch them later through the guard (fetchMedia), so
// the browser never needs the bytes of images, video, audio or fonts: aborting them saves bandwidth.
const SKIPPED_RESOURCE_TYPES = new Set(['image', 'media', 'font']);

/** Sets up a fresh tab: user agent, timeouts, no cache, no service workers, and the request filter. */
export async function prepareTab(page: Page, options: { userAgent?: string | undefined; navigationTimeoutMs: number }, log: Logger): Promise<void> {
  if (options.userAgent !== undefined) await page.setUserAgent({ userAgent: options.userAgent });
  page.setDefaultNavigationTimeout(options.navigationTimeoutMs);
  // Every scan must see the platform as it is now, and every request must reach the guard.
  await page.setCacheEnabled(false);
  page.setDefaultTimeout(options.navigationTimeoutMs);
  // A service worker's own fetches would not pass this tab's interception.
  await page.setBypassServiceWorker(true);
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    const resolution = isRequestAllowed(request)
      ? // Cooperative (with a priority): an adapter may still answer or abort it with its own handler.
        request.continue(request.continueRequestOverrides(), 0)
      : // Immediate: no later handler can undo the abort.
        request.abort('blockedbyclient');
    resolution.catch((error: unknown) => {
      // The tab may close while a request is paused; nothing is left to answer then.
      log.debug({ err: error }, 'resolving an intercepted request failed');
    });
  });
}

function isRequestAllowed(request: HTTPRequest): boolean {
  if (SKIPPED_RESOURCE_TYPES.has(request.resourceType())) return false;
  try {
    return ALLOWED_SCHEMES.has(new URL(request.url()).protocol);
  } catch {
    return false;
  }
}

