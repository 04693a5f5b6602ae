import { z } from 'zod';
import { COLLECTION_FAILURE_KINDS, COLLECTION_OUTCOMES, GAP_REASONS, PLATFORM_STATES } from '../../../core/coverage.js';
import { HEALTH_WINDOW_MS, judgePlatformHealth } from '../../../pipeline/platform-health.js';
import type { CoverageSnapshot, GapWithAccount } from '../../../store/repositories/coverage-query.js';
import type { CoverageGap } from '../../../store/schema.js';

/** The largest page `GET /coverage/gaps` returns. */
export const MAX_GAP_PAGE = 500;


const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value))
  .describe('YYYY-MM-DD (midnight UTC) or ISO 8601 with a zone.');

/** One platform's health over the window, with its accounts' coverage. */
export const platformHealthReply = z.object({
  platform: z.string(),
  state: z.enum(PLATFORM_STATES).describe('unknown: no collection ran in the window.'),
  reason: z.string().describe('Why the state is what it is, in one English sentence.'),
  attempts: z.number().int().describe('Collections in the window.'),
  successes: z.number().int(),
  success_rate: z.number().nullable().describe('successes / attempts, 0–1; null when there were none.'),
  failures: z.partialRecord(z.enum(COLLECTION_FAILURE_KINDS), z.number().int()).describe('Failed collections in the window by kind; kinds that did not occur are left out.'),
  last_success_at: z.string().nullable().describe("The newest successful collection, in the window or before (the platform's accounts' last success)."),
  last_failure_at: z.string().nullable(),
  last_error: z
    .string()
    .nullable()
    .describe("The error of the newest failed collection in the window; null without accounts:read, as crawler errors name the account."),
  canary: z
    .object({ outcome: z.enum(COLLECTION_OUTCOMES), attempted_at: z.string() })
    .nullable()
    .describe('The newest canary collection in the window; null when the platform has no canary read in it.'),
  accounts: z.number().int().describe('Active accounts of the platform (canaries included).'),
  accounts_uncovered: z.number().int().describe('Accounts of the platform with an open coverage gap.'),
});
export type PlatformHealthReply = z.infer<typeof platformHealthReply>;

/** `GET /coverage`: the installation's coverage now. */
export const coverageReply = z.object({
  generated_at: z.string(),
  window_hours: z.number().describe('The span, in hours, health is judged over.'),
  open_gaps: z.number().int(),
  accounts_uncovered: z.number().int().describe('Accounts with an open coverage gap.'),
  oldest_open_gap_started_at: z.string().nullable().describe('Since when the longest-uncovered account has not been covered.'),
  platforms: z
    .array(platformHealthReply)
    .describe('One entry per platform that has active accounts or collections in the window, by platform name.'),
});
export type CoverageReply = z.infer<typeof coverageReply>;

