import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { generateFixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { mastodonFixture } from '../../../test/fixture-platform/platforms/mastodon-fixture.js';
import { capturingLogger } from '../../../test/support/capturing-logger.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import type { AccountCursor, CollectedPost, FeedPage } from '../../platform-adapter.js';
import { collectPosts } from '../../collect-posts.js';
import { mastodonAdapter, nextLinkUrl } from './mastodon-adapter.js';

const network = generateFixtureNetwork({ accounts: 2, postsPerAccount: 50, imageShare: 0.5, repostShare: 0.2, handles: ['acme', 'bob'] });
const acme = network.accounts.get('acme')!;
let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer(network, [mastodonFixture]);
});
afterEach(() => server.clearFaults());
afterAll(() => server.close());

interface PageOptions {
  baseUrl?: string;
  ownBaseUrl?: boolean;
  pageToken?: string;
  cursor?: AccountCursor;
}

const fetchPage = (handle: string, options: PageOptions = {}): Promise<FeedPage> => {
  const baseUrl = options.baseUrl ?? server.baseUrl('mastodon');
  return mastodonAdapter.fetchPage(
    {
      account: { platform: 'mastodon', handle, ...(options.ownBaseUrl === true ? { baseUrl } : {}) },
      baseUrl,
      pageToken: options.pageToken,
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    },
    plainAdapterContext(),
  );
};

const collectAll = async (handle: string, options: PageOptions = {}): Promise<{ posts: CollectedPost[]; pages: number }> => {
  const posts: CollectedPost[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await fetchPage(handle, { ...options, ...(pageToken === undefined ? {} : { pageToken }) });
    posts.push(...page.posts);
    pageToken = page.nextPage;
    pages += 1;
  } while (pageToken !== undefined && pages < 20);
  return { posts, pages };
};

const tagged = (posts: CollectedPost[], id: number) => posts.find((post) => post.text.endsWith(`#acme-${id}`));

