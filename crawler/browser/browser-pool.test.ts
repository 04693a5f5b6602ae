import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, PermanentError, TransientError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { createBrowserPool, type BrowserPool, type BrowserPoolOptions } from './browser-pool.js';

const CHROME = '/usr/bin/chromium';
const log = createLogger({ level: 'silent' });
function poolOptions(overrides: Partial<BrowserPoolOptions> = {}): BrowserPoolOptions {
  return { chromePath: CHROME, pages: 2, recycleAfterPages: 100, navigationTimeoutMs: 10_000, log, ...overrides };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
/** The site the tabs read: cookies set and echoed, a page with an image, hits recorded. */
const siteHits: string[] = [];
const site = createServer((req: IncomingMessage, res: ServerResponse) => {
  siteHits.push(req.url ?? '');
  if (req.url === '/set-cookie') {
    res.setHeader('set-cookie', 'session=alpha; Path=/');
    res.setHeader('content-type', 'text/html');
    res.end('<html><body>cookie set</body></html>');
  } else if (req.url === '/echo-cookie') {
    res.setHeader('content-type', 'text/plain');
    res.end(`cookie: ${req.headers.cookie ?? '(none)'}`);
  } else if (req.url === '/pixel.png') {
    res.setHeader('content-type', 'image/png');
    res.end(Buffer.from('89504e470d0a1a0a', 'hex'));
  } else {
    res.setHeader('content-type', 'text/html');
    res.end('<html><head><title>plain page</title></head><body><img id="photo" src="/pixel.png"><p>hello</p></body></html>');
  }
});
// WebSocket handshakes that reach the site directly, not through a proxy.
let siteUpgrades = 0;
site.on('upgrade', (_req, socket) => {
  siteUpgrades += 1;
  socket.destroy();
});
let siteUrl = '';

beforeAll(async () => {
  siteUrl = await listen(site);
});
afterAll(async () => {
  await stop(site);
});

function pidOf(page: Page): number {
  const pid = page.browser().process()?.pid;
  if (pid === undefined) throw new Error('the browser has no process');
  return pid;
}

function profileDirOf(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const flag = args.find((arg) => arg.startsWith('--user-data-dir='));
  if (flag === undefined) throw new Error(`process ${pid} has no --user-data-dir`);
  return flag.slice('--user-data-dir='.length);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Live processes whose command line names `text` (zombies have an empty command line). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);
}

/** Loads `url` in the tab and returns the body the tab received. */
async function bodyText(page: Page, url: string): Promise<string> {
  const response = await page.goto(url);
  return response === null ? '' : response.text();
}

/** Evaluates `expression` in the tab (a string: this project's TypeScript has no DOM types). */
async function inPage(page: Page, expression: string): Promise<unknown> {
  return page.evaluate(expression);
}

