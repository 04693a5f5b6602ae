import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../core/config.js';
import { InputValidationError, PermanentError, TransientError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { OVERSHARE_VERSION } from '../core/version.js';
import { generateFixtureNetwork } from '../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../test/fixture-platform/fixture-server.js';
import { telegramFixture } from '../test/fixture-platform/platforms/telegram-fixture.js';
import { createCrawler, type Crawler } from './create-crawler.js';
import { RefusedAddressError } from './net/address-guard.js';
import { MediaRejectedError } from './net/fetch-media.js';
import { ResponseTooLargeError } from './net/guarded-request.js';

// The crawler core around a real adapter (Telegram, plain HTTP) and the fixture server: the guard,
// politeness, retries and media. Every adapter meets the same faults in test/crawler-contract.test.ts.
let server: FixtureServer;
const log = createLogger({ level: 'silent' });

function settings(overrides: Partial<Config['crawl']> = {}): Config['crawl'] {
  return {
    ...loadConfig({}).crawl,
    allowedPrivateHosts: ['127.0.0.1'],
    baseUrls: { telegram: server.baseUrl('telegram') },
    retries: 3,
    backoffBaseMs: 20,
    requestTimeoutMs: 2_000,
    requestsPerSecond: 1_000,
    concurrencyPerPlatform: 8,
    ...overrides,
  };
}

const crawlers: Crawler[] = [];
function crawlerWith(overrides: Partial<Config['crawl']> = {}): Crawler {
  const crawler = createCrawler(settings(overrides), log);
  crawlers.push(crawler);
  return crawler;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('collection should have failed'),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  server = await startFixtureServer(generateFixtureNetwork({ accounts: 1, postsPerAccount: 25, handles: ['acme'], imageShare: 1 }), [telegramFixture]);
});

afterEach(async () => {
  server.clearFaults();
  server.requests.length = 0;
  await Promise.all(crawlers.splice(0).map((crawler) => crawler.close()));
});

afterAll(async () => {
  await server.close();
});

