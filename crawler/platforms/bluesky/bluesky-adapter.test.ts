import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { AccountCursor, CollectedPost, PageRequest } from '../../platform-adapter.js';
import { generateFixtureNetwork, type FixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { blueskyFixture } from '../../../test/fixture-platform/platforms/bluesky-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { collectPosts } from '../../collect-posts.js';
import { BLUESKY_PAGE_SIZE, BLUESKY_RESCAN_FIRST_PAGE_SIZE, blueskyAdapter, normalizeBlueskyActor } from './bluesky-adapter.js';
import { readAuthorFeed } from './read-author-feed.js';

const HANDLES = ['acme', 'bob', 'carol'];
let network: FixtureNetwork;
let server: FixtureServer;

beforeAll(async () => {
  network = generateFixtureNetwork({ accounts: 3, postsPerAccount: 25, handles: HANDLES, imageShare: 0.4, repostShare: 0.2 });
  // One account longer than a page of 100, so that paging is exercised.
  network.publish('acme', BLUESKY_PAGE_SIZE);
  server = await startFixtureServer(network, [blueskyFixture]);
});

afterAll(async () => {
  await server.close();
});

function request(handle: string, pageToken?: string): PageRequest {
  return { account: { platform: 'bluesky', handle }, baseUrl: server.baseUrl('bluesky'), pageToken };
}

async function collectAll(handle: string): Promise<{ posts: CollectedPost[]; pages: number }> {
  const posts: CollectedPost[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await blueskyAdapter.fetchPage(request(handle, pageToken), plainAdapterContext());
    posts.push(...page.posts);
    pageToken = page.nextPage;
    pages += 1;
  } while (pageToken !== undefined && pages < 20);
  return { posts, pages };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the adapter should have thrown'),
    (error: unknown) => error,
  );
}

