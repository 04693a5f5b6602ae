import puppeteer, { type Browser } from 'puppeteer-core';
import type { BrowserTabs } from '../../crawler/platform-adapter.js';

/**
 * A bare browser for a browser adapter's own tests against the fixture server: Debian's Chromium,
 * one incognito context per page, no proxy and no guard (the crawler's browser pool adds those,
 * and its tests cover them).
 */
export async function launchPlainBrowserTabs(): Promise<BrowserTabs & { close(): Promise<void> }> {
  const browser: Browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    navigationTimeoutMs: 15_000,
    maxPageBytes: 10_485_760,
    async withPage(work) {
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        return await work(page);
      } finally {
        await context.close();
      }
    },
    async close() {
      await browser.close();
    },
  };
}
