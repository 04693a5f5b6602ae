import { EmptyFeedError, InputValidationError, ConfigError, NotFoundError, PermanentError, PlatformBlockedError, TransientError } from './errors.js';

/**
 * Coverage: whether each account was really read. Every collection ends in one outcome; a failed
 * one opens (or extends) a coverage gap on its account, and platform health is derived from the
 * outcomes of recent collections.
 */

/** The kinds of trouble a collection can fail with. */
export const COLLECTION_FAILURE_KINDS = [
  'timeout',
  'server_error',
  'network',
  'rate_limited',
  'login_wall',
  'parse_failure',
  'empty_feed',
  'not_found',
  'other',
] as const;
export type CollectionFailureKind = (typeof COLLECTION_FAILURE_KINDS)[number];

/** How a collection ended: `ok`, the only success, or the kind of trouble it met. */
export const COLLECTION_OUTCOMES = ['ok', ...COLLECTION_FAILURE_KINDS] as const;
export type CollectionOutcome = (typeof COLLECTION_OUTCOMES)[number];

/**
 * Why an account was not covered for a span: a failure of its collections, or `catch_up_depth`,
 * a reading that succeeded but met more new posts than CRAWL_CATCHUP_POSTS since the last one
 * and gave up the oldest (a gap opened and closed at once).
 */
export const GAP_REASONS = [...COLLECTION_FAILURE_KINDS, 'catch_up_depth'] as const;
export type GapReason = (typeof GAP_REASONS)[number];

/** What a platform's recent collections say: `unknown` until any ran. */
export const PLATFORM_STATES = ['ok', 'degraded', 'down', 'blocked', 'unknown'] as const;
export type PlatformState = (typeof PLATFORM_STATES)[number];

/** The profile a platform shows for an account, where it exposes one (for takeover signals). */
export interface ObservedProfile {
  displayName?: string;
  avatarUrl?: string;
}

/**
 * The kind of a collection failure, for gaps and platform health. Login walls, captchas and block
 * pages are `login_wall`; a missing account `not_found`; a feed with no posts where some were
 * expected `empty_feed`; passing trouble by its kind (`network` when the thrower did not say); a
 * bad handle or configuration `other`; any other permanent failure is an answer the adapter could
 * not read (`parse_failure`: truncated or changed markup, JSON of another shape).
 */
export function classifyCollectionError(error: unknown): CollectionFailureKind {
  if (error instanceof PlatformBlockedError) return 'login_wall';
  if (error instanceof NotFoundError) return 'not_found';
  if (error instanceof EmptyFeedError) return 'empty_feed';
  if (error instanceof TransientError) return error.kind ?? 'network';
  if (error instanceof InputValidationError || error instanceof ConfigError) return 'other';
  if (error instanceof PermanentError) return 'parse_failure';
  return 'other';
}
