import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { generateFixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { VK_NOTICE_PAGES, vkFixture } from '../../../test/fixture-platform/platforms/vk-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { launchPlainBrowserTabs } from '../../../test/support/plain-browser-tabs.js';
import type { BrowserTabs, CollectedPost, FeedPage } from '../../platform-adapter.js';
import { loadHtml } from '../../load-html.js';
import { parseVkWall } from './parse-vk-wall.js';
import { vkAdapter, vkPageName } from './vk-adapter.js';

const network = generateFixtureNetwork({ accounts: 2, postsPerAccount: 25, handles: ['acme', 'bob'], imageShare: 0.5, repostShare: 0.25, seed: 5 });
// Every Ukrainian letter windows-1251 has, and Russian ё/Ё, must survive the 1251 round trip.
const ukrainian = network.accounts.get('acme')!.posts[2]!;
ukrainian.text = `Їжак і ґава: є новини! Ще Ґ, Є, І, Ї і ёлка с Ёжиком — «цитата» №5…\nДругий рядок. #acme-${ukrainian.id}`;

let server: FixtureServer;
let tabs: BrowserTabs & { close(): Promise<void> };
// acme's whole wall, read once: most tests look at it from a different side.
let acme: Promise<{ posts: CollectedPost[]; pages: number }>;

beforeAll(async () => {
  server = await startFixtureServer(network, [vkFixture]);
  tabs = await launchPlainBrowserTabs();
  acme = collectAll('acme');
  await acme;
});

afterAll(async () => {
  await tabs.close();
  await server.close();
});

const fetchWall = (handle: string, pageToken?: string): Promise<FeedPage> =>
  vkAdapter.fetchPage({ account: { platform: 'vk', handle }, baseUrl: server.baseUrl('vk'), pageToken }, plainAdapterContext(tabs));

const failure = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

const collectAll = async (handle: string): Promise<{ posts: CollectedPost[]; pages: number }> => {
  const posts: CollectedPost[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fetchWall(handle, token);
    posts.push(...page.posts);
    token = page.nextPage;
    pages += 1;
  } while (token !== undefined && pages < 10);
  return { posts, pages };
};

const normalise = (text: string) => text.replace(/[ \t]+/gu, ' ').trim();

describe('vkAdapter against the fixture', () => {
  it('reads every post across pages, newest first, with exact text and times', async () => {
    const { posts, pages } = await acme;
    const published = network.accounts.get('acme')!.posts;
    expect(pages).toBe(3);
    expect(posts.map((post) => post.externalId)).toEqual(published.map((post) => `-200001_${post.id}`));
    expect(posts.map((post) => normalise(post.text))).toEqual(published.map((post) => normalise(post.text)));
    expect(posts.map((post) => post.publishedAt)).toEqual(published.map((post) => post.publishedAt.toISOString()));
    expect(posts.every((post) => post.platform === 'vk' && post.author === 'Fixture acme')).toBe(true);
  });

  it('decodes Cyrillic, Ukrainian letters and entities from the windows-1251 page exactly', async () => {
    const page = { posts: (await acme).posts.slice(0, 10) };
    expect(page.posts[2]!.text).toBe(ukrainian.text);
    // Greek and Polish are not in windows-1251: the page carries them as &#N; references.
    const others = page.posts.filter((post) => /[α-ωżł]/u.test(post.text));
    expect(others.length).toBeGreaterThan(0);
    for (const post of others) expect(post.text).toBe(network.accounts.get('acme')!.posts.find((fixture) => post.text.endsWith(`-${fixture.id}`))!.text);
  });

  it('joins the text hidden behind "Показать полностью…" without the expander link', async () => {
    const page = await acme;
    expect(page.posts.some((post) => post.text.length >= 80)).toBe(true);
    expect(page.posts.every((post) => !post.text.includes('Показать полностью'))).toBe(true);
  });

  it('marks reposts, with the reposted text and photos, and skips replies under posts', async () => {
    const { posts } = await acme;
    const published = network.accounts.get('acme')!.posts;
    expect(published.some((post) => post.isRepost)).toBe(true);
    expect(posts.map((post) => post.isRepost)).toEqual(published.map((post) => post.isRepost));
    expect(posts.some((post) => post.text.includes('Поздравляю'))).toBe(false);
    expect(posts.flatMap((post) => post.media).some((media) => media.url.includes('/media/reply-'))).toBe(false);
  });

  it('gives every photo as an absolute URL, in order, from <img> and from CSS backgrounds', async () => {
    const { posts } = await acme;
    const published = network.accounts.get('acme')!.posts;
    expect(published.some((post) => post.images.length === 2)).toBe(true);
    posts.forEach((post, index) => {
      const images = published[index]!.images;
      expect(post.media).toEqual(images.map((image) => ({ kind: 'image', url: `${server.origin}/media/${image.id}.jpg`, ...(image.alt === undefined ? {} : { alt: image.alt }) })));
    });
  });

  it('links every post to /wall-<owner>_<post> under the base URL', async () => {
    const page = await acme;
    for (const post of page.posts) expect(post.permalink).toBe(`${server.baseUrl('vk')}/wall${post.externalId}`);
  });

  it('finds the same wall by club id and by vk.com URL', async () => {
    const byName = { posts: (await acme).posts.slice(0, 10) };
    const byId = await fetchWall('club200001');
    const byUrl = await fetchWall('https://vk.com/acme?w=wall-200001_1');
    expect(byId.posts.map((post) => post.externalId)).toEqual(byName.posts.map((post) => post.externalId));
    expect(byUrl.posts.map((post) => post.externalId)).toEqual(byName.posts.map((post) => post.externalId));
  });

  it('reports the redirect to the login page as PlatformBlockedError', async () => {
    server.setFault('vk', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchWall('acme'));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).platform).toBe('vk');
    expect((error as PlatformBlockedError).reason).toContain('login page');
  });

  it('reports a login box over the wall as PlatformBlockedError, though posts show behind it', async () => {
    server.setFault('vk', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchWall('acme', '10'));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).reason).toContain('login box');
  });

  it('throws NotFoundError for an unknown page and for a deleted one', async () => {
    expect(await failure(fetchWall('no_such_club'))).toBeInstanceOf(NotFoundError);
    expect(await failure(fetchWall(VK_NOTICE_PAGES.deleted))).toBeInstanceOf(NotFoundError);
  });

  it('reports a community VK blocked, and a closed one, as PlatformBlockedError', async () => {
    const blocked = await failure(fetchWall(VK_NOTICE_PAGES.blocked));
    expect(blocked).toBeInstanceOf(PlatformBlockedError);
    expect((blocked as PlatformBlockedError).reason).toContain('Сообщество заблокировано');
    expect(await failure(fetchWall(VK_NOTICE_PAGES.closed))).toBeInstanceOf(PlatformBlockedError);
  });

  it('throws a PermanentError naming vk for a truncated page', async () => {
    server.setFault('vk', { kind: 'malformed', times: 1 });
    const error = await failure(fetchWall('acme'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(PlatformBlockedError);
    expect((error as Error).message).toMatch(/^vk: none of the 1 posts on the wall of acme \(offset 0\) could be read/u);
  });

  it('throws TransientError on 429 (with Retry-After) and on 500', async () => {
    server.setFault('vk', { kind: 'rate-limit', retryAfterSeconds: 7, times: 1 });
    const limited = await failure(fetchWall('acme'));
    expect(limited).toBeInstanceOf(TransientError);
    expect((limited as TransientError).retryAfterMs).toBe(7_000);
    server.setFault('vk', { kind: 'server-error', times: 1 });
    expect(await failure(fetchWall('acme'))).toBeInstanceOf(TransientError);
  });

  it('returns an empty last page past the end of the wall', async () => {
    expect(await fetchWall('bob', '30')).toEqual({ posts: [], isHistoryEnd: true });
  });
});

