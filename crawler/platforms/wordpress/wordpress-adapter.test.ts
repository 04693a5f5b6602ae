import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { generateFixtureNetwork, type FixturePost } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { wordpressFixture } from '../../../test/fixture-platform/platforms/wordpress-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import type { AccountCursor, CollectedPost, FeedPage } from '../../platform-adapter.js';
import { collectPosts } from '../../collect-posts.js';
import { wordpressAdapter } from './wordpress-adapter.js';
import { capturingLogger } from '../../../test/support/capturing-logger.js';
import { wordpressPostId, wordpressPostSchema, wordpressPostToCollected } from './wordpress-post-to-collected.js';

const network = generateFixtureNetwork({ accounts: 1, postsPerAccount: 45, imageShare: 0.6, repostShare: 0.15, handles: ['acme'] });
const published = network.accounts.get('acme')!.posts.filter((post) => !post.isRepost);
let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer(network, [wordpressFixture]);
});
afterEach(() => server.clearFaults());
afterAll(() => server.close());

const fetchPage = (handle: string, pageToken?: string): Promise<FeedPage> =>
  wordpressAdapter.fetchPage({ account: { platform: 'wordpress', handle }, baseUrl: '', pageToken }, plainAdapterContext());

const collectAll = async (handle: string): Promise<{ posts: CollectedPost[]; pages: number }> => {
  const posts: CollectedPost[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(handle, token);
    posts.push(...page.posts);
    token = page.nextPage;
    pages += 1;
  } while (token !== undefined && pages < 20);
  return { posts, pages };
};

const site = (variant = ''): string => `${server.baseUrl('wordpress')}${variant}/acme`;
const mediaUrl = (id: string): string => `${server.origin}/media/${id}.jpg`;
/** The id the adapter gives post `id` of the fixture site `variant`: host and path, then the post id. */
const idOn = (variant: string, id: number): string => `${new URL(site(variant)).host}/wordpress${variant}/acme#${id}`;

