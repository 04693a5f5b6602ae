import type { GapReason } from '../core/coverage.js';
import type { EventAccount } from './event-account.js';
import type { CoverageGap } from './schema.js';

/**
 * A coverage gap as the outbox carries it (`coverage.gap` when it opens, version 1;
 * `coverage.restored` when a collection succeeds again, version 2), keyed by the gap's id:
 * self-contained, times as ISO 8601 UTC, no owner name or e-mail (as finding events).
 */
export interface CoverageEventPayload {
  gapId: string;
  account: EventAccount;
  /** The latest failure's kind, or `catch_up_depth`. */
  reason: GapReason;
  /** The latest failure's message (never holds credentials: adapters redact URLs). */
  lastError: string;
  /** Covered up to here: the last successful collection, or the account's registration. */
  startedAt: string;
  /** The first failed collection. */
  detectedAt: string;
  /** The collection that restored coverage; null on `coverage.gap`. */
  endedAt: string | null;
  failures: number;
  /** Posts published during the gap that the restoring collection collected; null on `coverage.gap`. */
  caughtUpPosts: number | null;
  /** When catch-up stopped at its depth: posts from `startedAt` to here were never collected. */
  uncoveredUntil: string | null;
}

/** Builds the payload of a gap's event from its row and account. */
export function coverageEventPayload(gap: CoverageGap, account: EventAccount): CoverageEventPayload {
  return {
    gapId: gap.id,
    account,
    reason: gap.reason,
    lastError: gap.last_error,
    startedAt: gap.started_at.toISOString(),
    detectedAt: gap.detected_at.toISOString(),
    endedAt: gap.ended_at?.toISOString() ?? null,
    failures: gap.failures,
    caughtUpPosts: gap.caught_up_posts,
    uncoveredUntil: gap.uncovered_until?.toISOString() ?? null,
  };
}
