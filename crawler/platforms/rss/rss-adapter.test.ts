import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { generateFixtureNetwork, type FixturePost } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { rssFixture } from '../../../test/fixture-platform/platforms/rss-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import type { CollectedPost } from '../../platform-adapter.js';
import { parseFeed } from './parse-feed.js';
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

  it('throws ConfigError for a handle that is neither a URL nor a host and has no base URL', async () => {
    await expect(fetchFeed('just words', '')).rejects.toThrow(ConfigError);
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