describe('wordpressAdapter against the fixture sites', () => {
  it('reads every post through the REST API, 20 a page, newest first, with ids, times, text and permalinks', async () => {
    const { posts, pages } = await collectAll(site());
    expect(pages).toBe(Math.ceil(published.length / 20));
    expect(posts.map((post) => post.externalId)).toEqual(published.map((post) => idOn('', post.id)));
    expect(posts.map((post) => post.publishedAt)).toEqual(published.map((post) => post.publishedAt.toISOString()));
    expect(posts.map((post) => post.text)).toEqual(published.map((post) => post.text));
    expect(posts.every((post) => post.permalink.startsWith(`${site()}/2026/`) && post.author === 'Fixture acme' && !post.isRepost)).toBe(true);
    expect(server.requests.at(-1)?.path).toContain('_embed=author%2Cwp%3Afeaturedmedia');
  });

  it('takes the featured image with its alt text first, then the images of the content', async () => {
    const { posts } = await collectAll(site());
    const withTwo = published.find((post) => post.images.length === 2)!;
    expect(posts.find((post) => post.externalId === idOn('', withTwo.id))?.media).toEqual([
      { url: mediaUrl(withTwo.images[0]!.id), kind: 'image', alt: withTwo.images[0]!.alt },
      { url: mediaUrl(withTwo.images[1]!.id), kind: 'image' },
    ]);
  });

  it('asks by ?rest_route= where /wp-json/ is 404 (no pretty permalinks)', async () => {
    const { posts } = await collectAll(site('/plain-permalinks'));
    expect(posts.map((post) => post.externalId)).toEqual(published.map((post) => idOn('/plain-permalinks', post.id)));
    expect(posts[0]?.permalink).toBe(`${site('/plain-permalinks')}/?p=${published[0]!.id}`);
  });

  it('falls back to the RSS feed, page by page, where the REST API is closed, with the same ids and texts', async () => {
    const { posts, pages } = await collectAll(site('/rest-disabled'));
    expect(pages).toBeGreaterThan(1);
    // The id the REST API would give on that site: the `?p=` of the guid under the site's host and path.
    expect(posts.map((post) => [post.externalId, post.publishedAt, post.text])).toEqual(
      published.map((post) => [wordpressPostId(site('/rest-disabled'), post.id), post.publishedAt.toISOString(), post.text]),
    );
    expect(posts.map((post) => post.externalId)).toEqual(published.map((post) => idOn('/rest-disabled', post.id)));
    // WordPress's own feed leaves the featured image out: only the content's images remain.
    const withTwo = published.find((post) => post.images.length === 2)!;
    expect(posts.find((post) => post.externalId === idOn('/rest-disabled', withTwo.id))?.media).toEqual([{ url: mediaUrl(withTwo.images[1]!.id), kind: 'image' }]);
    expect(server.requests.some((request) => request.path.includes('/feed/?paged=2'))).toBe(true);
  });

  it('treats a page past the last as the end', async () => {
    const page = await fetchPage(site(), JSON.stringify({ route: 'rest', page: 99 }));
    expect(page).toEqual({ posts: [], isHistoryEnd: true, isStructured: true });
  });

  it('throws NotFoundError for a site that is not there', async () => {
    await expect(fetchPage(`${server.baseUrl('wordpress')}/nobody`)).rejects.toThrow(NotFoundError);
  });

  it('throws PlatformBlockedError when the API and the feed both refuse', async () => {
    server.setFault('wordpress', { kind: 'login-wall' });
    await expect(fetchPage(site())).rejects.toThrow(PlatformBlockedError);
  });

  it('throws a PermanentError naming wordpress for a truncated answer, never a TypeError', async () => {
    server.setFault('wordpress', { kind: 'malformed', times: 1 });
    const error: unknown = await fetchPage(site()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^wordpress: .* not valid JSON/u);
  });

  it('throws a PermanentError for a truncated feed page', async () => {
    const first = await fetchPage(site('/rest-disabled'));
    server.setFault('wordpress', { kind: 'malformed', times: 1 });
    await expect(fetchPage(site('/rest-disabled'), first.nextPage)).rejects.toThrow(/^wordpress: .* is not valid RSS or Atom/u);
  });
});

describe('wordpressAdapter with posts it cannot read', () => {
  /** Serves `posts` as the REST answer of a site at 127.0.0.1 and reads its first page. */
  const readAnswer = async (posts: unknown[]): Promise<{ page: FeedPage | undefined; error: unknown; lines: Array<Record<string, unknown>>; site: string }> => {
    const answer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-wp-totalpages': '1' });
      response.end(JSON.stringify(posts));
    });
    answer.listen(0, '127.0.0.1');
    await once(answer, 'listening');
    const site = `http://127.0.0.1:${(answer.address() as AddressInfo).port}/blog`;
    const { log, lines } = capturingLogger('warn');
    try {
      const page = await wordpressAdapter.fetchPage({ account: { platform: 'wordpress', handle: site }, baseUrl: '', pageToken: undefined }, { ...plainAdapterContext(), log });
      return { page, error: undefined, lines, site };
    } catch (error) {
      return { page: undefined, error, lines, site };
    } finally {
      answer.close();
    }
  };
  const SECRET = 'Revenue up 40% before the announcement';
  // WORDPRESS_POST is defined further down: read it when a test runs.
  const post = (changes: Record<string, unknown>) => ({ ...WORDPRESS_POST, id: 7, date_gmt: '2025-06-04T09:15:00', content: { rendered: `<p>${SECRET}</p>` }, ...changes });

  it('skips a post of an unexpected shape with a warning naming its id, never its text, and keeps the rest', async () => {
    const { page, lines, site } = await readAnswer([post({}), post({ id: 8, link: 42 })]);
    expect(page?.posts.map((post) => post.externalId)).toEqual([wordpressPostId(site, 7)]);
    const warning = lines.find((line) => line.msg === 'skipped a post that could not be read');
    expect(warning).toMatchObject({ platform: 'wordpress', externalId: wordpressPostId(site, 8) });
    expect(JSON.stringify(lines)).not.toContain('Revenue');
  });

  it('returns a post with an unreadable date undated, for collectPosts to skip and count', async () => {
    const { page } = await readAnswer([post({}), post({ id: 9, date_gmt: 'soon', date: null })]);
    expect(page?.posts.map((post) => [post.externalId.replace(/^.*#/u, ''), post.publishedAt])).toEqual([
      ['9', ''],
      ['7', '2025-06-04T09:15:00.000Z'],
    ]);
  });

  it('fails the page with a PermanentError naming wordpress when no post on it can be read', async () => {
    const { error } = await readAnswer([post({ link: 42 }), post({ id: 9, date_gmt: 'soon', date: null })]);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^wordpress: none of the 2 posts on http:\/\/127\.0\.0\.1:\d+\/blog\/wp-json\/wp\/v2\/posts could be read/u);
  });
});

