import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { generateFixtureNetwork, type FixturePost } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { rssFixture } from '../../../test/fixture-platform/platforms/rss-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import type { AccountCursor, CollectedPost } from '../../platform-adapter.js';
import { parseFeed } from './parse-feed.js';
import { loadConfig } from '../../../core/config.js';
import { createLogger } from '../../../core/logger.js';
import { collectPosts } from '../../collect-posts.js';
import { createCrawler } from '../../create-crawler.js';
import { rssAdapter } from './rss-adapter.js';

// Accounts take turns on the feed their home page names: RSS UTF-8, windows-1251, Atom, ISO-8859-2.
const HANDLES = ['acme', 'borys', 'celina', 'dorota'] as const;
const network = generateFixtureNetwork({ accounts: 4, postsPerAccount: 30, imageShare: 0.5, repostShare: 0.2, handles: HANDLES });
let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer(network, [rssFixture]);
});
afterEach(() => server.clearFaults());
afterAll(() => server.close());

const fetchFeed = (handle: string, baseUrl = server.baseUrl('rss')) =>
  rssAdapter.fetchPage({ account: { platform: 'rss', handle }, baseUrl, pageToken: undefined }, plainAdapterContext());

const published = (handle: string): FixturePost[] => network.accounts.get(handle)!.posts.filter((post) => !post.isRepost);
const byTag = (posts: CollectedPost[], handle: string, post: FixturePost) => posts.find((collected) => collected.text.endsWith(`#${handle}-${post.id}`));

describe('rssAdapter against the fixture blogs', () => {
  it.each(HANDLES)("finds %s's feed from its home page and reads every post, newest first, on one page", async (handle) => {
    const page = await fetchFeed(handle);
    expect(page.nextPage).toBeUndefined();
    expect(page.posts).toHaveLength(published(handle).length);
    const times = page.posts.map((post) => post.publishedAt);
    expect(times).toEqual([...times].sort().reverse());
    for (const post of published(handle)) {
      const collected = byTag(page.posts, handle, post);
      expect(collected, `post ${post.id}`).toBeDefined();
      expect(collected?.text).toBe(post.text);
      expect(collected?.publishedAt).toBe(post.publishedAt.toISOString());
      expect(collected?.permalink).toMatch(new RegExp(`^${server.baseUrl('rss')}/${handle}/\\d{4}/\\d{2}/\\d{2}/post-${post.id}/$`, 'u'));
      expect(collected?.media.map((media) => [media.url, media.kind])).toEqual(
        post.images.map((image) => [`${server.origin}/media/${image.id}.jpg`, 'image']),
      );
      expect(collected?.isRepost).toBe(false);
    }
  });

  it('keeps the alt text Media RSS carries and skips the tracking pixel', async () => {
    const page = await fetchFeed('acme');
    const withImage = published('acme').find((post) => post.images.length > 0)!;
    expect(byTag(page.posts, 'acme', withImage)?.media[0]?.alt).toBe(withImage.images[0]?.alt);
    expect(page.posts.flatMap((post) => post.media).some((media) => media.url.includes('pixel'))).toBe(false);
  });

  it('picks the posts feed over the comments feed the page names first', async () => {
    await fetchFeed('acme');
    expect(server.requests.some((request) => request.path.includes('/comments/'))).toBe(false);
  });

  it('decodes Cyrillic from windows-1251 and Polish from ISO-8859-2, and Greek from their numeric references', async () => {
    const texts = async (handle: string) => (await fetchFeed(handle)).posts.map((post) => post.text).join('\n');
    const cyrillic = await texts('borys');
    const polish = await texts('dorota');
    expect(cyrillic).toMatch(/Сапсан|Сьогодні/u);
    expect(polish).toMatch(/Zażółć gęślą jaźń/u);
    expect(`${cyrillic}\n${polish}`).toMatch(/Καλημέρα/u);
  });

  it('reads a feed URL given as the handle, with no base URL', async () => {
    const page = await fetchFeed(`${server.baseUrl('rss')}/celina/feed-latin2.xml`, '');
    expect(page.posts.map((post) => post.text)).toEqual(published('celina').map((post) => post.text));
  });

  it('serves a windows-1251 feed whose only charset is its XML declaration, readable once decoded by it', async () => {
    const response = await fetch(`${server.baseUrl('rss')}/borys/feed-unlabelled.xml`);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const bytes = Buffer.from(await response.arrayBuffer());
    const declared = /encoding="([^"]+)"/u.exec(bytes.subarray(0, 100).toString('latin1'))?.[1];
    expect(declared).toBe('windows-1251');
    const posts = parseFeed(new TextDecoder(declared).decode(bytes), response.url, 'rss');
    expect(posts.map((post) => post.text)).toEqual(published('borys').map((post) => post.text));
  });

  it('throws NotFoundError for a blog that does not exist', async () => {
    await expect(fetchFeed('nobody')).rejects.toThrow(NotFoundError);
  });

  it('throws PlatformBlockedError for a bot check in front of the blog', async () => {
    server.setFault('rss', { kind: 'login-wall' });
    await expect(fetchFeed('acme')).rejects.toThrow(PlatformBlockedError);
  });

  it('throws a PermanentError naming the platform for a truncated feed', async () => {
    server.setFault('rss', { kind: 'malformed' });
    const error: unknown = await fetchFeed(`${server.baseUrl('rss')}/acme/feed.xml`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^rss: .* is not valid RSS or Atom/u);
  });

  it('refuses a handle that is neither a URL nor a host, without a base URL, as InputValidationError on the handle', async () => {
    const error: unknown = await fetchFeed('just words', '').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((issue) => issue.path)).toEqual(['handle']);
  });

  it('refuses an address that is not a valid URL or not http(s) as InputValidationError on the handle', async () => {
    for (const handle of ['https://exa mple.com/feed', 'ftp://blog.example/feed.xml', 'http://[::1/feed']) {
      const error: unknown = await fetchFeed(handle, '').catch((caught: unknown) => caught);
      expect(error, handle).toBeInstanceOf(InputValidationError);
    }
  });
});

