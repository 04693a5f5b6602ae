import { TimeoutError, type Page } from 'puppeteer-core';

// How long the network must stay quiet before a client-rendered page counts as finished.
const NETWORK_IDLE_MS = 500;

/**
 * Waits until an element matches `selector` or the page's network has been idle for 500 ms,
 * whichever comes first, for at most `timeoutMs`; a timeout is not an error (the caller reads
 * whatever the page shows then). `selector` must be valid CSS: Chromium reports an invalid one as
 * "never found", so check it first.
 */
export async function waitForSelectorOrIdle(page: Page, selector: string, timeoutMs: number): Promise<void> {
  const controller = new AbortController();
  // The loser of the race is cancelled through `controller`; its abort and any timeout are expected.
  const settle = (error: unknown): void => {
    if (error instanceof TimeoutError || controller.signal.aborted) return;
    throw error;
  };
  try {
    await Promise.race([
      page.waitForSelector(selector, { timeout: timeoutMs, signal: controller.signal }).then(() => undefined, settle),
      page.waitForNetworkIdle({ idleTime: NETWORK_IDLE_MS, timeout: timeoutMs, signal: controller.signal }).then(() => undefined, settle),
    ]);
  } finally {
    controller.abort();
  }
}
