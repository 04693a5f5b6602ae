import { sql, type Kysely, type SqlBool } from 'kysely';
import type { FailedJobKind, ScanAccountStatus, ScanStatus, ScanTrigger, Schema } from '../schema.js';

/** Why an account's collection in a scan did not end in `collected`. */
export type AccountScanErrorKind = 'blocked' | FailedJobKind | 'skipped';

/** One scan that covered an account, and how the account fared in it. */
export interface AccountScanHistoryEntry {
  scanRunId: string;
  trigger: ScanTrigger;
  scanStatus: ScanStatus;
  scanCreatedAt: Date;
  scanStartedAt: Date | null;
  scanFinishedAt: Date | null;
  /** The account's own outcome in the scan. */
  outcome: ScanAccountStatus;
  /** Posts it collected new or changed. */
  posts: number;
  /** Findings first raised in this scan on the account's posts. */
  newFindings: number;
  /** Null when nothing went wrong (collected, or still pending). */
  errorKind: AccountScanErrorKind | null;
  error: string | null;
  /** When the account's outcome was last written. */
  updatedAt: Date;
}

/** Which page of an account's history: at most `limit` scans older than `beforeScanId` (the previous page's last). */
export interface AccountScanHistoryPage {
  beforeScanId?: string;
  limit: number;
}

/**
 * An account's scans, newest first (by the scan's creation, then id: stable while outcomes are
 * written), each with the account's outcome, counts and, when it failed, what kind of failure: a
 * platform block, a job that failed for good (`permanent`, `retries_exhausted`, `invalid_payload`),
 * or a skip (account disabled, scan cancelled).
 */
export async function listAccountScanHistory(db: Kysely<Schema>, accountId: string, page: AccountScanHistoryPage): Promise<AccountScanHistoryEntry[]> {
  let query = db
    .selectFrom('scan_run_accounts')
    .innerJoin('scan_runs', 'scan_runs.id', 'scan_run_accounts.scan_run_id')
    // A collect job's key is `collect_<scan>_<account>` (pipeline/job-payloads.ts): its failure row, while not retried.
    .leftJoin('failed_jobs', (join) =>
      join.on(
        sql<SqlBool>`failed_jobs.job_key = 'collect_' || scan_run_accounts.scan_run_id::text || '_' || scan_run_accounts.account_id::text AND failed_jobs.retried_at IS NULL`,
      ),
    )
    .select([
      'scan_runs.id as scanRunId',
      'scan_runs.trigger',
      'scan_runs.status as scanStatus',
      'scan_runs.created_at as scanCreatedAt',
      'scan_runs.started_at as scanStartedAt',
      'scan_runs.finished_at as scanFinishedAt',
      'scan_run_accounts.status as outcome',
      'scan_run_accounts.posts',
      'scan_run_accounts.error',
      'scan_run_accounts.updated_at as updatedAt',
      'failed_jobs.error_kind as jobErrorKind',
      sql<number>`(SELECT count(*)::int FROM findings WHERE findings.scan_run_id = scan_run_accounts.scan_run_id AND findings.account_id = scan_run_accounts.account_id)`.as(
        'newFindings',
      ),
    ])
    .where('scan_run_accounts.account_id', '=', accountId)
    .orderBy('scan_runs.created_at', 'desc')
    .orderBy('scan_runs.id', 'desc')
    .limit(page.limit);
  if (page.beforeScanId !== undefined) {
    // Compared with the scan's own stored time: a JavaScript Date would drop its microseconds.
    query = query.where(sql<SqlBool>`(scan_runs.created_at, scan_runs.id) < (SELECT created_at, id FROM scan_runs WHERE id = ${page.beforeScanId})`);
  }
  const rows = await query.execute();
  return rows.map(({ jobErrorKind, ...row }) => ({ ...row, errorKind: errorKindOf(row.outcome, jobErrorKind) }));
}

function errorKindOf(outcome: ScanAccountStatus, jobErrorKind: FailedJobKind | null): AccountScanErrorKind | null {
  switch (outcome) {
    case 'blocked':
      return 'blocked';
    case 'skipped':
      return 'skipped';
    // No failed job: the collector itself gave up with a permanent error, which is not retried.
    case 'failed':
      return jobErrorKind ?? 'permanent';
    default:
      return null;
  }
}