describe('rssAdapter on a rescan', () => {
  // delta's home page names its RSS feed.xml, foxtrot's its atom.xml.
  const rescanNetwork = generateFixtureNetwork({ accounts: 3, postsPerAccount: 20, repostShare: 0, handles: ['delta', 'echo', 'foxtrot'], seed: 4 });
  let rescanServer: FixtureServer;
  beforeAll(async () => {
    rescanServer = await startFixtureServer(rescanNetwork, [rssFixture]);
  });
  afterAll(() => rescanServer.close());

  const collect = (handle: string, cursor?: AccountCursor, context = plainAdapterContext()) =>
    collectPosts(rssAdapter, { platform: 'rss', handle }, rescanServer.baseUrl('rss'), context, { backfillPosts: 100, ...(cursor === undefined ? {} : { cursor }) });
  const requestsOf = async <T>(work: () => Promise<T>): Promise<{ sent: string[]; result: T }> => {
    const before = rescanServer.requests.length;
    const result = await work();
    return { sent: rescanServer.requests.slice(before).map((request) => `${request.path} ${request.status}`), result };
  };

  it.each([
    ['delta', 'feed.xml'],
    ['foxtrot', 'atom.xml'],
  ])("asks %s's remembered %s alone on a rescan and returns exactly the new posts", async (handle, file) => {
    const first = await requestsOf(() => collect(handle));
    expect(first.sent).toEqual([`/rss/${handle} 301`, `/rss/${handle}/ 200`, `/rss/${handle}/${file} 200`]);
    expect(first.result.posts).toHaveLength(20);
    const added = rescanNetwork.publish(handle, 3);
    const rescan = await requestsOf(() => collect(handle, first.result.cursor));
    expect(rescan.sent).toEqual([`/rss/${handle}/${file} 200`]);
    expect(rescan.result.posts.map((post) => post.text)).toEqual(added.reverse().map((post) => post.text));
  });

  it.each([
    ['delta', 'feed.xml'],
    ['foxtrot', 'atom.xml'],
  ])("gets 304 for %s's unchanged %s in one request and returns nothing", async (handle, file) => {
    const { cursor } = await collect(handle);
    const rescan = await requestsOf(() => collect(handle, cursor));
    expect(rescan.sent).toEqual([`/rss/${handle}/${file} 304`]);
    expect(rescan.result).toMatchObject({ posts: [], cursor });
  });

  it('asks a feed URL it has not read before conditionally, with the cursor’s time as If-Modified-Since', async () => {
    const newest = rescanNetwork.accounts.get('echo')!.posts[0]!;
    // The legacy feeds' guid is the permalink.
    const permalink = `${rescanServer.baseUrl('rss')}/echo/${newest.publishedAt.toISOString().slice(0, 10).replace(/-/gu, '/')}/post-${newest.id}/`;
    const cursor = { externalId: permalink, publishedAt: newest.publishedAt.toISOString() };
    const feedUrl = `${rescanServer.baseUrl('rss')}/echo/feed-latin2.xml`;
    const unchanged = await requestsOf(() => collect(feedUrl, cursor));
    expect(unchanged.sent).toEqual(['/rss/echo/feed-latin2.xml 304']);
    const added = rescanNetwork.publish('echo', 2);
    const changed = await requestsOf(() => collect(feedUrl, cursor));
    expect(changed.sent).toEqual(['/rss/echo/feed-latin2.xml 200']);
    expect(changed.result.posts.map((post) => post.text)).toEqual(added.reverse().map((post) => post.text));
  });

  it('passes a 304 through the guarded fetcher of the crawler as an empty page', async () => {
    const crawler = createCrawler({ ...loadConfig({}).crawl, allowedPrivateHosts: ['127.0.0.1'], requestsPerSecond: 1_000 }, createLogger({ level: 'silent' }));
    try {
      const account = { platform: 'rss' as const, handle: 'delta', baseUrl: rescanServer.baseUrl('rss') };
      const first = await crawler.collect(account);
      // Posts are expected (the account had some): a 304 still means nothing new, not an empty feed.
      const rescan = await requestsOf(() => crawler.collect(account, { ...(first.cursor === undefined ? {} : { cursor: first.cursor }), expectPosts: true }));
      expect(rescan.sent).toEqual(['/rss/delta/feed.xml 304']);
      expect(rescan.result).toMatchObject({ posts: [], stoppedBecause: 'end', cursor: first.cursor });
    } finally {
      await crawler.close();
    }
  });
});