describe('mastodonAdapter against the fixture server', () => {
  it('reads every status across pages of 40, newest first, boosts included', async () => {
    const { posts, pages } = await collectAll('acme');
    expect(pages).toBe(2);
    expect(posts).toHaveLength(acme.posts.length);
    expect(posts.map((post) => post.publishedAt)).toEqual(acme.posts.map((post) => post.publishedAt.toISOString()));
    expect(new Set(posts.map((post) => post.externalId)).size).toBe(posts.length);
  });

  it('keeps text line breaks, decodes entities and keeps the #handle-id tag whole around the hashtag link', async () => {
    const { posts } = await collectAll('acme');
    for (const published of acme.posts) expect(tagged(posts, published.id)?.text).toBe(published.text);
  });

  it('marks boosts as reposts, with the boosted status as permalink and its media', async () => {
    const { posts } = await collectAll('acme');
    const boosts = acme.posts.filter((post) => post.isRepost);
    expect(boosts.length).toBeGreaterThan(0);
    for (const boost of boosts) {
      const collected = tagged(posts, boost.id)!;
      expect(collected.isRepost).toBe(true);
      expect(collected.author).toBe('acme');
      expect(collected.permalink).toMatch(/^https:\/\/social\.example\/@somebody_else\/\d+$/u);
      expect(collected.media.map((media) => media.url)).toEqual(boost.images.map((image) => `${server.origin}/media/${image.id}.jpg`));
    }
  });

  it('gives own statuses their public URL and their images with alt text', async () => {
    const { posts } = await collectAll('acme');
    const own = acme.posts.find((post) => !post.isRepost && post.images.length > 0)!;
    const collected = tagged(posts, own.id)!;
    expect(collected.externalId).toMatch(/^127\.0\.0\.1:\d+\/\d+$/u);
    expect(collected.permalink).toBe(`${server.baseUrl('mastodon')}/@acme/${collected.externalId.split('/')[1]!}`);
    expect(collected.media[0]).toEqual({ url: `${server.origin}/media/${own.images[0]!.id}.jpg`, kind: 'image', alt: own.images[0]!.alt });
  });

  it('asks only for statuses newer than the cursor on a rescan', async () => {
    const { posts } = await collectAll('acme');
    const cursorPost = posts[4]!;
    const page = await fetchPage('acme', { cursor: { externalId: cursorPost.externalId, publishedAt: cursorPost.publishedAt } });
    expect(page.posts.map((post) => post.externalId)).toEqual(posts.slice(0, 4).map((post) => post.externalId));
    expect(page.nextPage).toBeUndefined();
  });

  it('accepts a profile URL and user@host with the account naming its own base URL', async () => {
    const byUrl = await fetchPage(`${server.baseUrl('mastodon')}/@bob`, { baseUrl: 'https://mastodon.social' });
    const host = new URL(server.origin).host;
    const byAcct = await fetchPage(`@bob@${host}`, { ownBaseUrl: true });
    expect(byUrl.posts.length).toBe(40);
    expect(byAcct.posts.map((post) => post.externalId)).toEqual(byUrl.posts.map((post) => post.externalId));
  });

  it('sends X-RateLimit headers with every API answer', async () => {
    const response = await fetch(`${server.baseUrl('mastodon')}/api/v1/accounts/lookup?acct=acme`);
    expect(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((name) => response.headers.get(name) !== null)).toEqual([true, true, true]);
  });

  it('falls back to the profile RSS where the API requires a login, with the same ids', async () => {
    const { posts: viaApi } = await collectAll('acme');
    const page = await fetchPage('acme', { baseUrl: `${server.baseUrl('mastodon')}/limited` });
    expect(page.nextPage).toBeUndefined();
    const own = acme.posts.filter((post) => !post.isRepost).slice(0, 20);
    expect(page.posts.map((post) => post.text)).toEqual(own.map((post) => post.text));
    for (const post of page.posts) {
      const twin = viaApi.find((candidate) => candidate.externalId === post.externalId);
      expect(twin, post.permalink).toBeDefined();
      expect([post.publishedAt, post.author, post.isRepost, post.media]).toEqual([twin?.publishedAt, 'acme', false, twin?.media]);
      expect(post.permalink).toBe(`${server.baseUrl('mastodon')}/limited/@acme/${post.externalId.split('/')[1]!}`);
    }
  });

  it('throws PlatformBlockedError when both the API and the RSS feed want a login', async () => {
    server.setFault('mastodon', { kind: 'login-wall' });
    await expect(fetchPage('acme')).rejects.toThrow(PlatformBlockedError);
    expect(server.requests.slice(-2).map((request) => request.status)).toEqual([401, 401]);
  });

  it('throws NotFoundError for an unknown account and for an account on another server', async () => {
    await expect(fetchPage('nobody')).rejects.toThrow(NotFoundError);
    await expect(fetchPage('acme@elsewhere.example', { ownBaseUrl: true })).rejects.toThrow(NotFoundError);
  });

  it('throws a PermanentError naming mastodon for a truncated answer, on the first page or a later one', async () => {
    server.setFault('mastodon', { kind: 'malformed', times: 1 });
    await expect(fetchPage('acme')).rejects.toThrow(/^mastodon: .* not valid JSON/u);
    const first = await fetchPage('acme');
    server.setFault('mastodon', { kind: 'malformed', times: 1 });
    const error: unknown = await fetchPage('acme', { pageToken: first.nextPage! }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(TypeError);
  });

  it('refuses a page token that is not its own', async () => {
    await expect(fetchPage('acme', { pageToken: 'max_id=5' })).rejects.toThrow(PermanentError);
  });
});

describe('mastodonAdapter on a rescan', () => {
  const rescanNetwork = generateFixtureNetwork({ accounts: 1, postsPerAccount: 20, handles: ['echo'], seed: 5 });
  let rescanServer: FixtureServer;
  beforeAll(async () => {
    rescanServer = await startFixtureServer(rescanNetwork, [mastodonFixture]);
  });
  afterAll(() => rescanServer.close());

  const collect = (cursor?: AccountCursor) =>
    collectPosts(mastodonAdapter, { platform: 'mastodon', handle: 'echo' }, rescanServer.baseUrl('mastodon'), plainAdapterContext(), {
      backfillPosts: 100,
      ...(cursor === undefined ? {} : { cursor }),
    });
  /** The requests `work` sent, as `path status`, and what it returned or threw. */
  const requestsOf = async <T>(work: () => Promise<T>): Promise<{ sent: string[]; outcome: T | Error }> => {
    const before = rescanServer.requests.length;
    const outcome = await work().catch((error: unknown) => error as Error);
    return { sent: rescanServer.requests.slice(before).map((request) => `${request.path} ${request.status}`), outcome };
  };
  // The cursor's id is `host/statusId`; since_id is the status id alone.
  const statusesPath = (cursor: AccountCursor) =>
    `/mastodon/api/v1/accounts/109245000000000001/statuses?limit=40&exclude_replies=true&since_id=${cursor.externalId.split('/')[1]!}`;

  it('skips the account lookup and asks only for statuses since the cursor, returning exactly the new posts', async () => {
    const first = await collect();
    expect(first.posts).toHaveLength(20);
    const added = rescanNetwork.publish('echo', 3);
    const { sent, outcome } = await requestsOf(() => collect(first.cursor));
    expect(sent).toEqual([`${statusesPath(first.cursor!)} 200`]);
    if (outcome instanceof Error) return expect.unreachable(outcome.message);
    expect(outcome.posts.map((post) => post.text)).toEqual(added.reverse().map((post) => post.text));
    expect(outcome.cursor?.externalId).toBe(outcome.posts[0]?.externalId);
  });

  it('costs one request answered with an empty list when nothing is new', async () => {
    const { cursor } = await collect();
    const { sent, outcome } = await requestsOf(() => collect(cursor));
    expect(sent).toEqual([`${statusesPath(cursor!)} 200`]);
    expect(outcome).toMatchObject({ posts: [], cursor });
  });

  it('shows the profile on the newest page, and on a rescan from its new statuses (a changed one included)', async () => {
    const echo = rescanNetwork.accounts.get('echo')!;
    const first = await collect();
    expect(first.profile).toEqual({ displayName: 'Fixture echo', avatarUrl: `${rescanServer.origin}/media/avatar-echo.jpg` });
    const [name, avatar] = [echo.displayName, echo.avatarUrl];
    try {
      echo.displayName = 'Echo Support Team';
      echo.avatarUrl = `${rescanServer.origin}/media/avatar-echo-new.png`;
      const quiet = await collect(first.cursor);
      expect(quiet.posts).toEqual([]);
      // Nothing new: no status shows the account, and no lookup is spent on it.
      expect(quiet.profile).toBeUndefined();
      rescanNetwork.publish('echo', 1);
      const rescan = await collect(first.cursor);
      expect(rescan.profile).toEqual({ displayName: 'Echo Support Team', avatarUrl: `${rescanServer.origin}/media/avatar-echo-new.png` });
    } finally {
      echo.displayName = name;
      echo.avatarUrl = avatar;
    }
  });

  it('looks the account up again when its remembered id is gone, and forgets the id', async () => {
    const { cursor } = await collect();
    const echo = rescanNetwork.accounts.get('echo')!;
    rescanNetwork.accounts.delete('echo');
    const gone = await requestsOf(() => collect(cursor));
    expect(gone.outcome).toBeInstanceOf(NotFoundError);
    expect(gone.sent).toEqual([`${statusesPath(cursor!)} 404`, '/mastodon/api/v1/accounts/lookup?acct=echo 404']);
    rescanNetwork.accounts.set('echo', echo);
    const back = await requestsOf(() => collect(cursor));
    expect(back.sent).toEqual(['/mastodon/api/v1/accounts/lookup?acct=echo 200', `${statusesPath(cursor!)} 200`]);
    expect(back.outcome).toMatchObject({ posts: [] });
  });
});

describe('mastodonAdapter and the Link header', () => {
  let hostile: Server;
  let origin = '';
  const status = { id: '1', created_at: '2025-01-01T00:00:00.000Z', url: null, uri: 'https://x/1', content: '<p>hi</p>', account: { acct: 'eve' }, media_attachments: [], reblog: null };

  beforeAll(async () => {
    hostile = createServer((request, response) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (request.url?.startsWith('/api/v1/accounts/lookup') === true) {
        response.writeHead(200, headers);
        response.end('{"id":"9","username":"eve","acct":"eve"}');
        return;
      }
      headers.link = '<http://169.254.169.254/api/v1/accounts/9/statuses?max_id=1>; rel="next", <http://127.0.0.1/x?min_id=1>; rel="prev"';
      response.writeHead(200, headers);
      response.end(JSON.stringify([status]));
    });
    hostile.listen(0, '127.0.0.1');
    await once(hostile, 'listening');
    origin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    hostile.close();
  });

  it('refuses to follow a next link to another host', async () => {
    await expect(fetchPage('eve', { baseUrl: origin })).rejects.toThrow(/points to http:\/\/169\.254\.169\.254.*refusing/u);
  });

  it('reads rel="next" among other relations', () => {
    expect(nextLinkUrl('<https://m.example/a?min_id=2>; rel="prev", <https://m.example/a?max_id=1>; rel="next"')).toBe('https://m.example/a?max_id=1');
    expect(nextLinkUrl('<https://m.example/a?min_id=2>; rel="prev"')).toBeUndefined();
    expect(nextLinkUrl(undefined)).toBeUndefined();
  });
});

