import { sql, type Kysely, type Transaction } from 'kysely';
import type { CollectionFailureKind, CollectionOutcome } from '../../core/coverage.js';
import type { Account, CoverageGap, Schema } from '../schema.js';
import { FindingEventsRepository } from './finding-events-repository.js';

/** One collection to record: which account (or canary), how it ended, how many posts it read. */
export interface AttemptInput {
  platform: string;
  accountId: string | null;
  isCanary: boolean;
  outcome: CollectionOutcome;
  posts?: number;
  /** The failure's message (adapters redact URLs); cut to ERROR_TEXT_CHARS. */
  error?: string | null;
  attemptedAt?: Date;
}

/** A failed collection, as it opens or extends its account's coverage gap. */
export interface FailureInput {
  reason: CollectionFailureKind;
  error: string;
  at: Date;
}

/** A successful collection, as it closes its account's coverage gap. */
export interface RestoredInput {
  at: Date;
  /** Publication times of the posts the reading collected: those after the gap's start were caught up. */
  publishedAt: readonly Date[];
  /** When the reading stopped at its catch-up depth: the oldest post it collected (older gap posts were never read). */
  uncoveredUntil: Date | null;
  /** Until when the account was covered before this reading (its last success, or its registration). */
  coveredSince: Date;
}

/** A recorded collection as platform health is judged from it. */
export interface RecordedAttempt {
  outcome: CollectionOutcome;
  isCanary: boolean;
  attemptedAt: Date;
  error: string | null;
}

/** Longest error text kept on an attempt or gap: a message, not a page dump. */
export const ERROR_TEXT_CHARS = 1_000;

/**
 * Coverage records: one row per collection (`collection_attempts`), from which platform health
 * is judged, and one row per span an account was not covered (`coverage_gaps`), each opening and
 * closing with an outbox event in the same transaction.
 */