/** `GET /coverage/gaps` filters and page. */
export const coverageGapsQuery = z.strictObject({
  state: z.enum(['open', 'closed', 'all']).default('open').describe('open: accounts not covered now; closed: spans that ended; all: both.'),
  platform: z.string().trim().min(1).max(50).optional(),
  account_id: z.uuid().optional(),
  since: instant.optional().describe('Gaps detected at or after this time, or still open then: YYYY-MM-DD (midnight UTC) or ISO 8601 with a zone.'),
  cursor: z.string().max(2_000).optional().describe('next_cursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(MAX_GAP_PAGE).default(100),
});
export type CoverageGapsQuery = z.output<typeof coverageGapsQuery>;

/** The account a gap belongs to; handle and display name need `accounts:read` (null without it). */
export const gapAccountReply = z.object({
  id: z.string(),
  platform: z.string(),
  handle: z.string().nullable().describe('null for a caller without accounts:read.'),
  display_name: z.string().nullable().describe('null when unset, or for a caller without accounts:read.'),
  kind: z.enum(['corporate', 'employee']),
  is_canary: z.boolean(),
});

/** A span an account was not covered, and how it ended. */
export const coverageGapReply = z.object({
  id: z.string(),
  account: gapAccountReply,
  reason: z.enum(GAP_REASONS).describe('The kind of the latest failure, or catch_up_depth: a reading met more new posts than CRAWL_CATCHUP_POSTS and gave up the oldest.'),
  last_error: z.string().nullable().describe("The latest failure's error; null for a caller without accounts:read, as crawler errors name the account."),
  started_at: z.string().describe('Covered up to here: the last successful collection, or the registration.'),
  detected_at: z.string().describe('The first failed collection.'),
  last_failed_at: z.string(),
  ended_at: z.string().nullable().describe('The collection that restored coverage; null while open.'),
  failures: z.number().int().describe('Failed collections in the gap.'),
  caught_up_posts: z.number().int().nullable().describe('Posts published during the gap that the restoring collection collected.'),
  uncovered_until: z
    .string()
    .nullable()
    .describe('Set when catch-up stopped at its depth: posts from started_at to here were never collected.'),
});
export type CoverageGapReply = z.infer<typeof coverageGapReply>;

/** A page of coverage gaps, newest detected first. */
export const coverageGapListReply = z.object({ items: z.array(coverageGapReply), next_cursor: z.string().nullable() });
export type CoverageGapListReply = z.infer<typeof coverageGapListReply>;

/** An account's open coverage gap, as account replies show it. */
export const accountCoverageGapReply = z.object({
  id: z.string(),
  reason: z.enum(GAP_REASONS),
  last_error: z.string(),
  started_at: z.string().describe('Not covered since.'),
  detected_at: z.string(),
  failures: z.number().int(),
});
export type AccountCoverageGapReply = z.infer<typeof accountCoverageGapReply>;

/**
 * The API form of the store's coverage snapshot, each platform's health judged over the window's
 * collections; without `mayReadAccounts` no error text, since the crawler's errors name the account.
 */
export function toCoverageReply(snapshot: CoverageSnapshot, generatedAt: Date, mayReadAccounts: boolean): CoverageReply {
  return {
    generated_at: generatedAt.toISOString(),
    window_hours: HEALTH_WINDOW_MS / 3_600_000,
    open_gaps: snapshot.openGaps,
    accounts_uncovered: snapshot.accountsUncovered,
    oldest_open_gap_started_at: iso(snapshot.oldestOpenGapStartedAt),
    platforms: snapshot.platforms.map((platform) => {
      const health = judgePlatformHealth(platform.platform, platform.attempts, platform.lastSuccessAt);
      return {
        platform: health.platform,
        state: health.state,
        reason: health.reason,
        attempts: health.attempts,
        successes: health.successes,
        success_rate: health.successRate,
        failures: health.failures,
        last_success_at: iso(health.lastSuccessAt),
        last_failure_at: iso(health.lastFailureAt),
        last_error: mayReadAccounts ? health.lastError : null,
        canary: health.canary === null ? null : { outcome: health.canary.outcome, attempted_at: health.canary.attemptedAt.toISOString() },
        accounts: platform.accounts,
        accounts_uncovered: platform.accountsUncovered,
      };
    }),
  };
}

/** The API form of a gap; without `mayReadAccounts` the account's handle, display name and the error naming it are null. */
export function toCoverageGapReply(gap: GapWithAccount, mayReadAccounts: boolean): CoverageGapReply {
  return {
    id: gap.id,
    account: {
      id: gap.account_id,
      platform: gap.platform,
      handle: mayReadAccounts ? gap.account_handle : null,
      display_name: mayReadAccounts ? gap.account_display_name : null,
      kind: gap.account_kind,
      is_canary: gap.account_is_canary,
    },
    reason: gap.reason,
    last_error: mayReadAccounts ? gap.last_error : null,
    started_at: gap.started_at.toISOString(),
    detected_at: gap.detected_at.toISOString(),
    last_failed_at: gap.last_failed_at.toISOString(),
    ended_at: iso(gap.ended_at),
    failures: gap.failures,
    caught_up_posts: gap.caught_up_posts,
    uncovered_until: iso(gap.uncovered_until),
  };
}

/** An account's open gap as account replies show it; null when it is covered. */
export function toAccountCoverageGap(gap: CoverageGap | undefined): AccountCoverageGapReply | null {
  if (gap === undefined) return null;
  return {
    id: gap.id,
    reason: gap.reason,
    last_error: gap.last_error,
    started_at: gap.started_at.toISOString(),
    detected_at: gap.detected_at.toISOString(),
    failures: gap.failures,
  };
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
