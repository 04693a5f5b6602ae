import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { generateFixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { facebookFixture } from '../../../test/fixture-platform/platforms/facebook-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { launchPlainBrowserTabs } from '../../../test/support/plain-browser-tabs.js';
import type { BrowserTabs, CollectedPost, FeedPage } from '../../platform-adapter.js';
import { facebookAdapter } from './facebook-adapter.js';
import { readFacebookFeed } from './read-facebook-feed.js';

const network = generateFixtureNetwork({ accounts: 3, postsPerAccount: 25, handles: ['acme', 'bob', 'acme.eu'], imageShare: 0.5, repostShare: 0.3, seed: 5 });
let server: FixtureServer;
let tabs: BrowserTabs & { close(): Promise<void> };

beforeAll(async () => {
  server = await startFixtureServer(network, [facebookFixture]);
  tabs = await launchPlainBrowserTabs();
});

afterAll(async () => {
  await tabs.close();
  await server.close();
});

const fetchFeed = (handle: string, pageToken?: string): Promise<FeedPage> =>
  facebookAdapter.fetchPage({ account: { platform: 'facebook', handle }, baseUrl: server.baseUrl('facebook'), pageToken }, plainAdapterContext(tabs));

const failure = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

const allPages = async (handle: string): Promise<FeedPage[]> => {
  const pages = [await fetchFeed(handle)];
  while (pages.at(-1)?.nextPage !== undefined && pages.length < 10) pages.push(await fetchFeed(handle, pages.at(-1)?.nextPage));
  return pages;
};

describe('facebookAdapter against the fixture', () => {
  let pages: FeedPage[];
  let posts: CollectedPost[];
  beforeAll(async () => {
    pages = await allPages('acme');
    posts = pages.flatMap((page) => page.posts);
  });

  it('reads a page 10 posts at a time, following "See more stories" to the oldest', () => {
    expect(pages.map((page) => page.posts.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)?.nextPage).toBeUndefined();
  });

  it('gives every post newest first with exact text and time, from both the www and the classic layout', () => {
    const published = network.accounts.get('acme')!.posts;
    expect(posts.map((post) => post.text)).toEqual(published.map((post) => post.text));
    expect(posts.map((post) => post.publishedAt)).toEqual(published.map((post) => post.publishedAt.toISOString()));
    expect(posts.every((post) => post.platform === 'facebook' && post.author === 'acme')).toBe(true);
  });

  it('links each post to its /posts/ permalink, without click-tracking parameters, and takes its pfbid as id', () => {
    for (const post of posts.filter((candidate) => !candidate.isRepost)) {
      expect(post.permalink).toBe(`${server.baseUrl('facebook')}/acme/posts/${post.externalId}`);
      expect(post.externalId).toMatch(/^pfbid0\w+$/u);
    }
    expect(new Set(posts.map((post) => post.externalId)).size).toBe(25);
  });

  it('marks shares as reposts with the original text and pictures, and the sharer as author', () => {
    const published = network.accounts.get('acme')!.posts;
    const shares = published.filter((post) => post.isRepost);
    expect(shares.length).toBeGreaterThan(0);
    expect(posts.filter((post) => post.isRepost).map((post) => post.text)).toEqual(shares.map((post) => post.text));
    const own = posts.find((post) => post.isRepost);
    expect(own?.permalink).toMatch(/\/acme\/posts\//u);
  });

  it('gives post pictures as absolute URLs with alt text, and no avatars', () => {
    const published = network.accounts.get('acme')!.posts;
    expect(published.some((post) => post.images.length > 0)).toBe(true);
    posts.forEach((post, index) => {
      expect(post.media).toEqual(published[index]!.images.map((image) => ({ kind: 'image', url: `${server.origin}/media/${image.id}.jpg`, alt: image.alt ?? 'May be an image' })));
    });
  });

  it('reports the login dialog on a first page as PlatformBlockedError', async () => {
    server.setFault('facebook', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchFeed('acme'));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).reason).toBe('a login dialog hides the page');
  });

  it('reports a redirect to /login/ on an older page as PlatformBlockedError', async () => {
    server.setFault('facebook', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchFeed('acme', pages[0]!.nextPage));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).reason).toMatch(/login page/u);
  });

  it('reports the cookie-consent dialog as PlatformBlockedError even though the feed is behind it', async () => {
    const error = await failure(fetchFeed('acme.eu'));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).reason).toMatch(/cookie-consent/u);
  });

  it('reports a page nobody holds as NotFoundError', async () => {
    const error = await failure(fetchFeed('https://www.facebook.com/nobody.here/'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).id).toBe('nobody.here');
  });

  it('reports a truncated page as a PermanentError naming facebook, not a TypeError or a wall', async () => {
    server.setFault('facebook', { kind: 'malformed', times: 1 });
    const error = await failure(fetchFeed('acme'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(PlatformBlockedError);
    expect((error as Error).message).toMatch(/^facebook: /u);
  });

  it('refuses a page token that points outside the base URL, and handles that are not pages', async () => {
    expect(await failure(fetchFeed('acme', 'https://evil.example/acme?cursor=x'))).toBeInstanceOf(PermanentError);
    for (const handle of ['https://example.com/acme', 'acme corp', '']) {
      expect(await failure(fetchFeed(handle))).toBeInstanceOf(InputValidationError);
    }
  });
});

describe('readFacebookFeed with a post whose time it cannot read', () => {
  it('keeps the post undated and first, for collectPosts to skip and count, and dates the others', () => {
    const article = (id: string, label: string) =>
      `<div role="article"><h3><a href="/acme">Acme</a></h3><a href="https://www.facebook.com/acme/posts/${id}?__cft__[0]=x" aria-label="${label}">${label}</a><div data-ad-preview="message">Post ${id}</div></div>`;
    const html = `<html><body><div role="feed">${article('pfbid01', '5m')}${article('pfbid02', 'Smarch 3, 2026')}</div></body></html>`;
    const feed = readFacebookFeed(html, { pageUrl: 'https://www.facebook.com/acme', author: 'acme', now: new Date('2026-11-20T15:30:00Z') });
    expect(feed.posts.map((post) => [post.externalId, post.publishedAt])).toEqual([
      ['pfbid02', ''],
      ['pfbid01', '2026-11-20T15:25:00.000Z'],
    ]);
  });
});