export class CoverageRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Records one collection's outcome: a success in the transaction that records it, a failure on
   * its own, so it is kept whatever becomes of the job (a failed try is retried, or recorded later).
   */
  static async recordAttempt(db: Kysely<Schema>, attempt: AttemptInput): Promise<void> {
    await db
      .insertInto('collection_attempts')
      .values({
        platform: attempt.platform,
        account_id: attempt.accountId,
        is_canary: attempt.isCanary,
        outcome: attempt.outcome,
        posts: attempt.posts ?? 0,
        error: attempt.error === undefined || attempt.error === null ? null : attempt.error.slice(0, ERROR_TEXT_CHARS),
        ...(attempt.attemptedAt === undefined ? {} : { attempted_at: attempt.attemptedAt }),
      })
      .execute();
  }

  /**
   * Opens the account's coverage gap (with a `coverage.gap` event) or, when one is open, extends
   * it (failures, reason, last error and time; no event). A new gap starts at the account's last
   * success, else at its registration. Must run in the transaction that records the failure on
   * the account, with the account row locked, so two failures never open two gaps.
   */
  static async recordFailure(
    trx: Transaction<Schema>,
    account: Pick<Account, 'id' | 'platform' | 'last_success_at' | 'created_at'>,
    failure: FailureInput,
  ): Promise<{ gap: CoverageGap; isOpened: boolean }> {
    const lastError = failure.error.slice(0, ERROR_TEXT_CHARS);
    const extended = await trx
      .updateTable('coverage_gaps')
      .set((eb) => ({ failures: eb('failures', '+', 1), reason: failure.reason, last_error: lastError, last_failed_at: failure.at, updated_at: failure.at }))
      .where('account_id', '=', account.id)
      .where('ended_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (extended !== undefined) return { gap: extended, isOpened: false };
    const startedAt = account.last_success_at ?? account.created_at;
    const gap = await trx
      .insertInto('coverage_gaps')
      .values({
        account_id: account.id,
        platform: account.platform,
        // Never after the failure (a clock step back must not break the span's order).
        started_at: startedAt > failure.at ? failure.at : startedAt,
        detected_at: failure.at,
        last_failed_at: failure.at,
        reason: failure.reason,
        last_error: lastError,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await FindingEventsRepository.appendCoverage(trx, gap, 'coverage.gap');
    return { gap, isOpened: true };
  }

  /**
   * Closes the account's open gap, if any, with a `coverage.restored` event: `caught_up_posts`
   * counts the collected posts published after the gap started. Without an open gap, a reading
   * that stopped at its catch-up depth still gave up posts: it records a gap opened and closed at
   * once (`catch_up_depth`, both events), so that span is reported like any other. Returns the
   * closed gap.
   */
  static async recordRestored(trx: Transaction<Schema>, account: Pick<Account, 'id' | 'platform'>, restored: RestoredInput): Promise<CoverageGap | undefined> {
    const accountId = account.id;
    const open = await trx.selectFrom('coverage_gaps').selectAll().where('account_id', '=', accountId).where('ended_at', 'is', null).forUpdate().executeTakeFirst();
    if (open === undefined) return restored.uncoveredUntil === null ? undefined : recordGivenUp(trx, account, restored, restored.uncoveredUntil);
    const caughtUp = restored.publishedAt.filter((publishedAt) => publishedAt > open.started_at).length;
    const gap = await trx
      .updateTable('coverage_gaps')
      .set({
        // Never before the first failure, whatever the clocks of two workers say.
        ended_at: restored.at < open.detected_at ? open.detected_at : restored.at,
        caught_up_posts: caughtUp,
        uncovered_until: restored.uncoveredUntil,
        updated_at: restored.at,
      })
      .where('id', '=', open.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await FindingEventsRepository.appendCoverage(trx, gap, 'coverage.restored');
    return gap;
  }

  /**
   * What decides each named platform's health state (see judgePlatformHealth): its `recent`
   * newest collections in (since, until] and its newest canary collection there, newest first.
   * A platform without any in the span is absent.
   */
  async decisiveAttempts(platforms: readonly string[], span: { since: Date; until: Date; recent: number }): Promise<Map<string, RecordedAttempt[]>> {
    const byPlatform = new Map<string, RecordedAttempt[]>();
    if (platforms.length === 0) return byPlatform;
    const rows = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('collection_attempts')
          .select(['platform', 'outcome', 'is_canary', 'attempted_at', 'error'])
          .select(sql<number>`row_number() over (partition by platform order by attempted_at desc, id desc)`.as('newest'))
          .select(sql<number>`row_number() over (partition by platform, is_canary order by attempted_at desc, id desc)`.as('newest_of_kind'))
          .where('platform', 'in', [...platforms])
          .where('attempted_at', '>', span.since)
          .where('attempted_at', '<=', span.until)
          .as('ranked'),
      )
      .select(['platform', 'outcome', 'is_canary', 'attempted_at', 'error'])
      .where((eb) => eb.or([eb('newest', '<=', span.recent), eb.and([eb('is_canary', '=', true), eb('newest_of_kind', '=', 1)])]))
      .orderBy('platform')
      .orderBy('newest')
      .execute();
    for (const row of rows) {
      const list = byPlatform.get(row.platform) ?? [];
      list.push({ outcome: row.outcome, isCanary: row.is_canary, attemptedAt: row.attempted_at, error: row.error });
      byPlatform.set(row.platform, list);
    }
    return byPlatform;
  }
}

/** A gap opened and closed by one successful reading that stopped at its catch-up depth. */
async function recordGivenUp(trx: Transaction<Schema>, account: Pick<Account, 'id' | 'platform'>, restored: RestoredInput, uncoveredUntil: Date): Promise<CoverageGap> {
  const startedAt = restored.coveredSince < restored.at ? restored.coveredSince : restored.at;
  const opened = await trx
    .insertInto('coverage_gaps')
    .values({
      account_id: account.id,
      platform: account.platform,
      started_at: startedAt,
      detected_at: restored.at,
      last_failed_at: restored.at,
      reason: 'catch_up_depth',
      last_error: `more new posts than CRAWL_CATCHUP_POSTS (${restored.publishedAt.length} collected) since the last reading: posts published before ${uncoveredUntil.toISOString()} were not collected; raise CRAWL_CATCHUP_POSTS or scan the account more often`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await FindingEventsRepository.appendCoverage(trx, opened, 'coverage.gap');
  const closed = await trx
    .updateTable('coverage_gaps')
    .set({
      ended_at: restored.at,
      caught_up_posts: restored.publishedAt.filter((publishedAt) => publishedAt > startedAt).length,
      uncovered_until: uncoveredUntil,
      updated_at: restored.at,
    })
    .where('id', '=', opened.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await FindingEventsRepository.appendCoverage(trx, closed, 'coverage.restored');
  return closed;
}
