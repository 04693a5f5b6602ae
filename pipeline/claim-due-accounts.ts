import { sql, type Kysely } from 'kysely';
import { PermanentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { nextRunAt, parseSchedule, type Schedule } from '../core/schedule.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { ScanRun, Schema } from '../store/schema.js';

/**
 * Claims the accounts whose scan is due and starts one scheduled scan of them, in one
 * transaction: due rows are locked with FOR UPDATE SKIP LOCKED and moved to their next time, so
 * schedulers in several processes never claim the same account twice. Accounts already waiting
 * in a running scan are left for it. Returns the scan, or undefined when nothing was due.
 */
export async function claimDueAccounts(
  db: Kysely<Schema>,
  options: { now: Date; limit: number; defaultSchedule: Schedule; log: Logger },
): Promise<ScanRun | undefined> {
  const { now, limit, defaultSchedule, log } = options;
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('accounts')
      .select(['id', 'platform', 'handle', 'schedule'])
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
      )
      // Never-scheduled accounts first, then the longest overdue.
      .orderBy(sql`next_scan_at asc nulls first`)
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return undefined;
    for (const account of due) {
      await trx
        .updateTable('accounts')
        .set({ next_scan_at: nextRunAt(scheduleOf(account, defaultSchedule, log), now) })
        .where('id', '=', account.id)
        .execute();
    }
    return ScanRunsRepository.start(
      trx,
      'schedule',
      due.map((account) => account.id),
    );
  });
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