describe('mastodonAdapter with statuses it cannot read', () => {
  let answer: Server;
  let origin = '';
  let statuses: unknown[] = [];
  const SECRET = 'Revenue up 40% before the announcement';
  const status = (id: string, changes: Record<string, unknown> = {}) => ({
    id,
    created_at: '2025-01-01T00:00:00.000Z',
    url: null,
    uri: `https://x/${id}`,
    content: `<p>${SECRET}</p>`,
    account: { acct: 'eve' },
    media_attachments: [],
    reblog: null,
    ...changes,
  });

  beforeAll(async () => {
    answer = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(request.url?.startsWith('/api/v1/accounts/lookup') === true ? '{"id":"9","username":"eve","acct":"eve"}' : JSON.stringify(statuses));
    });
    answer.listen(0, '127.0.0.1');
    await once(answer, 'listening');
    origin = `http://127.0.0.1:${(answer.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    answer.close();
  });

  const read = async (): Promise<{ outcome: FeedPage | Error; lines: Array<Record<string, unknown>> }> => {
    const { log, lines } = capturingLogger('warn');
    const outcome = await mastodonAdapter
      .fetchPage({ account: { platform: 'mastodon', handle: 'eve' }, baseUrl: origin, pageToken: undefined }, { ...plainAdapterContext(), log })
      .catch((error: unknown) => error as Error);
    return { outcome, lines };
  };

  it('skips a status of an unexpected shape with a warning naming its id, never its text', async () => {
    statuses = [status('2'), status('1', { account: null })];
    const { outcome, lines } = await read();
    const host = new URL(origin).host;
    expect((outcome as FeedPage).posts.map((post) => post.externalId)).toEqual([`${host}/2`]);
    expect(lines.find((line) => line.msg === 'skipped a post that could not be read')).toMatchObject({ platform: 'mastodon', externalId: `${host}/1` });
    expect(JSON.stringify(lines)).not.toContain('Revenue');
  });

  it('fails with a PermanentError naming mastodon when no status on the page can be read', async () => {
    statuses = [status('2', { created_at: 'soon' }), status('1', { account: null })];
    const { outcome } = await read();
    expect(outcome).toBeInstanceOf(PermanentError);
    expect((outcome as Error).message).toMatch(/^mastodon: none of the 2 posts on http:\/\/127\.0\.0\.1:\d+\/api\/v1\/accounts\/9\/statuses could be read/u);
  });
});
