import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../core/config.js';
import { PermanentError, PlatformBlockedError, TransientError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { PLATFORM_ADAPTERS } from '../crawler/adapter-registry.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { RefusedAddressError } from '../crawler/net/address-guard.js';
import type { CollectedPost, PlatformName } from '../crawler/platform-adapter.js';
import { ALL_PLATFORM_FIXTURES, fixtureAccount } from './fixture-platform/all-fixtures.js';
import { generateFixtureNetwork, type FixturePost } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';

/**
 * The contract every registered adapter keeps, checked through the whole crawler (guard, proxy,
 * politeness, retries) against the fixture platform server: what was published comes back, newest
 * first, once; a rescan brings only what is new; and each fault a platform can throw ends in the
 * error class the pipeline acts on.
 */

// Platforms whose logged-out pages show only a first batch (no paging): Threads.
const FIRST_BATCH_ONLY: Partial<Record<PlatformName, number>> = { threads: 10 };
// Blogs have no reposts: the feed and WordPress fixtures leave the network's reposts out, and the
// generic site shows them as a "Reblogged from" note that the selectors do not describe.
const OMITS_REPOSTS = new Set<PlatformName>(['rss', 'wordpress']);
const WITHOUT_REPOST_FLAG = new Set<PlatformName>(['rss', 'wordpress', 'generic']);

// Platforms whose login wall is a redirect to a login page (the fault must let that page through).
const WALL_REDIRECTS = new Set<PlatformName>(['vk', 'youtube']);
// Platforms with a public fallback when the API wants a login: Mastodon's and WordPress's RSS feeds.
const FEED_FALLBACK = new Set<PlatformName>(['mastodon', 'wordpress']);

let server: FixtureServer;
let crawler: Crawler;
let impatient: Crawler;
const log = createLogger({ level: 'silent' });

function settings(overrides: Partial<Config['crawl']>): Config['crawl'] {
  return {
    ...loadConfig({}).crawl,
    allowedPrivateHosts: ['127.0.0.1'],
    retries: 2,
    backoffBaseMs: 10,
    maxRetryWaitMs: 5_000,
    requestsPerSecond: 1_000,
    concurrencyPerPlatform: 8,
    navigationTimeoutMs: 15_000,
    browserPages: 2,
    ...overrides,
  };
}

beforeAll(async () => {
  // Newest post half an hour ago: YouTube shows only "N minutes/hours ago", exact enough near now.
  const network = generateFixtureNetwork({
    accounts: 2,
    postsPerAccount: 25,
    handles: ['acme', 'bravo'],
    imageShare: 0.5,
    repostShare: 0.2,
    newestAt: new Date(Date.now() - 30 * 60_000),
  });
  server = await startFixtureServer(network, ALL_PLATFORM_FIXTURES);
  crawler = createCrawler(settings({}), log);
  impatient = createCrawler(settings({ retries: 0, requestTimeoutMs: 400, navigationTimeoutMs: 1_500 }), log);
});

afterEach(() => {
  server.clearFaults();
});

afterAll(async () => {
  await crawler.close();
  await impatient.close();
  await server.close();
});

function tagOf(post: CollectedPost): string | undefined {
  return /#((?:acme|bravo)-\d+)/u.exec(post.text)?.[1];
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('collection should have failed'),
    (error: unknown) => error,
  );
}

function expectedPosts(platform: PlatformName, published: readonly FixturePost[]): readonly FixturePost[] {
  const shown = OMITS_REPOSTS.has(platform) ? published.filter((post) => !post.isRepost) : published;
  const batch = FIRST_BATCH_ONLY[platform];
  return batch === undefined ? shown : shown.slice(0, batch);
}

it('has a fixture for every registered adapter', () => {
  expect(ALL_PLATFORM_FIXTURES.map((fixture) => fixture.platform).sort()).toEqual(Object.keys(PLATFORM_ADAPTERS).sort());
});

