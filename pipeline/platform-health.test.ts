import { describe, expect, it } from 'vitest';
import type { CollectionOutcome } from '../core/coverage.js';
import { judgePlatformHealth, RECENT_ATTEMPTS, type AttemptSummary } from './platform-health.js';

const NOW = Date.parse('2026-05-04T12:00:00Z');

/** Attempts newest first, one a minute apart back from NOW; `canary:` marks a canary's collection. */
function attempts(...outcomes: (CollectionOutcome | `canary:${CollectionOutcome}`)[]): AttemptSummary[] {
  return outcomes.map((entry, index) => {
    const isCanary = entry.startsWith('canary:');
    const outcome = (isCanary ? entry.slice('canary:'.length) : entry) as CollectionOutcome;
    return { outcome, isCanary, attemptedAt: new Date(NOW - index * 60_000), error: outcome === 'ok' ? null : `error ${index}: ${outcome}` };
  });
}

const times = (count: number, outcome: CollectionOutcome): CollectionOutcome[] => Array.from({ length: count }, () => outcome);

describe('judgePlatformHealth', () => {
  it('is unknown with no collection in the window, keeping the last success it was given', () => {
    const before = new Date('2026-05-01T00:00:00Z');
    expect(judgePlatformHealth('telegram', [], before)).toEqual({
      platform: 'telegram',
      state: 'unknown',
      reason: 'no collection has run in the window',
      attempts: 0,
      successes: 0,
      successRate: null,
      failures: {},
      lastSuccessAt: before,
      lastFailureAt: null,
      lastError: null,
      canary: null,
    });
  });

  it('is ok when every recent collection succeeded, and counts them', () => {
    const health = judgePlatformHealth('telegram', attempts(...times(4, 'ok')));
    expect(health).toMatchObject({ state: 'ok', reason: '4 of the last 4 collections succeeded', attempts: 4, successes: 4, successRate: 1, failures: {} });
    expect(health.lastSuccessAt).toEqual(new Date(NOW));
  });

  it('stays ok with one failure in ten recent collections, and is degraded with one in nine', () => {
    expect(judgePlatformHealth('vk', attempts('timeout', ...times(9, 'ok'))).state).toBe('ok');
    expect(judgePlatformHealth('vk', attempts('timeout', ...times(8, 'ok'))).state).toBe('degraded');
  });

  it('reports failures by kind, the newest failure and its error, over the whole window', () => {
    const health = judgePlatformHealth('vk', attempts('ok', 'timeout', 'server_error', 'timeout', ...times(20, 'ok')));
    expect(health.failures).toEqual({ timeout: 2, server_error: 1 });
    expect(health.lastFailureAt).toEqual(new Date(NOW - 60_000));
    expect(health.lastError).toBe('error 1: timeout');
    expect([health.attempts, health.successes, health.successRate]).toEqual([24, 21, 21 / 24]);
  });

  it('judges the state from the newest ten collections only: old failures no longer count', () => {
    const recovered = judgePlatformHealth('vk', attempts(...times(RECENT_ATTEMPTS, 'ok'), ...times(30, 'timeout')));
    expect(recovered.state).toBe('ok');
    expect(recovered.reason).toBe('10 of the last 10 collections succeeded');
    expect(recovered.successRate).toBe(10 / 40);
  });

  it('is down when fewer than one in five of at least three recent collections succeeded', () => {
    expect(judgePlatformHealth('vk', attempts('ok', ...times(9, 'timeout'))).state).toBe('down');
    expect(judgePlatformHealth('vk', attempts(...times(3, 'server_error')))).toMatchObject({ state: 'down', reason: '0 of the last 3 collections succeeded' });
    // One in five is not fewer than one in five.
    expect(judgePlatformHealth('vk', attempts('ok', ...times(4, 'timeout'))).state).toBe('degraded');
  });

  it('is only degraded by two failures: too few collections to call a platform down', () => {
    expect(judgePlatformHealth('vk', attempts('network', 'network')).state).toBe('degraded');
  });

  it('is blocked when most recent collections failed and at least half of the failures were login walls', () => {
    const health = judgePlatformHealth('instagram', attempts('login_wall', 'login_wall', 'timeout', 'timeout', 'ok'));
    expect(health).toMatchObject({ state: 'blocked', reason: 'login walls: 1 of the last 5 collections succeeded', failures: { login_wall: 2, timeout: 2 } });
    // Fewer login walls than half the failures: down, not blocked.
    expect(judgePlatformHealth('instagram', attempts('login_wall', 'timeout', 'timeout', 'timeout', 'timeout')).state).toBe('down');
    // Login walls while most collections succeed: degraded, not blocked.
    expect(judgePlatformHealth('instagram', attempts('login_wall', 'login_wall', 'ok', 'ok', 'ok')).state).toBe('degraded');
  });

  it('is blocked as soon as the newest canary meets a login wall, whatever the other accounts did', () => {
    const health = judgePlatformHealth('instagram', attempts('ok', 'canary:login_wall', 'ok', 'ok', 'canary:ok'));
    expect(health.state).toBe('blocked');
    expect(health.reason).toBe('the canary account met a login wall; 4 of the last 5 collections succeeded');
    expect(health.canary).toEqual({ outcome: 'login_wall', attemptedAt: new Date(NOW - 60_000) });
  });

  it('follows the newest canary only: a canary that recovered clears its older failure', () => {
    const health = judgePlatformHealth('instagram', attempts('canary:ok', 'ok', 'canary:login_wall', ...times(7, 'ok')));
    expect(health.state).toBe('ok');
    expect(health.canary).toEqual({ outcome: 'ok', attemptedAt: new Date(NOW) });
  });

  it('is degraded by a failed canary while the accounts succeed, and down by one while most of them fail', () => {
    expect(judgePlatformHealth('bluesky', attempts('canary:timeout', ...times(9, 'ok')))).toMatchObject({
      state: 'degraded',
      reason: 'the canary account failed (timeout); 9 of the last 10 collections succeeded',
    });
    expect(judgePlatformHealth('bluesky', attempts('canary:server_error', 'timeout', 'ok'))).toMatchObject({
      state: 'down',
      reason: 'the canary account failed (server_error); 1 of the last 3 collections succeeded',
    });
  });

  it('is degraded by a page it could not read or an empty feed, naming a changed layout', () => {
    for (const outcome of ['parse_failure', 'empty_feed'] as const) {
      const health = judgePlatformHealth('vk', attempts(...times(9, 'ok'), outcome));
      expect(health.state, outcome).toBe('degraded');
      expect(health.reason).toBe('1 of the last 10 collections met a page that could not be read or showed no posts: the layout may have changed');
    }
    // A timeout in ten is passing trouble, not a changed layout.
    expect(judgePlatformHealth('vk', attempts(...times(9, 'ok'), 'timeout')).state).toBe('ok');
  });

  it('reports the newest success, from the window or the one it was given from before', () => {
    const before = new Date(NOW - 24 * 3_600_000);
    expect(judgePlatformHealth('vk', attempts('timeout', 'timeout', 'timeout'), before).lastSuccessAt).toEqual(before);
    expect(judgePlatformHealth('vk', attempts('timeout', 'ok', 'timeout'), before).lastSuccessAt).toEqual(new Date(NOW - 60_000));
    // A later success given from elsewhere (another account's) is newer than the window's.
    const later = new Date(NOW + 60_000);
    expect(judgePlatformHealth('vk', attempts('ok'), later).lastSuccessAt).toEqual(later);
  });

  it('gives the same health for the same attempts', () => {
    const list = attempts('ok', 'canary:timeout', 'login_wall', 'ok');
    expect(judgePlatformHealth('vk', list)).toEqual(judgePlatformHealth('vk', list));
  });
});
