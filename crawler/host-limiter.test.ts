import { describe, expect, it } from 'vitest';
import { HostLimiter } from './host-limiter.js';
import { serverWaitMs } from './server-wait-ms.js';
import { sleep } from './retry-with-backoff.js';

describe('HostLimiter', () => {
  it('keeps requests in flight per host at the concurrency cap, hosts apart', async () => {
    const limiter = new HostLimiter({ concurrency: 2, requestsPerSecond: 1_000 });
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const task = (key: string) => async () => {
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      peak.set(key, Math.max(peak.get(key) ?? 0, inFlight.get(key) ?? 0));
      await sleep(15);
      inFlight.set(key, (inFlight.get(key) ?? 0) - 1);
    };
    await Promise.all([
      ...Array.from({ length: 6 }, () => limiter.run('mastodon a.example', task('a'))),
      ...Array.from({ length: 6 }, () => limiter.run('mastodon b.example', task('b'))),
    ]);
    expect(peak.get('a')).toBe(2);
    expect(peak.get('b')).toBe(2);
  });

  it('starts no more than the rate allows within a second', async () => {
    const limiter = new HostLimiter({ concurrency: 10, requestsPerSecond: 3 });
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => limiter.run('k', () => Promise.resolve(started.push(Date.now() - t0)))));
    // Three start at once; the fourth and fifth wait for the window to slide.
    expect(started.filter((at) => at < 500)).toHaveLength(3);
    expect(started.filter((at) => at >= 900)).toHaveLength(2);
  });

  it('starts nothing on a paused host until the pause ends', async () => {
    const limiter = new HostLimiter({ concurrency: 4, requestsPerSecond: 100 });
    const t0 = Date.now();
    limiter.pauseUntil('k', t0 + 300);
    expect(limiter.pausedUntil('k')).toBe(t0 + 300);
    const [startedAt, other] = await Promise.all([
      limiter.run('k', () => Promise.resolve(Date.now() - t0)),
      limiter.run('other', () => Promise.resolve(Date.now() - t0)),
    ]);
    expect(startedAt).toBeGreaterThanOrEqual(290);
    expect(other).toBeLessThan(290);
  });
});

describe('HostLimiter memory', () => {
  it('drops a host\'s queue once it has been idle past its rate window', async () => {
    const limiter = new HostLimiter({ concurrency: 2, requestsPerSecond: 100 });
    await Promise.all(Array.from({ length: 50 }, (_, index) => limiter.run(`media cdn${index}.example`, () => Promise.resolve(index))));
    expect(limiter.size).toBe(50);
    await sleep(1_200);
    expect(limiter.size).toBe(0);
  });

  it('keeps a paused host\'s queue', async () => {
    const limiter = new HostLimiter({ concurrency: 2, requestsPerSecond: 100 });
    await limiter.run('k', () => Promise.resolve(1));
    limiter.pauseUntil('k', Date.now() + 5_000);
    await sleep(1_200);
    expect(limiter.size).toBe(1);
    limiter.close();
  });
});

describe('serverWaitMs', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(serverWaitMs({ 'retry-after': '7' }, now)).toBe(7_000);
    expect(serverWaitMs({ 'retry-after': 'Tue, 24 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
  });
  it('reads X-RateLimit-Reset as an ISO date (Mastodon), epoch seconds or seconds from now', () => {
    expect(serverWaitMs({ 'x-ratelimit-reset': '2026-11-24T10:05:00.000Z' }, now)).toBe(300_000);
    expect(serverWaitMs({ 'x-ratelimit-reset': String(now / 1_000 + 60) }, now)).toBe(60_000);
    expect(serverWaitMs({ 'x-ratelimit-reset': '12' }, now)).toBe(12_000);
  });
  it('prefers Retry-After, and says nothing when neither header is there or readable', () => {
    expect(serverWaitMs({ 'retry-after': '1', 'x-ratelimit-reset': '99' }, now)).toBe(1_000);
    expect(serverWaitMs({}, now)).toBeUndefined();
    expect(serverWaitMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
  it('refuses loose Retry-After values that Date.parse would read as "now" or the past', () => {
    expect(serverWaitMs({ 'retry-after': '1.5' }, now)).toBeUndefined();
    expect(serverWaitMs({ 'retry-after': '-3' }, now)).toBeUndefined();
    expect(serverWaitMs({ 'retry-after': '2026-11-24' }, now)).toBeUndefined();
  });
  it('ignores X-RateLimit-Reset while the budget is not spent (Mastodon sends it on every answer)', () => {
    expect(serverWaitMs({ 'x-ratelimit-remaining': '299', 'x-ratelimit-reset': '2026-11-24T10:05:00.000Z' }, now)).toBeUndefined();
    expect(serverWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-24T10:05:00.000Z' }, now)).toBe(300_000);
  });
});