describe('wordpressAdapter on a rescan', () => {
  const rescanNetwork = generateFixtureNetwork({ accounts: 1, postsPerAccount: 20, repostShare: 0, handles: ['delta'], seed: 9 });
  let rescanServer: FixtureServer;
  beforeAll(async () => {
    rescanServer = await startFixtureServer(rescanNetwork, [wordpressFixture]);
  });
  afterAll(() => rescanServer.close());

  const HOUR_MS = 3_600_000;
  const siteOf = (variant = ''): string => `${rescanServer.baseUrl('wordpress')}${variant}/delta`;
  const collect = (cursor?: AccountCursor, variant = '') =>
    collectPosts(wordpressAdapter, { platform: 'wordpress', handle: siteOf(variant) }, '', plainAdapterContext(), {
      backfillPosts: 100,
      ...(cursor === undefined ? {} : { cursor }),
    });
  const requestsOf = async <T>(work: () => Promise<T>): Promise<{ sent: { query: URLSearchParams; status: number }[]; result: T }> => {
    const before = rescanServer.requests.length;
    const result = await work();
    return { sent: rescanServer.requests.slice(before).map((request) => ({ query: new URL(request.path, rescanServer.origin).searchParams, status: request.status })), result };
  };
  /** `after` as the adapter sends it: a local time of the site (UTC+1 here) without zone. */
  const localTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19);
  const newTexts = (added: FixturePost[]) => [...added].reverse().map((post) => post.text);

  it('asks only for posts after the cursor, in the site’s local time, and returns exactly the new posts', async () => {
    const first = await collect();
    expect(first.posts).toHaveLength(20);
    const added = rescanNetwork.publish('delta', 3);
    const { sent, result } = await requestsOf(() => collect(first.cursor));
    expect(sent).toHaveLength(1);
    // The offset (+1 h) was learned on the first scan; two hours early for daylight saving.
    expect(sent[0]?.query.get('after')).toBe(localTime(Date.parse(first.cursor!.publishedAt) + HOUR_MS - 2 * HOUR_MS));
    expect(sent[0]?.status).toBe(200);
    expect(result.posts.map((post) => post.text)).toEqual(newTexts(added));
  });

  it('costs one request answered with the cursor’s post alone when nothing is new', async () => {
    const { cursor } = await collect();
    const { sent, result } = await requestsOf(() => collect(cursor));
    expect(sent.map((request) => [request.query.has('after'), request.status])).toEqual([[true, 200]]);
    expect(result.posts).toEqual([]);
  });

  it('keeps the after filter on later pages when more is new than a page', async () => {
    const { cursor } = await collect();
    const added = rescanNetwork.publish('delta', 25);
    const { sent, result } = await requestsOf(() => collect(cursor));
    expect(sent.map((request) => [request.query.get('page'), request.query.get('after')])).toEqual([
      ['1', sent[0]?.query.get('after')],
      ['2', sent[0]?.query.get('after')],
    ]);
    expect(result.posts.map((post) => post.text)).toEqual(newTexts(added));
  });

  it('asks 14 hours early while it does not know the site’s UTC offset', async () => {
    const newest = rescanNetwork.accounts.get('delta')!.posts[0]!;
    const cursor = { externalId: wordpressPostId(siteOf('/plain-permalinks'), newest.id), publishedAt: newest.publishedAt.toISOString() };
    const added = rescanNetwork.publish('delta', 2);
    const { sent, result } = await requestsOf(() => collect(cursor, '/plain-permalinks'));
    const after = localTime(newest.publishedAt.getTime() - 14 * HOUR_MS);
    // Without pretty permalinks /wp-json/ is 404 and the API answers by ?rest_route=.
    expect(sent.map((request) => [request.query.get('rest_route'), request.query.get('after'), request.status])).toEqual([
      [null, after, 404],
      ['/wp/v2/posts', after, 200],
    ]);
    expect(result.posts.map((post) => post.text)).toEqual(newTexts(added));
  });

  it('serves after= like WordPress: exclusive, a zone converted to the site’s, no zone read as local', async () => {
    const [newest, second] = rescanNetwork.accounts.get('delta')!.posts;
    const idsAfter = async (after: string): Promise<unknown> => {
      const response = await fetch(`${siteOf()}/wp-json/wp/v2/posts?after=${encodeURIComponent(after)}`);
      return response.status === 200 ? ((await response.json()) as { id: number }[]).map((post) => post.id) : response.status;
    };
    const secondAt = second!.publishedAt;
    expect(await idsAfter(secondAt.toISOString())).toEqual([newest!.id]);
    expect(await idsAfter(localTime(secondAt.getTime() + HOUR_MS))).toEqual([newest!.id]);
    expect(await idsAfter(`${localTime(secondAt.getTime() + 2 * HOUR_MS)}+02:00`)).toEqual([newest!.id]);
    expect(await idsAfter(localTime(secondAt.getTime() + HOUR_MS - 1_000))).toEqual([newest!.id, second!.id]);
    expect(await idsAfter('yesterday')).toBe(400);
  });
});