describe('vkPageName', () => {
  it('accepts VK page names, owner ids and vk.com URLs', () => {
    expect(vkPageName('club123')).toBe('club123');
    expect(vkPageName('public123')).toBe('public123');
    expect(vkPageName('id123')).toBe('id123');
    expect(vkPageName('-123')).toBe('club123');
    expect(vkPageName('https://m.vk.com/acme.corp?from=groups')).toBe('acme.corp');
    expect(vkPageName('https://vk.com/wall-123_456')).toBe('club123');
  });

  it('refuses a handle that is no VK page name as InputValidationError on the handle, never a TypeError', () => {
    for (const handle of ['acme corp', '../admin', 'https://vk com/durov', 'https://[::1/acme', 'https://vk.com/']) {
      expect(() => vkPageName(handle), handle).toThrow(InputValidationError);
    }
    expect(() => vkPageName('acme corp')).toThrow(/handle: "acme corp" is not a VK page name/u);
  });
});

describe('parseVkWall with posts it cannot read', () => {
  const wall = (posts: string) => `<html><body><div id="page_wall_posts">${posts}</div></body></html>`;
  const post = (id: string, date: string) =>
    `<div class="post" id="post${id}"><div class="post_header_info"><a class="author">Acme</a><div class="post_date"><a class="post_link" href="/wall${id}"><span class="rel_date">${date}</span></a></div></div><div class="wall_post_text">Post ${id}</div></div>`;
  const source = { pageUrl: 'https://vk.com/acme', baseUrl: 'https://vk.com', handle: 'acme', offset: 0, now: new Date('2026-11-20T12:00:00Z') };

  it('keeps a post without a readable date undated and first, and leaves out a post without an owner_post id', () => {
    const parsed = parseVkWall(loadHtml(wall(`${post('-1_3', '20 ноя 2026 в 10:00')}${post('-1_2', 'когда-то')}${post('junk', '19 ноя 2026 в 10:00')}`)), source);
    expect(parsed.posts.map((each) => [each.externalId, each.publishedAt])).toEqual([
      ['-1_2', ''],
      ['-1_3', '2026-11-20T07:00:00.000Z'],
    ]);
    expect(parsed.unreadable).toEqual([{ reason: 'a post without an owner_post id' }]);
    expect(parsed.hasWall).toBe(true);
  });
});
