import type { ColumnType, Generated } from 'kysely';
import type { CollectionOutcome, GapReason } from '../core/coverage.js';
import type { CreatedAt, Timestamp, UpdatedAt } from './column-types.js';

/* The coverage tables (migration 0005-coverage), as Kysely sees them; schema.ts puts them in the Schema. */

/** One collection of one account (or canary) and how it ended: platform health is derived from these. */
export interface CollectionAttemptsTable {
  id: ColumnType<number, never, never>;
  platform: string;
  account_id: string | null;
  is_canary: Generated<boolean>;
  outcome: CollectionOutcome;
  posts: Generated<number>;
  error: string | null;
  attempted_at: ColumnType<Date, Date | string | undefined, never>;
}

/**
 * A span an account was not covered: from `started_at` (its last successful collection, or its
 * registration) until `ended_at` (the collection that restored coverage; null while open).
 */
export interface CoverageGapsTable {
  id: Generated<string>;
  account_id: string;
  platform: string;
  started_at: Timestamp;
  /** The first failed collection. */
  detected_at: Timestamp;
  last_failed_at: Timestamp;
  ended_at: Timestamp | null;
  /** What the latest failure was. */
  reason: GapReason;
  last_error: string;
  failures: Generated<number>;
  /** Posts published during the gap that the restoring collection collected. */
  caught_up_posts: number | null;
  /** Set when catch-up stopped at its depth (CRAWL_CATCHUP_POSTS): posts from `started_at` to here were never collected. */
  uncovered_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A link domain a (corporate) account has posted, and when it was first seen. */
export interface AccountLinkDomainsTable {
  account_id: string;
  domain: string;
  first_seen_at: ColumnType<Date, Date | string | undefined, never>;
}