// A post as GET /wp-json/wp/v2/posts?_embed=author,wp:featuredmedia returns it on WordPress 6.8,
// _links trimmed: texturized title, block-editor content, an embedded featured image.
const WORDPRESS_POST = {
  id: 4312,
  date: '2025-06-03T11:15:00',
  date_gmt: '2025-06-03T09:15:00',
  guid: { rendered: 'https://news.example/?p=4312' },
  modified: '2025-06-03T11:20:41',
  modified_gmt: '2025-06-03T09:20:41',
  slug: 'inside-the-new-lab',
  status: 'publish',
  type: 'post',
  link: 'https://news.example/2025/06/03/inside-the-new-lab/',
  title: { rendered: 'Inside the new lab &#8211; R&amp;D&#8217;s &#8220;home&#8221;' },
  content: {
    rendered:
      '\n<p>We moved into the new lab this week.</p>\n\n\n\n<figure class="wp-block-image size-large"><img fetchpriority="high" decoding="async" width="1024" height="768" src="https://news.example/wp-content/uploads/2025/06/whiteboard-1024x768.jpg" alt="Whiteboard with the Q3 plan" class="wp-image-4315" srcset="https://news.example/wp-content/uploads/2025/06/whiteboard-1024x768.jpg 1024w, https://news.example/wp-content/uploads/2025/06/whiteboard-300x225.jpg 300w" sizes="(max-width: 1024px) 100vw, 1024px" /></figure>\n\n\n\n<p>Badge readers go live on Monday &amp; visitors sign in at the desk.</p>\n',
    protected: false,
  },
  excerpt: { rendered: '<p>We moved into the new lab this week. Badge readers go live on Monday &amp; visitors sign in at the desk.</p>\n', protected: false },
  author: 2,
  featured_media: 4314,
  comment_status: 'closed',
  ping_status: 'open',
  sticky: false,
  template: '',
  format: 'standard',
  meta: { footnotes: '' },
  categories: [3],
  tags: [12, 15],
  class_list: ['post-4312', 'post', 'type-post', 'status-publish', 'format-standard', 'has-post-thumbnail', 'hentry', 'category-company'],
  _embedded: {
    author: [{ id: 2, name: 'Jane Doe', url: '', description: '', link: 'https://news.example/author/jane/', slug: 'jane', avatar_urls: {} }],
    'wp:featuredmedia': [
      {
        id: 4314,
        date: '2025-06-03T11:10:02',
        slug: 'lab-door',
        type: 'attachment',
        link: 'https://news.example/2025/06/03/inside-the-new-lab/lab-door/',
        title: { rendered: 'lab-door' },
        author: 2,
        featured_media: 0,
        caption: { rendered: '' },
        alt_text: 'The lab door with its badge reader',
        media_type: 'image',
        mime_type: 'image/jpeg',
        media_details: { width: 2048, height: 1365, file: '2025/06/lab-door.jpg', filesize: 412345, sizes: {} },
        source_url: 'https://news.example/wp-content/uploads/2025/06/lab-door.jpg',
      },
    ],
  },
};