describe('blueskyAdapter against the fixture AppView', () => {
  it('collects every post across pages, newest first, with text, times, reposts, full-size media and permalinks', async () => {
    for (const handle of HANDLES) {
      const account = network.accounts.get(handle)!;
      const { posts, pages } = await collectAll(handle);
      // The AppView sends a cursor with every non-empty page, so the end shows as one empty page.
      expect(pages).toBe(Math.ceil(account.posts.length / BLUESKY_PAGE_SIZE) + 1);
      expect(posts.map((post) => post.text)).toEqual(account.posts.map((post) => post.text));
      for (const [index, published] of account.posts.entries()) {
        const post = posts[index]!;
        expect(post.text.endsWith(`#${handle}-${published.id}`)).toBe(true);
        expect(post.publishedAt).toBe(published.publishedAt.toISOString());
        expect(post.isRepost).toBe(published.isRepost);
        expect(post.author).toBe(`${handle}.bsky.social`);
        expect(post.media).toEqual(
          published.images.map((image) => ({ url: `${server.origin}/media/${image.id}.jpg`, kind: 'image', ...(image.alt === undefined ? {} : { alt: image.alt }) })),
        );
        if (published.isRepost) {
          expect(post.externalId).toMatch(/^at:\/\/did:plc:[a-z2-7]{24}\/app\.bsky\.feed\.repost\/[2-7a-z]{13}$/u);
          expect(post.permalink).toMatch(/^https:\/\/bsky\.app\/profile\/somebody_else\.bsky\.social\/post\/[2-7a-z]{13}$/u);
        } else {
          const rkey = /^at:\/\/did:plc:[a-z2-7]{24}\/app\.bsky\.feed\.post\/([2-7a-z]{13})$/u.exec(post.externalId)?.[1];
          expect(post.permalink).toBe(`https://bsky.app/profile/${handle}.bsky.social/post/${rkey ?? 'missing'}`);
        }
      }
      expect(new Set(posts.map((post) => post.externalId)).size).toBe(posts.length);
    }
  });

  it('asks for 100 posts a page with replies included', async () => {
    await blueskyAdapter.fetchPage(request('carol'), plainAdapterContext());
    const asked = new URL(server.requests.at(-1)!.path, server.origin);
    expect(asked.pathname).toBe('/bluesky/xrpc/app.bsky.feed.getAuthorFeed');
    expect(Object.fromEntries(asked.searchParams)).toEqual({ actor: 'carol.bsky.social', limit: '100', filter: 'posts_with_replies' });
  });

  it('collects reposts as the reposting account, at the time of the repost', async () => {
    const { posts } = await collectAll('acme');
    const reposts = posts.filter((post) => post.isRepost);
    expect(reposts.length).toBeGreaterThan(0);
    for (const repost of reposts) {
      expect(repost.author).toBe('acme.bsky.social');
      expect(repost.permalink).toMatch(/^https:\/\/bsky\.app\/profile\/somebody_else\.bsky\.social\/post\//u);
    }
  });

  it('collects a quote post with pictures with its own pictures only, and no link-card thumbnails', async () => {
    const { posts } = await collectAll('acme');
    const urls = posts.flatMap((post) => post.media.map((media) => media.url));
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => /\/(?:thumb-|quoted-|card-)/u.test(url))).toEqual([]);
    // The fixture draws a non-repost with pictures and an even id as a quote with media.
    expect(network.accounts.get('acme')!.posts.some((post) => !post.isRepost && post.images.length > 0 && post.id % 2 === 0)).toBe(true);
  });

  it('reads the same account from acme, @acme.bsky.social, a profile link and its DID', async () => {
    const first = await blueskyAdapter.fetchPage(request('acme'), plainAdapterContext());
    const expected = first.posts.map((post) => post.externalId);
    const did = /^at:\/\/(did:plc:[a-z2-7]+)\/app\.bsky\.feed\.post\//u.exec(first.posts.find((post) => !post.isRepost)!.externalId)![1]!;
    for (const handle of ['@acme.bsky.social', 'ACME.bsky.social', 'https://bsky.app/profile/acme.bsky.social', 'bsky.app/profile/acme.bsky.social/post/3l2abc', did, `at://${did}`]) {
      const page = await blueskyAdapter.fetchPage(request(handle), plainAdapterContext());
      expect(page.posts.map((post) => post.externalId)).toEqual(expected);
    }
  });

  it('reports an unknown actor as not found', async () => {
    const error = await failureOf(blueskyAdapter.fetchPage(request('nobody.bsky.social'), plainAdapterContext()));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: 'bluesky account', id: 'nobody.bsky.social' });
  });

  it('reports a logged-in-only profile and a blocking account as blocked', async () => {
    for (const handle of ['private.bsky.social', 'blocker.bsky.social']) {
      const error = await failureOf(blueskyAdapter.fetchPage(request(handle), plainAdapterContext()));
      expect(error).toBeInstanceOf(PlatformBlockedError);
      expect((error as PlatformBlockedError).platform).toBe('bluesky');
    }
    server.setFault('bluesky', { kind: 'login-wall', times: 1 });
    expect(await failureOf(blueskyAdapter.fetchPage(request('acme'), plainAdapterContext()))).toBeInstanceOf(PlatformBlockedError);
  });

  it('refuses cut-off JSON with a PermanentError naming bluesky', async () => {
    server.setFault('bluesky', { kind: 'malformed', times: 1 });
    const error = await failureOf(blueskyAdapter.fetchPage(request('acme'), plainAdapterContext()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/^bluesky: /u);
  });

  it("shows the account's display name and avatar on the newest page only", async () => {
    const first = await blueskyAdapter.fetchPage(request('acme'), plainAdapterContext());
    expect(first.profile).toEqual({ displayName: 'Fixture acme', avatarUrl: `${server.origin}/media/avatar-acme.jpg` });
    const second = await blueskyAdapter.fetchPage(request('acme', first.nextPage), plainAdapterContext());
    expect(second.posts.length).toBeGreaterThan(0);
    expect(second.profile).toBeUndefined();
  });

  it('rejects a name that can be neither a handle nor a DID without asking the AppView', () => {
    for (const handle of ['not a handle', 'https://bsky.app/profile/a%', '-bad-.bsky.social', '']) {
      expect(() => normalizeBlueskyActor(handle), handle).toThrow(InputValidationError);
    }
    expect(() => normalizeBlueskyActor('not a handle')).toThrow(/handle: "not a handle" is neither a Bluesky handle/u);
    expect(normalizeBlueskyActor('@Alice.Example.COM')).toBe('alice.example.com');
  });
});