describe('createBrowserPool', () => {
  let pool: BrowserPool;
  beforeAll(() => {
    pool = createBrowserPool(poolOptions({ pages: 2 }));
  });
  afterAll(async () => {
    await pool.close();
  });

  it('runs tabs concurrently up to `pages` and queues the rest', async () => {
    const total = 5;
    let running = 0;
    let maxRunning = 0;
    let started = 0;
    const startOrder: number[] = [];
    const waiting: Array<() => void> = [];
    const tasks = Array.from({ length: total }, (_, index) =>
      pool.withPage(async () => {
        startOrder.push(index);
        started += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        expect(pool.stats().open).toBeLessThanOrEqual(2);
        for (const recheck of waiting.splice(0)) recheck();
        // Each tab holds its slot until a second tab runs beside it (or none is left to come): this
        // hangs if tabs ran one at a time, and shows a third at once if the limit did not hold.
        await new Promise<void>((resolve) => {
          const check = () => {
            if (running === 2 || started === total) resolve();
            else waiting.push(check);
          };
          check();
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
      }),
    );
    await Promise.all(tasks);
    expect(maxRunning).toBe(2);
    // The first two hold both slots until both run, so the queued three cannot start before them.
    expect(startOrder.slice(0, 2).sort()).toEqual([0, 1]);
    expect(pool.stats()).toMatchObject({ launches: 1, pagesServed: 5, open: 0 });
  });

  it('gives every tab a fresh incognito context: a cookie does not reach the next tab', async () => {
    const inSameTab = await pool.withPage(async (page) => {
      await page.goto(`${siteUrl}/set-cookie`);
      return bodyText(page, `${siteUrl}/echo-cookie`);
    });
    expect(inSameTab).toContain('session=alpha');
    const inNextTab = await pool.withPage((page) => bodyText(page, `${siteUrl}/echo-cookie`));
    expect(inNextTab).toContain('cookie: (none)');
  });

  it('starts Chrome without this process\'s environment, so no secret reaches a renderer', async () => {
    const names = await pool.withPage((page) => Promise.resolve(readFileSync(`/proc/${pidOf(page)}/environ`, 'utf8').split('\0').map((entry) => entry.split('=')[0] ?? '')));
    // Ours are HOME, LANG and TZ; Debian's chromium wrapper adds CHROME*, CHROMIUM_FLAGS, GOOGLE_*, PWD. No PATH, no DATABASE_URL.
    expect(names.filter((name) => name !== '' && !/^(CHROME|CHROMIUM_|GOOGLE_|PWD$)/u.test(name)).sort()).toEqual(['HOME', 'LANG', 'TZ']);
  });

  it('blocks file: URLs by request interception', async () => {
    await pool.withPage(async (page) => {
      await expect(page.goto('file:///etc/passwd')).rejects.toThrow(/ERR_BLOCKED_BY_CLIENT/);
      expect(await page.content()).not.toContain('root:');
      await page.goto(siteUrl);
      const fetched = await page.evaluate(() =>
        fetch('file:///etc/passwd').then(
          (response) => response.text(),
          () => 'refused',
        ),
      );
      expect(fetched).toBe('refused');
    });
  });

  it('does not download images but leaves their URLs in the page', async () => {
    siteHits.length = 0;
    const src = await pool.withPage(async (page) => {
      await page.goto(`${siteUrl}/with-image`);
      return inPage(page, `[document.querySelector('#photo').src, document.querySelector('#photo').naturalWidth]`);
    });
    expect(src).toEqual([`${siteUrl}/pixel.png`, 0]);
    expect(siteHits).toContain('/with-image');
    expect(siteHits).not.toContain('/pixel.png');
  });

  it('sets the user agent and navigation timeout of each tab', async () => {
    const agentPool = createBrowserPool(poolOptions({ userAgent: 'overshare-test/1.0', navigationTimeoutMs: 7_000 }));
    try {
      const seen = await agentPool.withPage(async (page) => ({
        userAgent: await inPage(page, 'navigator.userAgent'),
        timeout: page.getDefaultNavigationTimeout(),
      }));
      expect(seen).toEqual({ userAgent: 'overshare-test/1.0', timeout: 7_000 });
      expect(agentPool.navigationTimeoutMs).toBe(7_000);
    } finally {
      await agentPool.close();
    }
  });

  it('fails the tab in flight with a TransientError when the browser dies, and relaunches for the next', async () => {
    const launchesBefore = pool.stats().launches;
    let crashedPid = 0;
    const reading = pool.withPage(async (page) => {
      await page.goto(siteUrl);
      crashedPid = pidOf(page);
      process.kill(crashedPid, 'SIGKILL');
      await page.evaluate(() => new Promise(() => undefined));
    });
    await expect(reading).rejects.toBeInstanceOf(TransientError);
    await expect(reading).rejects.toThrow(`the browser closed while reading ${siteUrl}/`);

    const title = await pool.withPage(async (page) => {
      expect(pidOf(page)).not.toBe(crashedPid);
      await page.goto(siteUrl);
      return page.title();
    });
    expect(title).toBe('plain page');
    expect(pool.stats().launches).toBe(launchesBefore + 1);
  });

  it('closes without leaving a process or profile, fails queued and later tabs, and closes again quietly', async () => {
    const small = createBrowserPool(poolOptions({ pages: 1 }));
    let pid = 0;
    let opened: () => void = () => undefined;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const inFlight = small.withPage(async (page) => {
      pid = pidOf(page);
      opened();
      await page.evaluate(() => new Promise(() => undefined));
    });
    const queued = small.withPage(() => Promise.resolve('never'));
    // Kept as settled values: both fail during close(), before the assertions below look at them.
    const inFlightOutcome = inFlight.then(() => 'resolved', (error: unknown) => error);
    const queuedOutcome = queued.then(() => 'resolved', (error: unknown) => error);
    await isOpen;
    const profileDir = profileDirOf(pid);
    expect(existsSync(profileDir)).toBe(true);

    await small.close();
    expect(await inFlightOutcome).toBeInstanceOf(TransientError);
    expect(await queuedOutcome).toBeInstanceOf(PermanentError);
    expect(isRunning(pid)).toBe(false);
    await expect.poll(() => processesNaming(profileDir), { timeout: 5_000 }).toEqual([]);
    expect(existsSync(profileDir)).toBe(false);

    await small.close();
    await expect(small.withPage(() => Promise.resolve(1))).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('createBrowserPool recycling', () => {
  it('relaunches after `recycleAfterPages` tabs and removes the old browser and profile', async () => {
    const pool = createBrowserPool(poolOptions({ pages: 2, recycleAfterPages: 2 }));
    try {
      const pids: number[] = [];
      let firstProfileDir = '';
      for (let use = 0; use < 3; use += 1) {
        pids.push(
          await pool.withPage((page) => {
            if (use === 0) firstProfileDir = profileDirOf(pidOf(page));
            return Promise.resolve(pidOf(page));
          }),
        );
      }
      const [first, second, third] = pids as [number, number, number];
      expect(second).toBe(first);
      expect(third).not.toBe(first);
      expect(pool.stats()).toMatchObject({ launches: 2, pagesServed: 3 });
      expect(isRunning(first)).toBe(false);
      expect(existsSync(firstProfileDir)).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('lets the tabs in flight finish before recycling', async () => {
    const pool = createBrowserPool(poolOptions({ pages: 2, recycleAfterPages: 1 }));
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let opened: () => void = () => undefined;
      const isOpen = new Promise<void>((resolve) => (opened = resolve));
      const first = pool.withPage(async (page) => {
        opened();
        await held;
        // Still usable: the recycle waits for this tab.
        return bodyText(page, siteUrl);
      });
      await isOpen;
      const second = pool.withPage((page) => Promise.resolve(pidOf(page)));
      release();
      expect(await first).toContain('hello');
      expect(await second).toBeGreaterThan(0);
      expect(pool.stats().launches).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('createBrowserPool through a proxy', () => {
  const proxied: string[] = [];
  // A recording forward proxy: absolute-form requests to loopback are forwarded, anything else refused.
  const proxy = createServer((req, res) => {
    const target = req.url ?? '';
    proxied.push(`${req.method ?? ''} ${target}`);
    if (!target.startsWith('http://127.0.0.1:')) {
      res.writeHead(403).end();
      return;
    }
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  proxy.on('connect', (req: IncomingMessage, socket) => {
    proxied.push(`CONNECT ${req.url ?? ''}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  let pool: BrowserPool;

  beforeAll(async () => {
    const proxyUrl = await listen(proxy);
    pool = createBrowserPool(poolOptions({ proxyUrl }));
  });
  afterAll(async () => {
    await pool.close();
    await stop(proxy);
  });

  it('sends requests to loopback through the proxy', async () => {
    const text = await pool.withPage((page) => bodyText(page, `${siteUrl}/echo-cookie`));
    expect(text).toContain('cookie: (none)');
    expect(proxied).toContain(`GET ${siteUrl}/echo-cookie`);
  });

  it('sends WebSockets through the proxy as CONNECT', async () => {
    const upgradesBefore = siteUpgrades;
    const outcome = await pool.withPage(async (page) => {
      await page.goto(siteUrl);
      return page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve('open');
            socket.onerror = () => resolve('error');
          }),
        `${siteUrl.replace('http:', 'ws:')}/socket`,
      );
    });
    expect(outcome).toBe('error');
    expect(proxied).toContain(`CONNECT ${siteUrl.slice('http://'.length)}`);
    expect(siteUpgrades).toBe(upgradesBefore);
  });
});

describe('createBrowserPool without a usable Chrome', () => {
  const dir = mkdtempSync(join(tmpdir(), 'browser-pool-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function overshareProfiles(): string[] {
    return readdirSync(tmpdir()).filter((name) => name.startsWith('overshare-chrome-'));
  }

  it('does not look for Chrome until the first tab, then throws a ConfigError', async () => {
    const pool = createBrowserPool(poolOptions({ chromePath: join(dir, 'no-chrome') }));
    await expect(pool.withPage(() => Promise.resolve(1))).rejects.toBeInstanceOf(ConfigError);
    expect(pool.stats().launches).toBe(0);
    await pool.close();
  });

  it("reports Chrome's own message when it fails to start, and removes the profile", async () => {
    const brokenChrome = join(dir, 'broken-chrome');
    writeFileSync(
      brokenChrome,
      '#!/bin/sh\necho "chromium: error while loading shared libraries: libnss3.so: cannot open shared object file" >&2\nexit 127\n',
    );
    chmodSync(brokenChrome, 0o755);
    const profilesBefore = overshareProfiles();
    const pool = createBrowserPool(poolOptions({ chromePath: brokenChrome }));
    const failure = pool.withPage(() => Promise.resolve(1));
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow('libnss3.so');
    await expect(failure).rejects.toThrow('apt-get install chromium');
    expect(overshareProfiles()).toEqual(profilesBefore);
    await pool.close();
  });
});
