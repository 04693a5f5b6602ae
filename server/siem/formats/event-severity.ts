import type { GapReason } from '../../../core/coverage.js';
import type { Severity } from '../../../core/policy-schema.js';
import type { CoverageOutboxEvent, OutboxEvent } from '../../../store/finding-event-payload.js';
import { isCoverageEvent } from './is-coverage-event.js';

// A gap is high when it does not close by itself while the account keeps publishing unseen: a
// login wall (we are locked out), a parse failure (the platform changed its markup, code must
// change) and an empty feed (the page reads as "no posts": the false "clean" this feature exists to
// prevent). Timeouts, server errors, network trouble and rate limits usually pass on their own;
// a missing account publishes nothing while it is gone; anything else is unknown: medium.
const GAP_SEVERITY: Readonly<Record<GapReason, Severity>> = {
  login_wall: 'high',
  parse_failure: 'high',
  empty_feed: 'high',
  timeout: 'medium',
  server_error: 'medium',
  network: 'medium',
  rate_limited: 'medium',
  not_found: 'medium',
  other: 'medium',
  // Closed as it opens: the reading succeeded, only its oldest new posts were given up.
  catch_up_depth: 'low',
};

/**
 * The severity SIEM formats give a coverage event: a gap by its reason (high or medium), a restored
 * gap `info`, or `low` when catch-up stopped at its depth and some posts of the gap were never read.
 */
export function coverageSeverity(event: CoverageOutboxEvent): Severity {
  if (event.type === 'coverage.gap') return GAP_SEVERITY[event.payload.reason];
  return event.payload.uncoveredUntil === null ? 'info' : 'low';
}

/** The severity of any outbox event: the finding's own, or coverageSeverity for a coverage event. */
export function eventSeverity(event: OutboxEvent): Severity {
  return isCoverageEvent(event) ? coverageSeverity(event) : event.payload.severity;
}