describe.each(Object.values(PLATFORM_ADAPTERS).map((adapter) => [adapter.platform, adapter] as const))('%s', (platform, adapter) => {
  it('collects what was published, newest first, each post once, with usable fields', async () => {
    const published = server.network.accounts.get('acme')?.posts ?? [];
    const result = await crawler.collect(fixtureAccount(platform, server, 'acme'));
    const expected = expectedPosts(platform, published);
    expect(result.posts.map(tagOf)).toEqual(expected.map((post) => `acme-${post.id}`));
    expect(result.skipped).toBe(0);
    for (const [index, post] of result.posts.entries()) {
      const source = expected[index];
      expect(post.platform).toBe(platform);
      expect(new URL(post.permalink).protocol).toMatch(/^https?:$/u);
      expect(Number.isNaN(Date.parse(post.publishedAt))).toBe(false);
      if (!WITHOUT_REPOST_FLAG.has(platform)) expect(post.isRepost, `${post.externalId} repost flag`).toBe(source?.isRepost);
      for (const media of post.media) expect(media.url.startsWith(server.origin), media.url).toBe(true);
    }
    expect(new Set(result.posts.map((post) => post.externalId)).size).toBe(result.posts.length);
    expect(result.posts.filter((post) => post.media.length > 0).length).toBeGreaterThan(0);
    expect(result.cursor?.externalId).toBe(result.posts[0]?.externalId);
  });

  it('rescans only what is new since the cursor', async () => {
    const first = await crawler.collect(fixtureAccount(platform, server, 'bravo'));
    expect(first.cursor).toBeDefined();
    const added = server.network.publish('bravo', 2);
    const rescan = await crawler.collect(fixtureAccount(platform, server, 'bravo'), first.cursor === undefined ? {} : { cursor: first.cursor });
    expect(rescan.posts.map(tagOf)).toEqual(expectedPosts(platform, added.reverse()).map((post) => `bravo-${post.id}`));
    expect(rescan.stoppedBecause).toMatch(/^(cursor|end)$/u);
  });

  it('waits out a 429 with Retry-After and retries a 500, then collects', async () => {
    server.setFault(platform, { kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    const before = server.requests.length;
    const startedAt = Date.now();
    const result = await crawler.collect(fixtureAccount(platform, server, 'acme'), { limit: 3 });
    expect(result.posts).toHaveLength(3);
    expect(Date.now() - startedAt, server.requests.slice(before).map((request) => `${request.path} ${request.status}`).join(', ')).toBeGreaterThanOrEqual(950);
    expect(server.requests.slice(before).some((request) => request.status === 429)).toBe(true);
    server.setFault(platform, { kind: 'server-error', times: 1 });
    expect((await crawler.collect(fixtureAccount(platform, server, 'acme'), { limit: 3 })).posts).toHaveLength(3);
  });

  it('reports a login wall or captcha as PlatformBlockedError naming the platform', async () => {
    // A wall that redirects to a login page is switched on once, so that page can be recognised.
    server.setFault(platform, { kind: 'login-wall', ...(WALL_REDIRECTS.has(platform) ? { times: 1 } : {}) });
    const error = await failureOf(crawler.collect(fixtureAccount(platform, server, 'acme')));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).platform).toBe(platform);
  });

  it('reports a malformed answer as a PermanentError naming the platform, not a crash', async () => {
    server.setFault(platform, { kind: 'malformed' });
    const error = await failureOf(crawler.collect(fixtureAccount(platform, server, 'acme')));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message.toLowerCase()).toContain(platform === 'generic' ? 'generic' : platform);
  });

  it('refuses a redirect to a private address', async () => {
    server.setFault(platform, { kind: 'redirect-private' });
    const error = await failureOf(crawler.collect(fixtureAccount(platform, server, 'acme')));
    expect(error).toBeInstanceOf(RefusedAddressError);
  });

  it(`gives up on a platform slower than its timeout with a TransientError (${adapter.route})`, async () => {
    server.setFault(platform, { kind: 'slow', delayMs: 3_000 });
    const error = await failureOf(impatient.collect(fixtureAccount(platform, server, 'acme')));
    expect(error).toBeInstanceOf(TransientError);
  });
});

describe.each([...FEED_FALLBACK])('%s', (platform) => {
  it('falls back to the public feed when only the API wants a login', async () => {
    server.setFault(platform, { kind: 'login-wall', times: 1 });
    const result = await crawler.collect(fixtureAccount(platform, server, 'acme'), { limit: 5 });
    expect(result.posts).toHaveLength(5);
    expect(server.requests.some((request) => request.platform === platform && [401, 403].includes(request.status))).toBe(true);
  });
});

it('fetches the collected images of every platform through the guard', async () => {
  for (const platform of Object.keys(PLATFORM_ADAPTERS) as PlatformName[]) {
    const { posts } = await crawler.collect(fixtureAccount(platform, server, 'acme'), { limit: 10 });
    const url = posts.flatMap((post) => post.media).find((media) => media.kind === 'image')?.url;
    expect(url, platform).toBeDefined();
    const media = await crawler.fetchMedia(url ?? '');
    expect(media.contentType, platform).toBe('image/jpeg');
  }
});