describe('blueskyAdapter on a rescan', () => {
  let rescanServer: FixtureServer;
  const rescanNetwork = generateFixtureNetwork({ accounts: 1, postsPerAccount: 20, handles: ['delta'], seed: 3 });
  beforeAll(async () => {
    rescanServer = await startFixtureServer(rescanNetwork, [blueskyFixture]);
  });
  afterAll(() => rescanServer.close());

  const collect = (cursor?: AccountCursor) =>
    collectPosts(blueskyAdapter, { platform: 'bluesky', handle: 'delta' }, rescanServer.baseUrl('bluesky'), plainAdapterContext(), {
      backfillPosts: 200,
      ...(cursor === undefined ? {} : { cursor }),
    });
  const requestsOf = async <T>(work: () => Promise<T>): Promise<{ sent: { limit: string | null; cursor: string | null; status: number }[]; result: T }> => {
    const before = rescanServer.requests.length;
    const result = await work();
    const sent = rescanServer.requests.slice(before).map((request) => {
      const query = new URL(request.path, rescanServer.origin).searchParams;
      return { limit: query.get('limit'), cursor: query.get('cursor'), status: request.status };
    });
    return { sent, result };
  };

  it('asks for a first page of 10 and returns exactly the new posts', async () => {
    const first = await collect();
    expect(first.posts).toHaveLength(20);
    const added = rescanNetwork.publish('delta', 3);
    const { sent, result } = await requestsOf(() => collect(first.cursor));
    expect(sent).toEqual([{ limit: String(BLUESKY_RESCAN_FIRST_PAGE_SIZE), cursor: null, status: 200 }]);
    expect(result.posts.map((post) => post.text)).toEqual(added.reverse().map((post) => post.text));
    expect(result.stoppedBecause).toBe('cursor');
  });

  it('costs one page of 10 when nothing is new', async () => {
    const { cursor } = await collect();
    const { sent, result } = await requestsOf(() => collect(cursor));
    expect(sent.map((request) => request.limit)).toEqual([String(BLUESKY_RESCAN_FIRST_PAGE_SIZE)]);
    expect(result.posts).toEqual([]);
  });

  it('asks for full pages of 100 after the first when more is new than 10 posts', async () => {
    const { cursor } = await collect();
    const added = rescanNetwork.publish('delta', 25);
    const { sent, result } = await requestsOf(() => collect(cursor));
    expect(sent.map((request) => request.limit)).toEqual([String(BLUESKY_RESCAN_FIRST_PAGE_SIZE), String(BLUESKY_PAGE_SIZE)]);
    expect(sent[1]?.cursor).not.toBeNull();
    expect(result.posts.map((post) => post.text)).toEqual(added.reverse().map((post) => post.text));
  });
});

