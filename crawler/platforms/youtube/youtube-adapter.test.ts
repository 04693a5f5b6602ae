import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { generateFixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { youtubeChannelId, youtubeFixture, youtubePostId } from '../../../test/fixture-platform/platforms/youtube-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { launchPlainBrowserTabs } from '../../../test/support/plain-browser-tabs.js';
import type { BrowserTabs, CollectedPost, FeedPage } from '../../platform-adapter.js';
import { youtubeAdapter, youtubeChannelPath } from './youtube-adapter.js';

// Posts an hour apart, the newest half an hour ago: relative times from "30 minutes ago" to "1 day ago".
const network = generateFixtureNetwork({
  accounts: 2,
  postsPerAccount: 25,
  handles: ['acme', 'bob'],
  imageShare: 0.5,
  repostShare: 0.25,
  seed: 3,
  newestAt: new Date(Date.now() - 30 * 60_000),
});

let server: FixtureServer;
let tabs: BrowserTabs & { close(): Promise<void> };
let acme: Promise<{ posts: CollectedPost[]; pages: number }>;

const fetchChannel = (handle: string, pageToken?: string): Promise<FeedPage> =>
  youtubeAdapter.fetchPage({ account: { platform: 'youtube', handle }, baseUrl: server.baseUrl('youtube'), pageToken }, plainAdapterContext(tabs));

const failure = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

const collectAll = async (handle: string): Promise<{ posts: CollectedPost[]; pages: number }> => {
  const posts: CollectedPost[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fetchChannel(handle, token);
    posts.push(...page.posts);
    token = page.nextPage;
    pages += 1;
  } while (token !== undefined && pages < 10);
  return { posts, pages };
};

beforeAll(async () => {
  server = await startFixtureServer(network, [youtubeFixture]);
  tabs = await launchPlainBrowserTabs();
  acme = collectAll('acme');
  await acme;
});

afterAll(async () => {
  await tabs.close();
  await server.close();
});

// The width of the unit YouTube prints for a post of this age.
const unitFor = (ageMs: number) => [86_400_000, 3_600_000, 60_000].find((unit) => ageMs >= unit) ?? 1_000;

describe('youtubeAdapter against the fixture', () => {
  it('reads every post across the first page and its continuations, newest first, with exact text', async () => {
    const { posts, pages } = await acme;
    const published = network.accounts.get('acme')!.posts;
    expect(pages).toBe(3);
    expect(posts.map((post) => post.externalId)).toEqual(published.map((post) => youtubePostId('acme', post)));
    expect(posts.map((post) => post.text)).toEqual(published.map((post) => post.text));
    expect(posts.every((post) => post.platform === 'youtube' && post.author === 'Fixture acme')).toBe(true);
  });

  it('fetches older posts with POSTs to /youtubei/v1/browse from inside the page, and asks for English', async () => {
    await acme;
    const posts = server.requests.filter((request) => request.platform === 'youtube' && request.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((request) => request.path.startsWith('/youtube/youtubei/v1/browse?') && request.status === 200)).toBe(true);
    const pageLoads = server.requests.filter((request) => request.platform === 'youtube' && request.method === 'GET' && request.path.includes('/posts'));
    expect(pageLoads.every((request) => request.path.endsWith('/posts?hl=en'))).toBe(true);
  });

  it('dates posts from "N units ago" no earlier than published and within one unit of it', async () => {
    const { posts } = await acme;
    const published = network.accounts.get('acme')!.posts;
    posts.forEach((post, index) => {
      const expected = published[index]!.publishedAt.getTime();
      const late = Date.parse(post.publishedAt) - expected;
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(unitFor(Date.now() - expected) + 30_000);
    });
  });

  it('marks shared posts as reposts with the original text and pictures', async () => {
    const { posts } = await acme;
    const published = network.accounts.get('acme')!.posts;
    expect(published.some((post) => post.isRepost)).toBe(true);
    expect(posts.map((post) => post.isRepost)).toEqual(published.map((post) => post.isRepost));
    const repost = posts.find((post) => post.isRepost)!;
    expect(repost.author).toBe('Fixture acme');
    expect(repost.permalink).toBe(`${server.baseUrl('youtube')}/post/${repost.externalId}`);
  });

  it('gives the widest rendition of every picture as an absolute URL, with its alt text', async () => {
    const { posts } = await acme;
    const published = network.accounts.get('acme')!.posts;
    expect(published.some((post) => post.images.length === 2)).toBe(true);
    posts.forEach((post, index) => {
      const images = published[index]!.images;
      expect(post.media).toEqual(images.map((image) => ({ kind: 'image', url: `${server.origin}/media/${image.id}.jpg`, ...(image.alt === undefined ? {} : { alt: image.alt }) })));
    });
  });

  it('links every post to /post/<id> under the base URL', async () => {
    const { posts } = await acme;
    for (const post of posts) expect(post.permalink).toBe(`${server.baseUrl('youtube')}/post/${post.externalId}`);
  });

  it('finds the same channel by @name, by UC id and by youtube.com URL', async () => {
    const byName = (await acme).posts.slice(0, 10).map((post) => post.externalId);
    const byId = await fetchChannel(youtubeChannelId('acme'));
    const byUrl = await fetchChannel('https://www.youtube.com/@acme/featured');
    expect(byId.posts.map((post) => post.externalId)).toEqual(byName);
    expect(byUrl.posts.map((post) => post.externalId)).toEqual(byName);
  });

  it('reports the cookie consent wall as PlatformBlockedError without clicking it', async () => {
    server.setFault('youtube', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchChannel('@acme'));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).platform).toBe('youtube');
    expect((error as PlatformBlockedError).reason).toContain('consent');
    expect(server.requests.some((request) => request.method === 'POST' && request.path.includes('consent'))).toBe(false);
  });

  it('throws NotFoundError for a channel YouTube does not know', async () => {
    const error = await failure(fetchChannel('@nobody_here'));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('throws a PermanentError naming youtube when ytInitialData is not valid JSON', async () => {
    server.setFault('youtube', { kind: 'malformed', times: 1 });
    const error = await failure(fetchChannel('@acme'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(PlatformBlockedError);
    expect((error as Error).message).toMatch(/^youtube: .*ytInitialData/u);
  });

  it('throws TransientError on 429 and 500', async () => {
    server.setFault('youtube', { kind: 'rate-limit', retryAfterSeconds: 3, times: 1 });
    const limited = await failure(fetchChannel('@acme'));
    expect(limited).toBeInstanceOf(TransientError);
    expect((limited as TransientError).retryAfterMs).toBe(3_000);
    server.setFault('youtube', { kind: 'server-error', times: 1 });
    expect(await failure(fetchChannel('@acme'))).toBeInstanceOf(TransientError);
  });

  it('refuses a page token it did not make', async () => {
    expect(await failure(fetchChannel('@acme', 'offset=10'))).toBeInstanceOf(PermanentError);
    expect(await failure(fetchChannel('@acme', JSON.stringify({ continuation: 'x', apiUrl: '//evil.example/browse' })))).toBeInstanceOf(PermanentError);
  });
});

describe('youtubeChannelPath', () => {
  it('maps handles, channel ids and channel URLs to the channel path', () => {
    expect(youtubeChannelPath('@acme')).toBe('/@acme');
    expect(youtubeChannelPath('acme')).toBe('/@acme');
    expect(youtubeChannelPath('UCabcdefghijklmnopqrstuv')).toBe('/channel/UCabcdefghijklmnopqrstuv');
    expect(youtubeChannelPath('https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/community')).toBe('/channel/UCabcdefghijklmnopqrstuv');
    expect(youtubeChannelPath('https://m.youtube.com/c/AcmeCorp/videos')).toBe('/c/AcmeCorp');
    expect(youtubeChannelPath('https://youtube.com/@acme.corp/posts')).toBe('/@acme.corp');
  });

  it('refuses what names no channel as InputValidationError on the handle, never a TypeError or URIError', () => {
    for (const handle of ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'acme/../admin', 'https://www.youtube.com/@%E0%A4%A', 'https://exa mple.com/@x', 'https://[::1/@x']) {
      const error: unknown = (() => {
        try {
          return youtubeChannelPath(handle);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, handle).toBeInstanceOf(InputValidationError);
      expect((error as InputValidationError).issues.map((issue) => issue.path)).toEqual(['handle']);
    }
  });
});
