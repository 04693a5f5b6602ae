import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PermanentError, PlatformBlockedError, TransientError } from '../../core/errors.js';
import { launchPlainBrowserTabs } from '../../test/support/plain-browser-tabs.js';
import { openFeedPage, type FeedPageTarget } from './open-feed-page.js';

let tabs: Awaited<ReturnType<typeof launchPlainBrowserTabs>>;
let site: Server;
let origin = '';

beforeAll(async () => {
  tabs = await launchPlainBrowserTabs();
  // Answers /<status>: that status, with a small page and, for 429, a Retry-After.
  site = createServer((request, response) => {
    const status = Number(/^\/(\d{3})/u.exec(request.url ?? '')?.[1] ?? '200');
    response.writeHead(status, { 'content-type': 'text/html', ...(status === 429 ? { 'retry-after': '7' } : {}) });
    response.end(`<!DOCTYPE html><html><body><p>Answer ${status}</p></body></html>`);
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await tabs.close();
  site.close();
});

const target = (url: string, changes: Partial<FeedPageTarget> = {}): FeedPageTarget => ({
  platform: 'generic',
  url,
  resource: 'page',
  id: 'acme',
  navigationTimeoutMs: 10_000,
  maxPageBytes: 1_000_000,
  ...changes,
});
const open = (url: string, changes: Partial<FeedPageTarget> = {}): Promise<unknown> =>
  tabs.withPage((page) => openFeedPage(page, target(url, changes)).then((response) => response.status(), (error: unknown) => error));

describe('openFeedPage', () => {
  it('returns the response of a page that answers 200', async () => {
    expect(await open(`${origin}/200`)).toBe(200);
  });

  it('maps 404 to NotFoundError, 429 to TransientError with Retry-After, 503 to TransientError', async () => {
    expect(await open(`${origin}/404`)).toBeInstanceOf(NotFoundError);
    const limited = await open(`${origin}/429`);
    expect(limited).toBeInstanceOf(TransientError);
    expect((limited as TransientError).retryAfterMs).toBe(7_000);
    expect(await open(`${origin}/503`)).toBeInstanceOf(TransientError);
  });

  it('reports 403 as PlatformBlockedError, or returns it to an adapter that judges refusals itself', async () => {
    const refused = await open(`${origin}/403`);
    expect(refused).toBeInstanceOf(PlatformBlockedError);
    expect((refused as PlatformBlockedError).reason).toBe('the server refused the page with HTTP 403');
    expect(await open(`${origin}/403`, { judgesRefusals: true })).toBe(403);
  });

  it('names the page without its query in a PermanentError for any other status', async () => {
    const error = await open(`${origin}/418?token=s3cret`);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe(`generic: ${origin}/418 answered HTTP 418; check the account's address.`);
  });

  it("keeps puppeteer's message, which repeats the URL, out of a failed load's message and in its cause", async () => {
    // A port nobody listens on: the connection is refused.
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await open(`http://127.0.0.1:${port}/feed?token=s3cret`);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe(`generic: http://127.0.0.1:${port}/feed failed to load (network error); it will be retried.`);
    expect(((error as Error).cause as Error).message).toContain('s3cret');
  });
});
