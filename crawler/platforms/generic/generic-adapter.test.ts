import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { generateFixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { genericFixture, genericFixtureSession } from '../../../test/fixture-platform/platforms/generic-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { launchPlainBrowserTabs } from '../../../test/support/plain-browser-tabs.js';
import type { AccountRef, BrowserTabs, FeedPage, GenericSelectors } from '../../platform-adapter.js';
import { GENERIC_FIXTURE_SELECTORS } from '../../../test/fixture-platform/all-fixtures.js';
import { genericAdapter } from './generic-adapter.js';

const network = generateFixtureNetwork({ accounts: 2, postsPerAccount: 25, handles: ['acme', 'bob'], imageShare: 0.5, repostShare: 0.2, seed: 3 });
const SELECTORS: GenericSelectors = GENERIC_FIXTURE_SELECTORS;
let server: FixtureServer;
let tabs: BrowserTabs & { close(): Promise<void> };

beforeAll(async () => {
  server = await startFixtureServer(network, [genericFixture]);
  tabs = await launchPlainBrowserTabs();
});

afterAll(async () => {
  await tabs.close();
  await server.close();
});

const blogUrl = (path = 'acme/'): string => `${server.baseUrl('generic')}/${path}`;
const fetchBlog = (account: Partial<AccountRef>, pageToken?: string, browser: BrowserTabs = tabs): Promise<FeedPage> =>
  genericAdapter.fetchPage(
    { account: { platform: 'generic', handle: blogUrl(), selectors: SELECTORS, ...account }, baseUrl: '', pageToken },
    plainAdapterContext(browser),
  );
const failure = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
const issuePaths = (error: unknown): string[] => (error as InputValidationError).issues.map((issue) => issue.path);

describe('genericAdapter against a blog', () => {
  it('reads the posts of a page with exact text, times, ids, permalinks and absolute media', async () => {
    const page = await fetchBlog({});
    const published = network.accounts.get('acme')!.posts.slice(0, 10);
    expect(page.posts.map((post) => post.text)).toEqual(published.map((post) => post.text));
    expect(page.posts.map((post) => post.publishedAt)).toEqual(published.map((post) => post.publishedAt.toISOString()));
    // data-id values are unique on one site only: the account page's origin and path come first.
    expect(page.posts.map((post) => post.externalId)).toEqual(published.map((post) => `${blogUrl()}#post-${post.id}`));
    page.posts.forEach((post, index) => {
      const source = published[index]!;
      expect(post.permalink).toBe(blogUrl(`acme/${source.publishedAt.toISOString().slice(0, 10).replace(/-/gu, '/')}/post-${source.id}/`));
      // The srcset's widest rendition, then the CSS background of the cover.
      expect(post.media).toEqual(
        source.images.map((image) => ({ kind: 'image', url: `${server.origin}/media/${image.id}.jpg`, ...(image.alt === undefined ? {} : { alt: image.alt }) })),
      );
    });
    expect(published.some((post) => post.images.length === 2)).toBe(true);
    expect(page.posts.every((post) => post.platform === 'generic' && !post.isRepost && post.author === blogUrl())).toBe(true);
  });

  it('follows the next-page link to the oldest page, which has none', async () => {
    const pages = [await fetchBlog({})];
    while (pages.at(-1)?.nextPage !== undefined && pages.length < 10) pages.push(await fetchBlog({}, pages.at(-1)?.nextPage));
    expect(pages.map((page) => page.posts.length)).toEqual([10, 10, 5]);
    expect(pages[0]!.nextPage).toBe(blogUrl('acme/page/2/'));
    expect(pages.flatMap((page) => page.posts.map((post) => post.text))).toEqual(network.accounts.get('acme')!.posts.map((post) => post.text));
  });

  it('ids a post by the hash of its text without id or link, and dates it at collection without a readable time', async () => {
    const before = Date.now();
    const page = await fetchBlog({ selectors: { post: 'article.post', text: '.entry-content', time: '.byline' } });
    const first = page.posts[0]!;
    expect(first.externalId).toBe(`${blogUrl()}#${createHash('sha256').update(first.text).digest('hex').slice(0, 16)}`);
    // The time of collection is no part of the id: a later scan gives the undated post the same id.
    const again = await fetchBlog({ selectors: { post: 'article.post', text: '.entry-content', time: '.byline' } });
    expect(again.posts[0]!.externalId).toBe(first.externalId);
    expect(first.permalink).toBe(blogUrl());
    expect(Date.parse(first.publishedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(first.publishedAt)).toBeLessThanOrEqual(Date.now() + 1_000);
    // Without a time selector, time[datetime] is found by default.
    const dated = await fetchBlog({ selectors: { post: 'article.post' } });
    expect(dated.posts[0]!.publishedAt).toBe(network.accounts.get('acme')!.posts[0]!.publishedAt.toISOString());
  });

  it('does not follow a next-page link to another site', async () => {
    const page = await fetchBlog({ selectors: { ...SELECTORS, nextPage: 'a.powered' } });
    expect(page.posts).toHaveLength(10);
    expect(page.nextPage).toBeUndefined();
    expect(await failure(fetchBlog({}, 'https://wordpress.org/page/2/'))).toBeInstanceOf(PermanentError);
  });

  it('reports the login wall selector as PlatformBlockedError', async () => {
    server.setFault('generic', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchBlog({}));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).reason).toBe('login wall (form.login)');
  });

  it('reads a members-only page with the session cookies of the account, and is walled without them', async () => {
    const members = blogUrl('acme/members/');
    expect(await failure(fetchBlog({ handle: members }))).toBeInstanceOf(PlatformBlockedError);
    const session = { cookies: [{ name: 'session', value: genericFixtureSession('acme'), domain: '127.0.0.1' }] };
    const page = await fetchBlog({ handle: members, session });
    expect(page.posts.map((post) => post.text)).toEqual(network.accounts.get('acme')!.posts.slice(0, 10).map((post) => post.text));
    const sent = server.requests.filter((request) => request.path === '/generic/acme/members/').map((request) => request.cookie);
    expect(sent).toEqual([undefined, `session=${genericFixtureSession('acme')}`]);
  });

  it('takes a password form on a page without posts for a login wall even without a loginWall selector', async () => {
    const error = await failure(fetchBlog({ handle: blogUrl('acme/members/'), selectors: { post: 'article.post', text: '.entry-content' } }));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).reason).toBe('login wall (a password form and no posts)');
  });

  it('refuses session cookies of another domain, naming the cookie', async () => {
    const session = { cookies: [{ name: 'session', value: 'x', domain: 'example.com' }] };
    const error = await failure(fetchBlog({ handle: blogUrl('acme/members/'), session }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect(issuePaths(error)).toEqual(['session.cookies[0].domain']);
  });

  it('reports a blog nobody has as NotFoundError, naming its address without the query', async () => {
    const error = await failure(fetchBlog({ handle: blogUrl('nobody/?token=s3cret') }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).id).toBe(blogUrl('nobody/'));
  });

  it('refuses a page whose HTML is larger than the tabs allow, naming generic and the limit', async () => {
    const error = await failure(fetchBlog({}, undefined, { ...tabs, maxPageBytes: 2_048 }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^generic: the page .* more than the 2048-byte limit/u);
  });

  it('reports a page where no post matches as a PermanentError naming generic and the selector', async () => {
    server.setFault('generic', { kind: 'malformed', times: 1 });
    const error = await failure(fetchBlog({ handle: blogUrl('acme/?token=s3cret') }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(PlatformBlockedError);
    expect((error as Error).message).toMatch(/^generic: no element .* matches selectors\.post "article\.post"/u);
    expect((error as Error).message).not.toContain('s3cret');
  });
});

describe('genericAdapter selector checks', () => {
  it('requires selectors.post', async () => {
    const missing = await failure(fetchBlog({ selectors: undefined }));
    expect(missing).toBeInstanceOf(InputValidationError);
    expect(issuePaths(missing)).toEqual(['selectors.post']);
    expect(issuePaths(await failure(fetchBlog({ selectors: { post: '  ' } })))).toEqual(['selectors.post']);
  });

  it('names every selector that is not valid CSS', async () => {
    const error = await failure(fetchBlog({ selectors: { post: 'article..post', text: 'div[', idAttribute: 'data id', nextPage: 'a.next' } }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect(issuePaths(error)).toEqual(['selectors.post', 'selectors.text', 'selectors.idAttribute']);
    expect((error as Error).message).toContain('"article..post" is not a valid CSS selector');
  });

  it('rejects selectors only one of the two engines knows', async () => {
    // :contains() is a jQuery extension cheerio accepts and Chromium rejects.
    const jquery = await failure(fetchBlog({ selectors: { post: 'article.post', loginWall: 'p:contains("log in")' } }));
    expect(jquery).toBeInstanceOf(InputValidationError);
    expect((jquery as Error).message).toContain('"p:contains("log in")" is not a valid CSS selector (the browser rejects it)');
    // ::-p-text() is Puppeteer's own syntax, not CSS.
    const puppeteer = await failure(fetchBlog({ selectors: { post: 'article.post', nextPage: 'a::-p-text(Older)' } }));
    expect(issuePaths(puppeteer)).toEqual(['selectors.nextPage']);
  });

  it('requires the handle to be a page URL', async () => {
    expect(issuePaths(await failure(fetchBlog({ handle: 'acme' })))).toEqual(['handle']);
    expect(issuePaths(await failure(fetchBlog({ handle: 'ftp://example.com/' })))).toEqual(['handle']);
  });
});
