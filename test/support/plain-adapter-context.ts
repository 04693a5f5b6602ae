import { createLogger } from '../../core/logger.js';
import type { AdapterContext, BrowserTabs, PageFetcher } from '../../crawler/platform-adapter.js';

/**
 * A bare adapter context for an adapter's own tests against the fixture server: plain `fetch`,
 * no guard, no politeness, no retries (the crawler core adds those, and its tests cover them).
 * Redirects are followed, as the guarded fetcher follows them after checking each one.
 */
export function plainPageFetcher(): PageFetcher {
  return {
    async getText(url, options) {
      const response = await fetch(url, {
        redirect: 'follow',
        headers: { accept: options?.accept ?? 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', ...options?.headers },
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const charset = /charset=([\w-]+)/iu.exec(response.headers.get('content-type') ?? '')?.[1] ?? 'utf-8';
      return {
        url: response.url,
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        text: new TextDecoder(charset).decode(bytes),
      };
    },
  };
}

const noBrowser: BrowserTabs = {
  navigationTimeoutMs: 10_000,
  maxPageBytes: 10_485_760,
  withPage() {
    return Promise.reject(new Error('this test context has no browser'));
  },
};

/** A context with the plain fetcher and, unless given, no browser. */
export function plainAdapterContext(browser: BrowserTabs = noBrowser): AdapterContext {
  return { http: plainPageFetcher(), browser, log: createLogger({ level: 'silent' }), signal: new AbortController().signal };
}