describe('createCrawler', () => {
  it('collects through the guard with its own User-Agent and never a cookie', async () => {
    const result = await crawlerWith().collect({ platform: 'telegram', handle: 'acme' });
    expect(result.posts).toHaveLength(25);
    expect(result.stoppedBecause).toBe('end');
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of server.requests) {
      expect(request.userAgent).toBe(`overshare/${OVERSHARE_VERSION} (compliance scanner; public posts only)`);
      expect(request.cookie).toBeUndefined();
    }
  });

  it('refuses a loopback platform unless CRAWL_ALLOWED_PRIVATE_HOSTS lets it through, and sends nothing', async () => {
    const error = await failureOf(crawlerWith({ allowedPrivateHosts: [] }).collect({ platform: 'telegram', handle: 'acme' }));
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect((error as Error).message).toMatch(/127\.0\.0\.1/u);
    expect(server.requests).toEqual([]);
  });

  it('waits as long as a 429 Retry-After asks, then carries on', async () => {
    server.setFault('telegram', { kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    const startedAt = Date.now();
    const result = await crawlerWith().collect({ platform: 'telegram', handle: 'acme' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950);
    expect(result.posts).toHaveLength(25);
    expect(server.requests.map((request) => request.status).slice(0, 2)).toEqual([429, 200]);
  });

  it('honours X-RateLimit-Reset on a 429 without Retry-After', async () => {
    server.setFault('telegram', { kind: 'rate-limit-reset', resetInSeconds: 1, times: 1 });
    const startedAt = Date.now();
    await crawlerWith().collect({ platform: 'telegram', handle: 'acme' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('fails at once, keeping the wait, when the server asks for longer than CRAWL_MAX_RETRY_WAIT_MS', async () => {
    server.setFault('telegram', { kind: 'rate-limit', retryAfterSeconds: 3_600 });
    const error = await failureOf(crawlerWith({ maxRetryWaitMs: 60_000 }).collect({ platform: 'telegram', handle: 'acme' }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(3_600_000);
    expect((error as TransientError).kind).toBe('rate_limited');
    expect(server.requests).toHaveLength(1);
  });

  it('retries server errors and dropped connections with backoff', async () => {
    server.setFault('telegram', { kind: 'server-error', times: 2 });
    expect((await crawlerWith().collect({ platform: 'telegram', handle: 'acme' })).posts).toHaveLength(25);
    expect(server.requests.map((request) => request.status).slice(0, 3)).toEqual([500, 500, 200]);
    server.setFault('telegram', { kind: 'hang-up', times: 2 });
    expect((await crawlerWith().collect({ platform: 'telegram', handle: 'acme' })).posts).toHaveLength(25);
  });

  it('gives up with a TransientError naming the status when retries run out', async () => {
    server.setFault('telegram', { kind: 'server-error' });
    const error = await failureOf(crawlerWith({ retries: 2 }).collect({ platform: 'telegram', handle: 'acme' }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/telegram answered 500/u);
    expect((error as TransientError).kind).toBe('server_error');
    expect(server.requests).toHaveLength(3);
  });

  it('times out a slow server as a transient failure', async () => {
    server.setFault('telegram', { kind: 'slow', delayMs: 1_500 });
    const error = await failureOf(crawlerWith({ retries: 0, requestTimeoutMs: 300 }).collect({ platform: 'telegram', handle: 'acme' }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).kind).toBe('timeout');
  });

  it('refuses a redirect to the cloud metadata address although the platform itself is allowed', async () => {
    server.setFault('telegram', { kind: 'redirect-private', times: 1 });
    const error = await failureOf(crawlerWith().collect({ platform: 'telegram', handle: 'acme' }));
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect((error as Error).message).toMatch(/169\.254\.169\.254/u);
  });

  it('refuses unknown platforms and base URLs that are not http(s), naming the field', async () => {
    const crawler = crawlerWith();
    const unknown = await failureOf(crawler.collect({ platform: 'myspace' as never, handle: 'x' }));
    expect(unknown).toBeInstanceOf(InputValidationError);
    expect((unknown as Error).message).toMatch(/unknown platform "myspace"/u);
    const badBase = await failureOf(crawler.collect({ platform: 'telegram', handle: 'acme', baseUrl: 'file:///etc' }));
    expect(badBase).toBeInstanceOf(InputValidationError);
    expect((badBase as Error).message).toMatch(/baseUrl/u);
  });

  it('downloads post images through the guard and refuses huge and fake ones', async () => {
    const crawler = crawlerWith({ maxMediaBytes: 1_000_000 });
    const { posts } = await crawler.collect({ platform: 'telegram', handle: 'acme', baseUrl: server.baseUrl('telegram') }, { limit: 3 });
    const url = posts.flatMap((post) => post.media).find((media) => media.kind === 'image')?.url;
    expect(url).toBeDefined();
    const media = await crawler.fetchMedia(url ?? '');
    expect(media.contentType).toBe('image/jpeg');
    expect(media.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const huge = await failureOf(crawler.fetchMedia(`${server.origin}/media/huge-1.jpg`));
    expect(huge instanceof ResponseTooLargeError || huge instanceof MediaRejectedError).toBe(true);
    expect(await failureOf(crawler.fetchMedia('not a url'))).toBeInstanceOf(InputValidationError);
    const fake = await failureOf(crawler.fetchMedia(`${server.origin}/media/fake-1.jpg`));
    expect(fake).toBeInstanceOf(MediaRejectedError);
    expect(crawler.stats().mediaFetched).toBe(1);
  });

  it('refuses a browser platform on a private https address before opening a tab', async () => {
    const crawler = crawlerWith();
    const error = await failureOf(crawler.collect({ platform: 'facebook', handle: 'acme', baseUrl: 'https://127.0.0.2:9443' }));
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect(crawler.stats().browserPages).toBe(0);
  });

  it('reports a browser platform on a host name that does not exist as a permanent error, not a crash', async () => {
    const error = await failureOf(crawlerWith().collect({ platform: 'youtube', handle: '@x', baseUrl: 'https://no-such-host.invalid' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/no-such-host\.invalid.*host name does not exist/u);
  });

  it('refuses work after close', async () => {
    const crawler = crawlerWith();
    await crawler.close();
    expect(await failureOf(crawler.collect({ platform: 'telegram', handle: 'acme' }))).toBeInstanceOf(PermanentError);
  });
});