// A hand-written answer in the AppView's real format (abridged from a live getAuthorFeed answer):
// a pin, a repost with the repost record's uri, a quote with media, a video, a link card and a reply.
const REAL_ANSWER = {
  feed: [
    {
      post: {
        uri: 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kqtolx4ghj2a',
        cid: 'bafyreihsgnbo6nrqc5gz6atvaaovtcqzjxlhemzkdgtlmvu2kdwavzjpuu',
        author: { did: 'did:plc:z72i7hdynmk6r22z27h6tvur', handle: 'acme.example.com', displayName: 'Acme', labels: [], createdAt: '2023-04-12T04:53:57.057Z' },
        record: { $type: 'app.bsky.feed.post', createdAt: '2024-01-05T10:00:00.000Z', langs: ['en'], text: 'Pinned: who we are' },
        replyCount: 3, repostCount: 9, likeCount: 40, quoteCount: 0, indexedAt: '2024-01-05T10:00:00.412Z', labels: [],
      },
      reason: { $type: 'app.bsky.feed.defs#reasonPin' },
    },
    {
      post: {
        uri: 'at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbq5uxjzak2s',
        cid: 'bafyreiaoqe3cnqe2cb2cssrpmbgl5hdwmp3lkhjvyzyhzhr3fi4chc2wzy',
        author: { did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', handle: 'partner.bsky.social', displayName: 'Partner', labels: [] },
        record: { $type: 'app.bsky.feed.post', createdAt: '2026-11-18T08:00:00.000Z', text: 'Our joint booth 🎉\r\nHall 4', langs: ['en'] },
        embed: {
          $type: 'app.bsky.embed.video#view',
          cid: 'bafkreifhpb7y2h3rs4dsbsa6skgx2cvgezbgzqtdh5ofpqvtbiowbtgrmm',
          playlist: 'https://video.bsky.app/watch/did%3Aplc%3Aewvi7nxzyoun6zhxrhs64oiz/bafkreifhpb7y2h3rs4dsbsa6skgx2cvgezbgzqtdh5ofpqvtbiowbtgrmm/playlist.m3u8',
          thumbnail: 'https://video.bsky.app/watch/did%3Aplc%3Aewvi7nxzyoun6zhxrhs64oiz/bafkreifhpb7y2h3rs4dsbsa6skgx2cvgezbgzqtdh5ofpqvtbiowbtgrmm/thumbnail.jpg',
          alt: 'Walk through the booth',
          aspectRatio: { height: 1080, width: 1920 },
        },
        replyCount: 0, repostCount: 2, likeCount: 5, quoteCount: 0, indexedAt: '2026-11-18T08:00:01.120Z', labels: [],
      },
      reason: {
        $type: 'app.bsky.feed.defs#reasonRepost',
        by: { did: 'did:plc:z72i7hdynmk6r22z27h6tvur', handle: 'acme.example.com', displayName: 'Acme', labels: [] },
        uri: 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.repost/3lbqa2hd4ss2c',
        cid: 'bafyreid5qd5zqhhvq6mskfpsoayo3yejyx4fjegnp3gbfgmuvkqrpqzwqi',
        indexedAt: '2026-11-19T09:30:00.000Z',
      },
    },
    {
      post: {
        uri: 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbp4tnpmcs2k',
        cid: 'bafyreibf2hpmhgyeyqnfm6lnhxrwqkyiaqx63dnyqzrp2ba3wtwdfuehwi',
        author: { did: 'did:plc:z72i7hdynmk6r22z27h6tvur', handle: 'acme.example.com', displayName: 'Acme', labels: [] },
        record: {
          $type: 'app.bsky.feed.post',
          createdAt: '2026-11-18T07:59:00.000Z',
          text: 'Whiteboard from planning, see the thread #roadmap',
          facets: [{ index: { byteStart: 41, byteEnd: 49 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'roadmap' }] }],
          embed: { $type: 'app.bsky.embed.recordWithMedia', media: { $type: 'app.bsky.embed.images', images: [] }, record: { $type: 'app.bsky.embed.record', record: {} } },
        },
        embed: {
          $type: 'app.bsky.embed.recordWithMedia#view',
          media: {
            $type: 'app.bsky.embed.images#view',
            images: [
              {
                thumb: 'https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:z72i7hdynmk6r22z27h6tvur/bafkreia3v6fuyvz5dm2oe7wjhvxkdcr6hk4lzkm4opfa2mwsqvhgyipjqe@jpeg',
                fullsize: 'https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:z72i7hdynmk6r22z27h6tvur/bafkreia3v6fuyvz5dm2oe7wjhvxkdcr6hk4lzkm4opfa2mwsqvhgyipjqe@jpeg',
                alt: 'Whiteboard with the Q3 plan',
                aspectRatio: { height: 1536, width: 2048 },
              },
            ],
          },
          record: {
            $type: 'app.bsky.embed.record#view',
            record: {
              $type: 'app.bsky.embed.record#viewRecord',
              uri: 'at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbo2zzqwes2y',
              cid: 'bafyreihq5aekqh7xbrtwxz4mcp5xw4ef4zqzpf6easkmrkyudmxhg7xkiy',
              author: { did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', handle: 'partner.bsky.social', labels: [] },
              value: { $type: 'app.bsky.feed.post', createdAt: '2026-11-17T12:00:00.000Z', text: 'Planning day' },
              embeds: [{ $type: 'app.bsky.embed.images#view', images: [{ thumb: 'https://cdn.bsky.app/img/feed_thumbnail/plain/x@jpeg', fullsize: 'https://cdn.bsky.app/img/feed_fullsize/plain/quoted@jpeg', alt: '' }] }],
              indexedAt: '2026-11-17T12:00:00.500Z',
            },
          },
        },
        replyCount: 1, repostCount: 0, likeCount: 2, quoteCount: 0, indexedAt: '2026-11-18T07:59:00.301Z', labels: [],
      },
    },
    {
      post: {
        uri: 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbnxyeqxhk2f',
        cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
        author: { did: 'did:plc:z72i7hdynmk6r22z27h6tvur', handle: 'handle.invalid', labels: [] },
        // A back-dated claim: the post was indexed at 06:00 but says it was written in 2030.
        record: { $type: 'app.bsky.feed.post', createdAt: '2030-01-01T00:00:00.000Z', text: 'Agreed, see https://example.com/lon…', reply: { root: { uri: 'at://x', cid: 'y' }, parent: { uri: 'at://x', cid: 'y' } } },
        embed: { $type: 'app.bsky.embed.external#view', external: { uri: 'https://example.com/long/article', title: 'Article', description: '', thumb: 'https://cdn.bsky.app/img/feed_thumbnail/plain/card@jpeg' } },
        replyCount: 0, repostCount: 0, likeCount: 0, quoteCount: 0, indexedAt: '2026-11-18T06:00:00.000Z', labels: [],
      },
      reply: { root: {}, parent: {} },
    },
  ],
  cursor: '2026-11-18T06:00:00.000Z',
};

describe('readAuthorFeed on a real AppView answer', () => {
  const page = readAuthorFeed(REAL_ANSWER, 'https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=acme.example.com', undefined);

  it('skips the pinned post, keeps feed order newest first and passes the cursor on', () => {
    expect(page.posts.map((post) => post.text)).toEqual(['Our joint booth 🎉\nHall 4', 'Whiteboard from planning, see the thread #roadmap', 'Agreed, see https://example.com/lon…']);
    expect(page.nextPage).toBe('2026-11-18T06:00:00.000Z');
  });

  it('reads a repost as the reposting account at the time of the repost, with its own id', () => {
    expect(page.posts[0]).toEqual({
      platform: 'bluesky',
      externalId: 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.repost/3lbqa2hd4ss2c',
      permalink: 'https://bsky.app/profile/partner.bsky.social/post/3lbq5uxjzak2s',
      author: 'acme.example.com',
      publishedAt: '2026-11-19T09:30:00.000Z',
      text: 'Our joint booth 🎉\nHall 4',
      isRepost: true,
      media: [
        {
          url: 'https://video.bsky.app/watch/did%3Aplc%3Aewvi7nxzyoun6zhxrhs64oiz/bafkreifhpb7y2h3rs4dsbsa6skgx2cvgezbgzqtdh5ofpqvtbiowbtgrmm/playlist.m3u8',
          kind: 'video',
          alt: 'Walk through the booth',
        },
      ],
    });
  });

  it('takes the full-size picture of a quote with media, not the quoted post’s', () => {
    expect(page.posts[1]?.media).toEqual([
      {
        url: 'https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:z72i7hdynmk6r22z27h6tvur/bafkreia3v6fuyvz5dm2oe7wjhvxkdcr6hk4lzkm4opfa2mwsqvhgyipjqe@jpeg',
        kind: 'image',
        alt: 'Whiteboard with the Q3 plan',
      },
    ]);
    expect(page.posts[1]?.publishedAt).toBe('2026-11-18T07:59:00.000Z');
  });

  it('dates a back-dated post by when it was indexed and links a handle.invalid author by DID', () => {
    expect(page.posts[2]).toMatchObject({
      publishedAt: '2026-11-18T06:00:00.000Z',
      permalink: 'https://bsky.app/profile/did%3Aplc%3Az72i7hdynmk6r22z27h6tvur/post/3lbnxyeqxhk2f',
      media: [],
    });
  });

  it('takes the profile from the reposting account when the newest item is a repost, and none from a later page', () => {
    const [, repost, ...rest] = REAL_ANSWER.feed;
    const fromRepost = readAuthorFeed({ ...REAL_ANSWER, feed: [repost, ...rest] }, 'https://public.api.bsky.app/xrpc/x', undefined);
    expect(fromRepost.profile).toEqual({ displayName: 'Acme' });
    expect(page.profile).toEqual({ displayName: 'Acme' });
    expect(readAuthorFeed(REAL_ANSWER, 'https://public.api.bsky.app/xrpc/x', '2026-11-20T00:00:00.000Z').profile).toBeUndefined();
  });

  it('stops paging when a page is empty or the cursor does not move', () => {
    expect(readAuthorFeed({ feed: [], cursor: 'x' }, 'https://public.api.bsky.app/', 'w').nextPage).toBeUndefined();
    expect(readAuthorFeed({ ...REAL_ANSWER, cursor: 'same' }, 'https://public.api.bsky.app/', 'same').nextPage).toBeUndefined();
  });

  it('refuses an answer that is not a feed with a PermanentError naming bluesky, never a TypeError', () => {
    for (const broken of [null, { feed: 'nope' }, { cursor: 'x' }]) {
      expect(() => readAuthorFeed(broken, 'https://public.api.bsky.app/', undefined)).toThrow(/^bluesky: /u);
      expect(() => readAuthorFeed(broken, 'https://public.api.bsky.app/', undefined)).toThrow(PermanentError);
    }
  });

  it('leaves out an item of an unexpected shape or with a broken embed, naming it, and keeps the others', () => {
    const good = REAL_ANSWER.feed[2]!;
    const brokenEmbed = { post: { ...good.post, uri: 'at://did:plc:x/app.bsky.feed.post/3broken', embed: { $type: 'app.bsky.embed.images#view', images: [{}] } } };
    const repostWithoutBy = { post: good.post, reason: { $type: 'app.bsky.feed.defs#reasonRepost', uri: 'at://did:plc:x/app.bsky.feed.repost/3r' } };
    const page = readAuthorFeed({ feed: [{ post: { uri: 'at://x' } }, brokenEmbed, repostWithoutBy, good] }, 'https://public.api.bsky.app/', undefined);
    expect(page.posts.map((post) => post.externalId)).toEqual([good.post.uri]);
    expect(page.unreadable.map((item) => item.externalId)).toEqual(['at://x', 'at://did:plc:x/app.bsky.feed.post/3broken', 'at://did:plc:x/app.bsky.feed.repost/3r']);
    expect(page.unreadable[1]?.reason).toBe('its app.bsky.embed.images#view embed has an unexpected shape');
  });
});
