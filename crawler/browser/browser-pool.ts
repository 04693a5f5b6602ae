import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import puppeteer, { TimeoutError, type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { ConfigError, PermanentError, TransientError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { BrowserTabs } from '../platform-adapter.js';
import { findChrome } from './find-chrome.js';
import { prepareTab } from './prepare-tab.js';

/** How the crawler's browser is run (from CRAWL_BROWSER_* and CRAWL_NAVIGATION_TIMEOUT_MS). */
export interface BrowserPoolOptions {
  /** CHROME_PATH; unset → the usual install paths (see findChrome), looked up at the first launch. */
  chromePath: string | undefined;
  /** The guarded forward proxy every browser request (loopback included) goes through. */
  proxyUrl?: string;
  /** Most tabs open at once (CRAWL_BROWSER_PAGES); further `withPage` calls wait in FIFO order. */
  pages: number;
  /** Restart the browser after this many tabs (CRAWL_BROWSER_RECYCLE_AFTER_PAGES), against memory growth. */
  recycleAfterPages: number;
  /** Milliseconds a page load (and any page wait) may take. */
  navigationTimeoutMs: number;
  /** User-Agent of every tab; Chrome's own (which says HeadlessChrome) when unset. */
  userAgent?: string;
  log: Logger;
  /** Milliseconds Chrome may take to start; default 30 000. */
  launchTimeoutMs?: number;
}

/** The crawler's browser: tabs for adapters, plus its life (close) and counters. */
export type BrowserPool = Omit<BrowserTabs, 'maxPageBytes'> & {
  /** Closes the browser and removes its profile; idempotent; later `withPage` calls throw PermanentError. */
  close(): Promise<void>;
  /** Browsers launched so far, tabs handed out so far, tabs open now. */
  stats(): { launches: number; pagesServed: number; open: number };
};

const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;
// Chrome normally exits in well under a second; past this it is treated as hung and killed.
const CLOSE_TIMEOUT_MS = 5_000;
const VERSION_CHECK_TIMEOUT_MS = 10_000;
const runFile = promisify(execFile);

const CHROME_ARGS = [
  // Running as root in a container, where Chrome's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  // No traffic of Chrome's own (updates, sync, translation, field trials): only the pages we read.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // QUIC is UDP, which an HTTP proxy cannot carry; without it every request is TCP through the proxy.
  '--disable-quic',
  '--no-first-run',
  // Docker's /dev/shm is 64 MB, too small for Chrome's shared memory.
  '--disable-dev-shm-usage',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  // WebRTC would otherwise open UDP straight to any address, around the proxy and its guard.
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--disable-extensions',
  '--mute-audio',
];

/** One launched browser and the tabs using it. */
interface Generation {
  readonly browser: Browser;
  readonly pid: number | undefined;
  readonly profileDir: string;
  /** Tabs handed out by this browser (counted for recycling) and tabs open on it now. */
  uses: number;
  activeTabs: number;
  isDisconnected: boolean;
  /** Called when `activeTabs` drops to 0. */
  onIdle: Array<() => void>;
  /** Set once we close it ourselves (so its disconnect is no crash). */
  shutdown: Promise<void> | undefined;
}

/**
 * A lazily launched headless Chrome (puppeteer-core) whose tabs each get a fresh incognito context,
 * at most `pages` at once, with the browser restarted after `recycleAfterPages` tabs or after a crash.
 * With `proxyUrl`, every request of the browser, loopback and WebSockets included, goes through that
 * proxy (where the address guard sits). Tabs also abort, by request interception, any scheme other
 * than http(s)/data/blob and every image, media and font request. WebSocket handshakes are invisible
 * to request interception; Chrome sends ws:// and wss:// through the proxy as CONNECT host:port, so
 * the guard judges them there. Without `proxyUrl` (tests, development) nothing guards addresses.
 */
export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  const log = options.log.child({ module: 'browser-pool' });
  const launchTimeoutMs = options.launchTimeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS;
  const slots = createFifoSlots(Math.max(1, options.pages));
  const recycleAfterPages = Math.max(1, options.recycleAfterPages);
  let chromePath: string | undefined;
  let current: Generation | undefined;
  // Every browser not yet shut down: the current one and any being retired.
  const live = new Set<Generation>();
  let transition: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let isClosed = false;
  let launches = 0;
  let pagesServed = 0;
  let openTabs = 0;

  async function launch(): Promise<Generation> {
    // Looked up here, not at creation, so plain-HTTP crawling runs on a machine without Chrome.
    chromePath ??= findChrome(options.chromePath);
    const profileDir = await mkdtemp(join(tmpdir(), 'overshare-chrome-'));
    // `<-loopback>` removes Chrome's built-in bypass of localhost, so loopback also meets the guard.
    const proxyArgs = options.proxyUrl === undefined ? [] : [`--proxy-server=${options.proxyUrl}`, '--proxy-bypass-list=<-loopback>'];
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: chromePath,
        headless: true,
        // A pipe rather than a debugging port: no page can reach a DevTools port on loopback.
        pipe: true,
        // The command or worker that owns the pool closes it on its own signals; puppeteer's handlers
        // would kill Chrome and exit the process (130) before a scan could stop cleanly.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        // Not our environment: Chrome's renderers would inherit DATABASE_URL and every other secret.
        env: { HOME: profileDir, TZ: 'UTC', LANG: 'C.UTF-8' },
        timeout: launchTimeoutMs,
        protocolTimeout: Math.max(30_000, 2 * options.navigationTimeoutMs),
        args: [...CHROME_ARGS, `--user-data-dir=${profileDir}`, ...proxyArgs],
      });
    } catch (error) {
      await removeProfile(profileDir);
      throw launchError(chromePath, launchTimeoutMs, error, await startupComplaint(chromePath));
    }
    launches += 1;
    const generation: Generation = {
      browser,
      pid: browser.process()?.pid,
      profileDir,
      uses: 0,
      activeTabs: 0,
      isDisconnected: false,
      onIdle: [],
      shutdown: undefined,
    };
    live.add(generation);
    browser.on('disconnected', () => {
      generation.isDisconnected = true;
      if (generation.shutdown === undefined) {
        log.warn({ pid: generation.pid }, 'the browser disconnected unexpectedly; a fresh one starts for the next page');
      }
    });
    log.info({ pid: generation.pid, chromePath, launches, isProxied: options.proxyUrl !== undefined }, 'browser launched');
    if (options.proxyUrl === undefined) {
      log.warn('the browser runs without the guarded proxy: its requests do not pass the address guard');
    }
    return generation;
  }

  /** Replaces `old` (recycled or crashed) by a fresh browser; a recycled one first finishes its tabs. */
  async function replace(old: Generation | undefined): Promise<void> {
    if (old !== undefined) {
      if (!old.isDisconnected) await waitIdle(old);
      current = undefined;
      log.info({ pid: old.pid, uses: old.uses, isCrashed: old.isDisconnected }, 'browser retired');
      await shutDown(old);
    }
    if (isClosed) return;
    current = await launch();
  }

  async function acquireGeneration(): Promise<Generation> {
    for (;;) {
      if (isClosed) throw closedError();
      if (transition !== undefined) {
        // Every tab waiting on a failed launch fails with it; the next withPage tries again.
        await transition;
        continue;
      }
      const generation = current;
      if (generation !== undefined && !generation.isDisconnected && generation.uses < recycleAfterPages) {
        generation.uses += 1;
        generation.activeTabs += 1;
        return generation;
      }
      transition = replace(generation).finally(() => {
        transition = undefined;
      });
    }
  }

  function releaseTab(generation: Generation): void {
    generation.activeTabs -= 1;
    if (generation.activeTabs === 0) {
      for (const resume of generation.onIdle.splice(0)) resume();
    }
  }

  function waitIdle(generation: Generation): Promise<void> {
    if (generation.activeTabs === 0 || isClosed) return Promise.resolve();
    return new Promise((resolve) => generation.onIdle.push(resolve));
  }

  function shutDown(generation: Generation): Promise<void> {
    // Wakes a recycle waiting for this browser's tabs: they fail now, not after their own timeouts.
    for (const resume of generation.onIdle.splice(0)) resume();
    generation.shutdown ??= closeBrowser(generation, log).finally(() => live.delete(generation));
    return generation.shutdown;
  }

  async function runTab<T>(generation: Generation, work: (page: Page) => Promise<T>): Promise<T> {
    let context: BrowserContext | undefined;
    let page: Page | undefined;
    try {
      // Incognito: cookies, storage and cache of one account never reach the next tab.
      context = await generation.browser.createBrowserContext({ downloadBehavior: { policy: 'deny' } });
      page = await context.newPage();
      await prepareTab(page, options, log);
      return await work(page);
    } catch (error) {
      // Closed under the tab: crashed, or shut down by close(). Chrome may close the tab before the
      // connection drops, so a shutdown under way counts too.
      if (generation.isDisconnected || generation.shutdown !== undefined || !generation.browser.connected) {
        const where = page === undefined ? 'a new tab' : page.url();
        throw new TransientError(
          `the browser closed while reading ${where}; the page will be read again with a fresh browser`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      if (context !== undefined && generation.browser.connected) {
        await context.close().catch((error: unknown) => {
          log.debug({ err: error }, 'closing a tab context failed');
        });
      }
    }
  }

  return {
    navigationTimeoutMs: options.navigationTimeoutMs,

    async withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
      if (isClosed) throw closedError();
      await slots.acquire();
      try {
        const generation = await acquireGeneration();
        pagesServed += 1;
        openTabs += 1;
        try {
          return await runTab(generation, work);
        } finally {
          openTabs -= 1;
          releaseTab(generation);
        }
      } finally {
        slots.release();
      }
    },

    close(): Promise<void> {
      closing ??= (async () => {
        isClosed = true;
        slots.rejectWaiting(closedError());
        await Promise.all([...live].map(shutDown));
        if (transition !== undefined) await transition.catch(() => undefined);
        // A launch that was under way when close() began has finished by now.
        await Promise.all([...live].map(shutDown));
        current = undefined;
        log.info({ launches, pagesServed }, 'browser pool closed');
      })();
      return closing;
    },

    stats: () => ({ launches, pagesServed, open: openTabs }),
  };
}

