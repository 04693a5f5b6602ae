import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { COVERAGE_DEFAULTS } from '../core/config.js';
import { PermanentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { nextRunAt, parseSchedule, type Schedule } from '../core/schedule.js';
import { CoverageRepository } from '../store/repositories/coverage-repository.js';
import { PostPresenceRepository } from '../store/repositories/post-presence-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { ScanRun, Schema } from '../store/schema.js';
import { HEALTH_WINDOW_MS, RECENT_ATTEMPTS, judgePlatformHealth } from './platform-health.js';

/**
 * How long after its owner was notified a post still present is looked for on every scheduled
 * scan of its account: those scans read in full (as `isFull` does), since an incremental reading
 * never sees a post older than its cursor and so could not tell that it was taken down.
 */
export const REMOVAL_RECHECK_DAYS = 30;

/** What one call of claimDueAccounts works with. */
export interface ClaimOptions {
  now: Date;
  /** Accounts per scan at most. */
  limit: number;
  defaultSchedule: Schedule;
  log: Logger;
  /** Accounts of one platform claimed per scheduler round at most (SCHEDULER_PLATFORM_CLAIM_LIMIT); default 25. */
  platformLimit?: number;
  /**
   * Accounts claimed so far in this scheduler round, by platform: updated by each call, so the
   * caps hold across the several scans a round starts. Without it, each call is a round of its own.
   */
  claimedThisRound?: Map<string, number>;
}

/**
 * Claims the accounts whose scan is due and starts one scheduled scan of them, in one
 * transaction: due rows are locked with FOR UPDATE SKIP LOCKED and moved to their next time, so
 * schedulers in several processes never claim the same account twice. Accounts already waiting
 * in a running scan are left for it. Accounts with a post awaiting removal (see
 * REMOVAL_RECHECK_DAYS) forget their crawl cursor, so their scan reads in full and checks whether
 * the post is gone. Returns the scan, or undefined when nothing was due.
 *
 * No thundering herd: a round claims at most `platformLimit` accounts of one platform (the rest
 * stay due for later rounds). A platform judged `down` or `blocked` from its collections of the
 * last HEALTH_WINDOW_MS (see judgePlatformHealth) is only probed: its due canaries, else one due
 * account per round; its other due accounts keep waiting, their next_scan_at untouched, and are
 * claimed as soon as the platform is judged otherwise.
 */
export async function claimDueAccounts(db: Kysely<Schema>, options: ClaimOptions): Promise<ScanRun | undefined> {
  const { now, limit, defaultSchedule, log } = options;
  const platformLimit = options.platformLimit ?? COVERAGE_DEFAULTS.platformClaimLimit;
  const claimedThisRound = options.claimedThisRound ?? new Map<string, number>();
  const claimed = await db.transaction().execute(async (trx) => {
    // Candidates first, without locks: FOR UPDATE cannot combine with the window function.
    const candidates = await trx
      .selectFrom((eb) =>
        dueAccounts(eb.selectFrom('accounts'), now)
          .select(['id', 'platform', 'is_canary', 'next_scan_at'])
          .select(sql<number>`row_number() over (partition by platform order by is_canary desc, next_scan_at asc nulls first, id)`.as('rank'))
          .as('due'),
      )
      .select(['id', 'platform', 'is_canary'])
      .where('rank', '<=', platformLimit)
      // Never-scheduled accounts first, then the longest overdue.
      .orderBy(sql`next_scan_at asc nulls first`)
      .orderBy('id')
      .execute();
    if (candidates.length === 0) return [];
    const probed = await probedPlatforms(trx, [...new Set(candidates.map((candidate) => candidate.platform))], now);
    const picked = pickCandidates(candidates, { limit, platformLimit, claimedThisRound, probed });
    if (picked.length === 0) return [];
    // Then locked, with every condition checked again: another scheduler may have claimed some meanwhile.
    const due = await dueAccounts(trx.selectFrom('accounts'), now)
      .select(['id', 'platform', 'handle', 'schedule'])
      .where('id', 'in', picked)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    for (const account of due) {
      await trx
        .updateTable('accounts')
        .set({ next_scan_at: nextRunAt(scheduleOf(account, defaultSchedule, log), now) })
        .where('id', '=', account.id)
        .execute();
    }
    const notifiedAfter = new Date(now.getTime() - REMOVAL_RECHECK_DAYS * 86_400_000);
    const awaitingRemoval = await PostPresenceRepository.accountsAwaitingRemoval(
      trx,
      due.map((account) => account.id),
      notifiedAfter,
    );
    if (awaitingRemoval.length > 0) await trx.updateTable('accounts').set({ crawl_cursor: null }).where('id', 'in', awaitingRemoval).execute();
    const run = await ScanRunsRepository.start(
      trx,
      'schedule',
      due.map((account) => account.id),
    );
    return due.map((account) => ({ platform: account.platform, run }));
  });
  for (const { platform } of claimed) claimedThisRound.set(platform, (claimedThisRound.get(platform) ?? 0) + 1);
  return claimed[0]?.run;
}

/** Active accounts due at `now` that no running scan still waits for. */
function dueAccounts<O>(query: SelectQueryBuilder<Schema, 'accounts', O>, now: Date): SelectQueryBuilder<Schema, 'accounts', O> {
  return query
    .where('is_active', '=', true)
    .where((eb) => eb.or([eb('next_scan_at', 'is', null), eb('next_scan_at', '<=', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('scan_run_accounts')
            .innerJoin('scan_runs', 'scan_runs.id', 'scan_run_accounts.scan_run_id')
            .select('scan_run_accounts.account_id')
            .whereRef('scan_run_accounts.account_id', '=', 'accounts.id')
            .where('scan_run_accounts.status', '=', 'pending')
            .where('scan_runs.status', '=', 'running'),
        ),
      ),
    );
}

/** The platforms, of those named, judged `down` or `blocked` from their recent collections: only probed. */
async function probedPlatforms(db: Kysely<Schema>, platforms: readonly string[], now: Date): Promise<Set<string>> {
  const span = { since: new Date(now.getTime() - HEALTH_WINDOW_MS), until: now, recent: RECENT_ATTEMPTS };
  const attempts = await new CoverageRepository(db).decisiveAttempts(platforms, span);
  const probed = new Set<string>();
  for (const [platform, newestFirst] of attempts) {
    const { state } = judgePlatformHealth(platform, newestFirst);
    if (state === 'down' || state === 'blocked') probed.add(platform);
  }
  return probed;
}

/**
 * The candidates to claim, in their order: at most `limit`, at most `platformLimit` a platform
 * this round; of a probed platform only its canaries, or when none is due one account a round.
 */
function pickCandidates(
  candidates: ReadonlyArray<{ id: string; platform: string; is_canary: boolean }>,
  rules: { limit: number; platformLimit: number; claimedThisRound: ReadonlyMap<string, number>; probed: ReadonlySet<string> },
): string[] {
  const hasDueCanary = new Set(candidates.filter((candidate) => candidate.is_canary).map((candidate) => candidate.platform));
  const taken = new Map(rules.claimedThisRound);
  const picked: string[] = [];
  for (const candidate of candidates) {
    if (picked.length >= rules.limit) break;
    const count = taken.get(candidate.platform) ?? 0;
    if (count >= rules.platformLimit) continue;
    if (rules.probed.has(candidate.platform) && (hasDueCanary.has(candidate.platform) ? !candidate.is_canary : count > 0)) continue;
    taken.set(candidate.platform, count + 1);
    picked.push(candidate.id);
  }
  return picked;
}

/** The account's own schedule, else the default (also when the stored one no longer parses). */
export function scheduleOf(account: { platform: string; handle: string; schedule: string | null }, fallback: Schedule, log: Logger): Schedule {
  if (account.schedule === null) return fallback;
  try {
    return parseSchedule(account.schedule);
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    // Stored before validation got stricter, or edited in the database by hand.
    log.warn({ account: `${account.platform}:${account.handle}`, err: error }, 'the account schedule is not valid; the default schedule is used');
    return fallback;
  }
}
