import type { CollectionFailureKind, CollectionOutcome, PlatformState } from '../core/coverage.js';

/** One recent collection of a platform, as health is judged from it. */
export interface AttemptSummary {
  outcome: CollectionOutcome;
  isCanary: boolean;
  attemptedAt: Date;
  error: string | null;
}

/** A platform's health over its recent collections. */
export interface PlatformHealth {
  platform: string;
  state: PlatformState;
  /** Why the state is what it is, in one sentence. */
  reason: string;
  /** Collections in the window, and how many succeeded. */
  attempts: number;
  successes: number;
  /** successes / attempts, 0–1; null when there were none. */
  successRate: number | null;
  /** Failed collections in the window by kind. */
  failures: Partial<Record<CollectionFailureKind, number>>;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  /** The newest canary collection, when the platform has canaries read in the window. */
  canary: { outcome: CollectionOutcome; attemptedAt: Date } | null;
}

/** The span of collections health is judged over: the last 6 hours. */
export const HEALTH_WINDOW_MS = 6 * 3_600_000;

/** How many of the newest collections decide the state (the window's rate is reported too). */
export const RECENT_ATTEMPTS = 10;

/**
 * Judges a platform from its collections in the window, newest first:
 * - `unknown`: none;
 * - `blocked`: the newest canary met a login wall, or most of the recent collections failed and at
 *   least half of those failures were login walls;
 * - `down`: the newest canary failed otherwise while most recent collections failed, or fewer than
 *   one in five of at least three recent collections succeeded;
 * - `degraded`: the newest canary failed, under nine in ten recent collections succeeded, or a
 *   recent one met a page it could not read or an empty feed (a changed layout shows so first);
 * - `ok` otherwise.
 * Pure: the same attempts give the same health.
 */
export function judgePlatformHealth(platform: string, newestFirst: readonly AttemptSummary[], lastSuccessAt: Date | null = null): PlatformHealth {
  const failures: Partial<Record<CollectionFailureKind, number>> = {};
  let successes = 0;
  let newestSuccess: Date | null = lastSuccessAt;
  let lastFailure: AttemptSummary | undefined;
  for (const attempt of newestFirst) {
    if (attempt.outcome === 'ok') {
      successes += 1;
      if (newestSuccess === null || attempt.attemptedAt > newestSuccess) newestSuccess = attempt.attemptedAt;
    } else {
      failures[attempt.outcome] = (failures[attempt.outcome] ?? 0) + 1;
      lastFailure ??= attempt;
    }
  }
  const canaryAttempt = newestFirst.find((attempt) => attempt.isCanary);
  const base = {
    platform,
    attempts: newestFirst.length,
    successes,
    successRate: newestFirst.length === 0 ? null : successes / newestFirst.length,
    failures,
    lastSuccessAt: newestSuccess,
    lastFailureAt: lastFailure?.attemptedAt ?? null,
    lastError: lastFailure?.error ?? null,
    canary: canaryAttempt === undefined ? null : { outcome: canaryAttempt.outcome, attemptedAt: canaryAttempt.attemptedAt },
  };
  const judged = (state: PlatformState, reason: string): PlatformHealth => ({ ...base, state, reason });
  if (newestFirst.length === 0) return judged('unknown', 'no collection has run in the window');

  const recent = newestFirst.slice(0, RECENT_ATTEMPTS);
  const recentFailures = recent.filter((attempt) => attempt.outcome !== 'ok');
  const recentRate = (recent.length - recentFailures.length) / recent.length;
  const loginWalls = recentFailures.filter((attempt) => attempt.outcome === 'login_wall').length;
  const canaryFailed = canaryAttempt !== undefined && canaryAttempt.outcome !== 'ok';
  const share =
    recent.length === 1
      ? `the only collection ${recentFailures.length === 0 ? 'succeeded' : 'failed'}`
      : `${recent.length - recentFailures.length} of the last ${recent.length} collections succeeded`;

  if (canaryAttempt?.outcome === 'login_wall') return judged('blocked', `the canary account met a login wall; ${share}`);
  if (recentRate < 0.5 && loginWalls > 0 && loginWalls * 2 >= recentFailures.length) return judged('blocked', `login walls: ${share}`);
  if (canaryFailed && recentRate < 0.5) return judged('down', `the canary account failed (${canaryAttempt.outcome}); ${share}`);
  if (recent.length >= 3 && recentRate < 0.2) return judged('down', share);
  if (canaryFailed) return judged('degraded', `the canary account failed (${canaryAttempt.outcome}); ${share}`);
  const unreadable = recentFailures.filter((attempt) => attempt.outcome === 'parse_failure' || attempt.outcome === 'empty_feed').length;
  if (unreadable > 0) return judged('degraded', `${unreadable} of the last ${recent.length} collections met a page that could not be read or showed no posts: the layout may have changed`);
  if (recentRate < 0.9) return judged('degraded', share);
  return judged('ok', share);
}