describe('rssAdapter with a remembered feed that moved', () => {
  let site: Server;
  let origin = '';
  let feedName = 'old.xml';
  const sent: string[] = [];
  const feed = (name: string) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Blog</title>
<item><guid>${name}-1</guid><link>https://blog.example/1</link><title>Post in ${name}</title><pubDate>Fri, 20 Nov 2026 12:00:00 GMT</pubDate></item></channel></rss>`;

  beforeAll(async () => {
    site = createServer((request, response) => {
      sent.push(request.url ?? '');
      if (request.url === '/blog/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(`<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="${feedName}"></head><body>Blog</body></html>`);
      } else if (request.url === `/blog/${feedName}`) {
        response.writeHead(200, { 'content-type': 'application/rss+xml' });
        response.end(feed(feedName));
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
      }
    });
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    site.close();
  });

  it('forgets a remembered feed that is gone and finds the one the page names now', async () => {
    const read = () => rssAdapter.fetchPage({ account: { platform: 'rss', handle: `${origin}/blog/` }, baseUrl: '', pageToken: undefined }, plainAdapterContext());
    // Guids that are not URLs are unique in their own feed only: the feed's URL comes first.
    expect((await read()).posts.map((post) => post.externalId)).toEqual([`${origin}/blog/old.xml#old.xml-1`]);
    expect((await read()).posts.map((post) => post.externalId)).toEqual([`${origin}/blog/old.xml#old.xml-1`]);
    feedName = 'new.xml';
    expect((await read()).posts.map((post) => post.externalId)).toEqual([`${origin}/blog/new.xml#new.xml-1`]);
    expect(sent).toEqual(['/blog/', '/blog/old.xml', '/blog/old.xml', '/blog/old.xml', '/blog/', '/blog/new.xml']);
  });
});

describe('rssAdapter against pages that are not feeds', () => {
  let pages: Server;
  let origin = '';
  const bodies: Record<string, string> = {
    '/plain': '<!DOCTYPE html><html><head><title>Shop</title></head><body><p>No feed here</p></body></html>',
    '/login': '<!DOCTYPE html><html><body><form action="/session" method="post"><input name="user"><input type="password" name="pass"></form></body></html>',
    '/data.json': '{"items":[]}',
  };

  beforeAll(async () => {
    pages = createServer((request, response) => {
      const body = bodies[request.url ?? ''];
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': request.url?.endsWith('.json') === true ? 'application/json' : 'text/html; charset=utf-8' });
      response.end(body ?? 'not found');
    });
    pages.listen(0, '127.0.0.1');
    await once(pages, 'listening');
    origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    pages.close();
  });

  it('says a page names no feed', async () => {
    await expect(fetchFeed(`${origin}/plain`, '')).rejects.toThrow(/names no RSS or Atom feed/u);
  });

  it('takes a login form for a login wall', async () => {
    await expect(fetchFeed(`${origin}/login`, '')).rejects.toThrow(PlatformBlockedError);
  });

  it('refuses JSON as not RSS or Atom', async () => {
    await expect(fetchFeed(`${origin}/data.json`, '')).rejects.toThrow(/^rss: .* is not valid RSS or Atom/u);
  });
});
