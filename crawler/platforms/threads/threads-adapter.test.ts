import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { generateFixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { threadsFixture } from '../../../test/fixture-platform/platforms/threads-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { launchPlainBrowserTabs } from '../../../test/support/plain-browser-tabs.js';
import type { BrowserTabs, FeedPage } from '../../platform-adapter.js';
import { threadsAdapter } from './threads-adapter.js';
import { readThreadsEmbeddedPosts } from './threads-embedded-posts.js';

const network = generateFixtureNetwork({ accounts: 2, postsPerAccount: 14, handles: ['acme', 'bob'], imageShare: 0.5, repostShare: 0.3, seed: 11 });
let server: FixtureServer;
let tabs: BrowserTabs & { close(): Promise<void> };

beforeAll(async () => {
  server = await startFixtureServer(network, [threadsFixture]);
  tabs = await launchPlainBrowserTabs();
});

afterAll(async () => {
  await tabs.close();
  await server.close();
});

const fetchProfile = (handle: string, pageToken?: string): Promise<FeedPage> =>
  threadsAdapter.fetchPage({ account: { platform: 'threads', handle }, baseUrl: server.baseUrl('threads'), pageToken }, plainAdapterContext(tabs));

const failure = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

describe('threadsAdapter against the fixture', () => {
  it('reads the first batch of a profile, newest first, with exact text and times', async () => {
    const page = await fetchProfile('acme');
    const published = network.accounts.get('acme')!.posts.slice(0, 10);
    expect(page.posts.map((post) => post.text)).toEqual(published.map((post) => post.text));
    expect(page.posts.map((post) => post.publishedAt)).toEqual(published.map((post) => post.publishedAt.toISOString()));
    expect(page.posts.every((post) => post.platform === 'threads' && post.author === 'acme')).toBe(true);
    expect(new Set(page.posts.map((post) => post.externalId)).size).toBe(10);
  });

  it('never offers a next page: a logged-out profile shows one batch', async () => {
    const page = await fetchProfile('acme');
    expect(page.nextPage).toBeUndefined();
    expect(await failure(fetchProfile('acme', 'anything'))).toBeInstanceOf(PermanentError);
  });

  it('marks reposts, keeping the reposter as author and the original as text and permalink', async () => {
    const page = await fetchProfile('acme');
    const published = network.accounts.get('acme')!.posts.slice(0, 10);
    const repostIndex = published.findIndex((post) => post.isRepost);
    expect(repostIndex).toBeGreaterThanOrEqual(0);
    const repost = page.posts[repostIndex]!;
    expect(repost).toMatchObject({ isRepost: true, author: 'acme', text: published[repostIndex]!.text });
    expect(repost.permalink).toMatch(new RegExp(`^${server.baseUrl('threads')}/@somebody_else/post/[\\w-]+$`, 'u'));
    expect(page.posts.filter((post) => !post.isRepost).length).toBe(published.filter((post) => !post.isRepost).length);
  });

  it('links every own post to /@name/post/<code> under the base URL', async () => {
    const page = await fetchProfile('@acme');
    const own = page.posts.filter((post) => !post.isRepost);
    expect(own.length).toBeGreaterThan(0);
    for (const post of own) expect(post.permalink).toMatch(new RegExp(`^${server.baseUrl('threads')}/@acme/post/[\\w-]+$`, 'u'));
  });

  it('gives the widest rendition of every picture as an absolute URL, carousels in order, with alt text', async () => {
    const page = await fetchProfile('https://www.threads.net/@acme/');
    const published = network.accounts.get('acme')!.posts.slice(0, 10);
    expect(published.some((post) => post.images.length === 2)).toBe(true);
    page.posts.forEach((post, index) => {
      const images = published[index]!.images;
      expect(post.media).toEqual(
        images.map((image) => ({ kind: 'image', url: `${server.origin}/media/${image.id}.jpg`, ...(image.alt === undefined ? {} : { alt: image.alt }) })),
      );
    });
  });

  it('reports a login wall as PlatformBlockedError without getting past it', async () => {
    server.setFault('threads', { kind: 'login-wall', times: 1 });
    const error = await failure(fetchProfile('acme'));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).platform).toBe('threads');
    expect((error as PlatformBlockedError).reason).toMatch(/login wall/u);
  });

  it('reports a profile nobody holds as NotFoundError', async () => {
    const error = await failure(fetchProfile('nobody.here'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).id).toBe('nobody.here');
  });

  it('reports a truncated page as a PermanentError naming threads, not a TypeError or a wall', async () => {
    server.setFault('threads', { kind: 'malformed', times: 1 });
    const error = await failure(fetchProfile('acme'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(PlatformBlockedError);
    expect((error as Error).message).toMatch(/^threads: .*not valid JSON/u);
  });

  it('turns a rate limit into a TransientError carrying Retry-After', async () => {
    server.setFault('threads', { kind: 'rate-limit', retryAfterSeconds: 30, times: 1 });
    const error = await failure(fetchProfile('acme'));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(30_000);
  });

  it('refuses a handle that is not a Threads profile before opening a tab', async () => {
    for (const handle of ['https://example.com/@acme', 'not a name', 'https://www.threads.net/acme']) {
      expect(await failure(fetchProfile(handle))).toBeInstanceOf(InputValidationError);
    }
  });
});

// A profile page's posts block as Threads serves it (the Relay preloader nesting, Meta's escaping
// of `<`, `&` and `/`, renditions smallest first), shortened to three entries: a post with a
// picture, a repost of a carousel, and a quoted thread of someone else that is not the profile's.
const REAL_SHAPE_PAGE = String.raw`<!DOCTYPE html><html id="facebook" lang="en"><head><title>Jane (@jane.doe) &#x2022; Threads, Say more</title>
<script type="application/json" data-content-len="193" data-sjs>{"require":[["ScheduledServerJS","handle",null,[{"__bbox":{"define":[["CurrentUserInitialData",[],{"ACCOUNT_ID":"0","USER_ID":"0","NAME":"","APP_ID":"238260118697367"},270]]}}]]]}</script>
</head><body><div role="main"><h1>Jane</h1></div>
<script type="application/json" data-content-len="3120" data-sjs>{"require":[["ScheduledServerJS","handle",null,[{"__bbox":{"require":[["RelayPrefetchedStreamCache","next",[],["adp_BarcelonaProfileThreadsTabQueryRelayPreloader_66f1c3e2b4a9d1f07",{"__bbox":{"complete":true,"result":{"data":{"mediaData":{"edges":[{"node":{"thread_items":[{"post":{"pk":"3478123456789012345","id":"3478123456789012345_63055343223","code":"DBEc8-fRqKZ","caption":{"text":"Badge day \u2014 first week at the lab.\nWhiteboard says \u003Cdraft\u003E Q3 \u0026 Q4","pk":"18060000000000001"},"caption_is_edited":false,"taken_at":1732104000,"like_count":12,"user":{"username":"jane.doe","profile_pic_url":"https:\/\/scontent-ams2-1.cdninstagram.com\/v\/t51.2885-19\/461_n.jpg","is_verified":false,"pk":"63055343223","id":null},"image_versions2":{"candidates":[{"url":"https:\/\/scontent-ams2-1.cdninstagram.com\/v\/t51.29350-15\/4655_n.jpg?stp=dst-jpg_e35_s640x640_sh0.08&_nc_ht=scontent-ams2-1.cdninstagram.com","width":640,"height":800,"__typename":"XDTImageCandidate"},{"url":"https:\/\/scontent-ams2-1.cdninstagram.com\/v\/t51.29350-15\/4655_n.jpg?_nc_ht=scontent-ams2-1.cdninstagram.com","width":1440,"height":1800,"__typename":"XDTImageCandidate"}]},"original_width":1440,"original_height":1800,"video_versions":null,"carousel_media":null,"carousel_media_count":null,"accessibility_caption":"Photo by Jane on November 20, 2024. May be an image of whiteboard and text.","has_audio":null,"media_overlay_info":null,"text_post_app_info":{"is_post_unavailable":false,"share_info":{"quoted_post":null,"reposted_post":null,"is_reposted_by_viewer":false},"reply_to_author":null,"direct_reply_count":3,"link_preview_attachment":null}},"line_type":"none","view_replies_cta_string":"3 replies","reply_facepile_users":[],"should_show_replies_cta":true,"__typename":"XDTThreadItem"}],"thread_type":"thread","header":null,"id":"3478123456789012345","__typename":"XDTThread"},"cursor":"QVFIUjBhX2Z4","__typename":"XDTUserTextPostsResponseEdge"},{"node":{"thread_items":[{"post":{"pk":"3477999999999999999","id":"3477999999999999999_63055343223","code":"DBEZ1aaSome","caption":null,"taken_at":1732017600,"user":{"username":"jane.doe","is_verified":false,"pk":"63055343223","id":null},"image_versions2":{"candidates":[]},"video_versions":null,"carousel_media":null,"text_post_app_info":{"is_post_unavailable":false,"share_info":{"quoted_post":null,"reposted_post":{"pk":"3470000000000000001","id":"3470000000000000001_314216","code":"DAzQ0origXY","caption":{"text":"Two photos from the launch"},"taken_at":1731931200,"user":{"username":"zuck","is_verified":true,"pk":"314216","id":null},"image_versions2":{"candidates":[{"url":"https:\/\/scontent.cdninstagram.com\/v\/t51.29350-15\/a_n.jpg","width":1080,"height":1080}]},"video_versions":null,"carousel_media":[{"image_versions2":{"candidates":[{"url":"https:\/\/scontent.cdninstagram.com\/v\/t51.29350-15\/a_n.jpg","width":1080,"height":1080}]},"video_versions":null,"accessibility_caption":null,"pk":"3470000000000000002"},{"image_versions2":{"candidates":[]},"video_versions":[{"type":101,"url":"https:\/\/scontent.cdninstagram.com\/o1\/v\/t16\/b.mp4","__typename":"XDTVideoVersion"}],"accessibility_caption":null,"pk":"3470000000000000003"}],"carousel_media_count":2,"text_post_app_info":{"is_post_unavailable":false,"share_info":{"quoted_post":null,"reposted_post":null}}}},"reply_to_author":null}},"line_type":"none","__typename":"XDTThreadItem"}],"thread_type":"thread","id":"3477999999999999999","__typename":"XDTThread"},"cursor":"QVFIUjBhX2Z5","__typename":"XDTUserTextPostsResponseEdge"},{"node":{"thread_items":[{"post":{"pk":"3476000000000000000","code":"DBAaquoted01","caption":{"text":"Someone else's thread, preloaded for a quote"},"taken_at":1732110000,"user":{"username":"mosseri","pk":"95561","id":null},"image_versions2":{"candidates":[]},"text_post_app_info":{"share_info":{"quoted_post":null,"reposted_post":null}}},"line_type":"none","__typename":"XDTThreadItem"}],"thread_type":"thread","id":"3476000000000000000","__typename":"XDTThread"},"cursor":"QVFIUjBhX2Z6","__typename":"XDTUserTextPostsResponseEdge"}],"page_info":{"end_cursor":"QVFIUjBhX2Z6","has_next_page":true}}},"extensions":{"is_final":true}},"sequence_number":0}}]]]}}]]]}</script>
</body></html>`;

describe('readThreadsEmbeddedPosts', () => {
  const context = { username: 'jane.doe', baseUrl: 'https://www.threads.net', pageUrl: 'https://www.threads.net/@jane.doe' };

  it('reads posts from Threads embedded JSON in its real shape', () => {
    const { posts, brokenBlocks } = readThreadsEmbeddedPosts(REAL_SHAPE_PAGE, context);
    expect(brokenBlocks).toBe(0);
    expect(posts).toEqual([
      {
        platform: 'threads',
        externalId: '3478123456789012345',
        permalink: 'https://www.threads.net/@jane.doe/post/DBEc8-fRqKZ',
        author: 'jane.doe',
        publishedAt: '2024-11-20T12:00:00.000Z',
        text: 'Badge day — first week at the lab.\nWhiteboard says <draft> Q3 & Q4',
        isRepost: false,
        media: [
          {
            kind: 'image',
            url: 'https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/4655_n.jpg?_nc_ht=scontent-ams2-1.cdninstagram.com',
            alt: 'Photo by Jane on November 20, 2024. May be an image of whiteboard and text.',
          },
        ],
      },
      {
        platform: 'threads',
        externalId: '3477999999999999999',
        permalink: 'https://www.threads.net/@zuck/post/DAzQ0origXY',
        author: 'jane.doe',
        publishedAt: '2024-11-19T12:00:00.000Z',
        text: 'Two photos from the launch',
        isRepost: true,
        media: [
          { kind: 'image', url: 'https://scontent.cdninstagram.com/v/t51.29350-15/a_n.jpg' },
          { kind: 'video', url: 'https://scontent.cdninstagram.com/o1/v/t16/b.mp4' },
        ],
      },
    ]);
  });

  it('tells a page without a feed (posts undefined) from a feed with no posts (empty list)', () => {
    const noFeed = '<html><body><script type="application/json" data-sjs>{"require":[]}</script></body></html>';
    expect(readThreadsEmbeddedPosts(noFeed, context).posts).toBeUndefined();
    const emptyFeed = '<html><body><script type="application/json" data-sjs>{"data":{"mediaData":{"edges":[{"node":{"thread_items":[]}}]}}}</script></body></html>';
    expect(readThreadsEmbeddedPosts(emptyFeed, context).posts).toEqual([]);
  });

  it('leaves out an entry that is not a post as Threads sends it, naming its id and the missing field', () => {
    const good = '{"post":{"pk":"2","code":"B","taken_at":1767225600,"caption":{"text":"Hello"},"user":{"username":"jane.doe"}}}';
    const broken = `<html><body><script type="application/json" data-sjs>{"thread_items":[{"post":{"pk":"1","code":"A","user":{"username":"jane.doe"}}},${good}]}</script></body></html>`;
    const read = readThreadsEmbeddedPosts(broken, context);
    expect(read.posts?.map((post) => post.externalId)).toEqual(['2']);
    expect(read.unreadable).toHaveLength(1);
    expect(read.unreadable[0]?.externalId).toBe('1');
    expect(read.unreadable[0]?.reason).toMatch(/^entry 1 is not a post as Threads sends it at post\.taken_at/u);
  });
});