async function closeBrowser(generation: Generation, log: Logger): Promise<void> {
  const chrome = generation.browser.process();
  try {
    // An unreferenced timer: a hung Chrome is killed below, and the timer never holds the process open.
    await Promise.race([generation.browser.close(), delay(CLOSE_TIMEOUT_MS, undefined, { ref: false })]);
  } catch (error) {
    log.debug({ err: error, pid: generation.pid }, 'closing the browser gracefully failed');
  }
  // Chrome was started as the leader of its own process group: this also ends helpers (zygote,
  // renderers) that outlived a crashed or hung main process.
  if (generation.pid !== undefined) killProcessGroup(generation.pid, log);
  if (chrome !== null && chrome.exitCode === null && chrome.signalCode === null) {
    await once(chrome, 'exit');
  }
  await removeProfile(generation.profileDir);
}

function killProcessGroup(pid: number, log: Logger): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the whole group has already exited, which is the usual case after a clean close.
    if (!(error instanceof Error && 'code' in error && error.code === 'ESRCH')) {
      log.warn({ err: error, pid }, 'ending the browser process group failed');
    }
  }
}

async function removeProfile(profileDir: string): Promise<void> {
  // Retries: Chrome helpers may still be writing into the profile for a moment after it exits.
  await rm(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

function launchError(chromePath: string, launchTimeoutMs: number, error: unknown, complaint: string | undefined): Error {
  const message = error instanceof Error ? error.message : 'unknown error';
  if (error instanceof TimeoutError) {
    const reason = `Chrome at ${chromePath} did not start within ${launchTimeoutMs} ms (${message})`;
    return new TransientError(`${reason}; the machine may be overloaded, the page will be tried again`, { cause: error });
  }
  const said = complaint === undefined ? '' : `\n${chromePath} --version says: ${complaint}`;
  return new ConfigError(
    `Chrome at ${chromePath} failed to start: ${message}${said}\nA missing shared library means an incomplete install: ` +
      'install the distribution package (apt-get install chromium), or set CHROME_PATH to a Chrome that runs.',
    { cause: error },
  );
}

/**
 * What Chrome prints when it cannot even report its version (missing shared library, broken install),
 * else undefined. Over a pipe, puppeteer's launch error lacks Chrome's stderr; this short run recovers it.
 */
async function startupComplaint(chromePath: string): Promise<string | undefined> {
  try {
    await runFile(chromePath, ['--version'], { timeout: VERSION_CHECK_TIMEOUT_MS });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : error instanceof Error ? error.message : '';
    return text.slice(-1_000);
  }
}

function closedError(): PermanentError {
  return new PermanentError('the browser pool is closed, so no page can be opened (the crawler is shutting down)');
}

/** A counting semaphore that hands free slots to waiters in arrival order. */
function createFifoSlots(size: number) {
  let inUse = 0;
  const waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  return {
    acquire(): Promise<void> {
      if (inUse < size && waiting.length === 0) {
        inUse += 1;
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    release(): void {
      const next = waiting.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next === undefined) inUse -= 1;
      else next.resolve();
    },
    rejectWaiting(error: Error): void {
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    },
  };
}