describe('wordpressPostId', () => {
  it('puts the site host and path before the post id, so two sites never share an id', () => {
    expect(wordpressPostId('https://news.example', 42)).toBe('news.example#42');
    expect(wordpressPostId('https://blogs.example:8443/news', '42')).toBe('blogs.example:8443/news#42');
    expect(wordpressPostId('https://other.example', 42)).not.toBe(wordpressPostId('https://news.example', 42));
  });
});

describe('wordpressPostToCollected', () => {
  const post = wordpressPostToCollected(wordpressPostSchema.parse(WORDPRESS_POST), 'https://news.example', 'news.example');

  it('reads id, UTC time from date_gmt, permalink and the embedded author', () => {
    expect(post).toMatchObject({
      platform: 'wordpress',
      externalId: 'news.example#4312',
      publishedAt: '2025-06-03T09:15:00.000Z',
      permalink: 'https://news.example/2025/06/03/inside-the-new-lab/',
      author: 'Jane Doe',
      isRepost: false,
    });
  });

  it('puts the decoded title above the content paragraphs', () => {
    expect(post.text).toBe(
      'Inside the new lab – R&D’s “home”\n\nWe moved into the new lab this week.\n\nBadge readers go live on Monday & visitors sign in at the desk.',
    );
  });

  it('takes the featured image, then the images of the content', () => {
    expect(post.media).toEqual([
      { url: 'https://news.example/wp-content/uploads/2025/06/lab-door.jpg', kind: 'image', alt: 'The lab door with its badge reader' },
      { url: 'https://news.example/wp-content/uploads/2025/06/whiteboard-1024x768.jpg', kind: 'image', alt: 'Whiteboard with the Q3 plan' },
    ]);
  });

  it('tolerates an embedded item the reader may not see', () => {
    const hidden = { ...WORDPRESS_POST, _embedded: { 'wp:featuredmedia': [{ code: 'rest_forbidden', message: 'Sorry, you are not allowed to do that.', data: { status: 401 } }] } };
    expect(wordpressPostToCollected(wordpressPostSchema.parse(hidden), 'https://news.example', 'news.example')).toMatchObject({
      author: 'news.example',
      media: [{ url: 'https://news.example/wp-content/uploads/2025/06/whiteboard-1024x768.jpg', kind: 'image' }],
    });
  });
});
