import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type {
  Account,
  ScanAccountStatus,
  ScanCounts,
  ScanRun,
  ScanRunAccount,
  ScanRunsTable,
  ScanStatus,
  ScanTrigger,
  Schema,
} from '../schema.js';

/** How far a scan has got, read from the database (the record of what is left to do). */
export interface ScanProgress {
  accounts: { total: number; done: number; failed: number; blocked: number };
  /** Posts this scan collected new or changed, and how many of them still wait for analysis. */
  posts: { total: number; pending: number; failed: number };
  images: { total: number; pending: number; failed: number };
  findings: number;
  /** True when every account is collected (or failed) and every post analyzed (or failed). */
  isDone: boolean;
}

/** One thing that went wrong in a scan, as kept with its run. */
export interface ScanError {
  at: string;
  message: string;
  accountId?: string;
}

/** Filters of `ScanRunsRepository.page`; each one given narrows the list. */
export interface ScanRunFilter {
  status?: ScanStatus;
  trigger?: ScanTrigger;
  /** The id of the last run of the previous page. */
  beforeId?: string;
}

/** How one account of a scan fared. */
export type ScanAccountOutcome = Pick<ScanRunAccount, 'account_id' | 'status' | 'posts' | 'error' | 'updated_at'> & Pick<Account, 'platform' | 'handle'>;

/** Scan runs: which accounts each covers, how far each got, and counts and errors when done. */
export class ScanRunsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(trigger: ScanTrigger, accountId?: string): Promise<ScanRun> {
    return this.db
      .insertInto('scan_runs')
      .values({ trigger, account_id: accountId ?? null, started_at: null, finished_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Starts a scan of these accounts inside the caller's transaction: the run, running, and one
   * pending row per account, so the work is on record before any job exists.
   */
  static async start(
    trx: Transaction<Schema>,
    trigger: ScanTrigger,
    accountIds: readonly string[],
  ): Promise<ScanRun> {
    const run = await trx
      .insertInto('scan_runs')
      .values({
        trigger,
        account_id: accountIds.length === 1 ? (accountIds[0] ?? null) : null,
        status: 'running',
        counts: JSON.stringify({ accounts: accountIds.length, posts: 0, images: 0, findings: 0, errors: 0 }),
        started_at: new Date(),
        finished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (accountIds.length > 0) {
      await trx
        .insertInto('scan_run_accounts')
        .values(accountIds.map((accountId) => ({ scan_run_id: run.id, account_id: accountId, error: null })))
        .execute();
    }
    return run;
  }

  async markRunning(id: string): Promise<ScanRun> {
    return this.update(id, { status: 'running', started_at: new Date() });
  }

  async finish(
    id: string,
    status: Extract<ScanStatus, 'completed' | 'failed' | 'cancelled'>,
    counts: ScanCounts,
    errors: readonly ScanError[] = [],
  ): Promise<ScanRun> {
    return this.update(id, {
      status,
      counts: JSON.stringify(counts),
      errors: JSON.stringify(errors),
      finished_at: new Date(),
    });
  }

  async getById(id: string): Promise<ScanRun> {
    const run = await this.db.selectFrom('scan_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!run) throw new NotFoundError('scan run', id);
    return run;
  }

  /** Runs still under way, oldest first. */
  async listRunning(): Promise<ScanRun[]> {
    return this.db.selectFrom('scan_runs').selectAll().where('status', '=', 'running').orderBy('created_at').execute();
  }

  /** The newest runs first. */
  async listRecent(limit = 20): Promise<ScanRun[]> {
    return this.db.selectFrom('scan_runs').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  }

  /**
   * One page of runs, newest first (created_at, then id, both descending), narrowed by each filter
   * given; `beforeId` is the last run of the previous page (keyset pagination: stable while runs are added).
   */
  async page(filter: ScanRunFilter, limit: number): Promise<ScanRun[]> {
    let query = this.db.selectFrom('scan_runs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.trigger !== undefined) query = query.where('trigger', '=', filter.trigger);
    // Compared with the row's own stored time: a JavaScript Date would drop its microseconds.
    if (filter.beforeId !== undefined) {
      query = query.where(sql<boolean>`(created_at, id) < (select created_at, id from scan_runs where id = ${filter.beforeId})`);
    }
    return query.execute();
  }

  /** How each account of a scan fared, with the account's platform and handle, at most `limit` (by platform, handle). */
  async outcomes(id: string, limit = 1_000): Promise<ScanAccountOutcome[]> {
    return this.db
      .selectFrom('scan_run_accounts')
      .innerJoin('accounts', 'accounts.id', 'scan_run_accounts.account_id')
      .select([
        'scan_run_accounts.account_id',
        'accounts.platform',
        'accounts.handle',
        'scan_run_accounts.status',
        'scan_run_accounts.posts',
        'scan_run_accounts.error',
        'scan_run_accounts.updated_at',
      ])
      .where('scan_run_accounts.scan_run_id', '=', id)
      .orderBy('accounts.platform')
      .orderBy('accounts.handle')
      .limit(limit)
      .execute();
  }

  /** One account's entry in a scan with the scan's own status (one indexed read, cheap enough for every collect job). */
  static async entryOf(
    db: Kysely<Schema>,
    scanRunId: string,
    accountId: string,
  ): Promise<{ status: ScanAccountStatus; scanStatus: ScanStatus } | undefined> {
    return db
      .selectFrom('scan_run_accounts')
      .innerJoin('scan_runs', 'scan_runs.id', 'scan_run_accounts.scan_run_id')
      .select(['scan_run_accounts.status', 'scan_runs.status as scanStatus'])
      .where('scan_run_accounts.scan_run_id', '=', scanRunId)
      .where('scan_run_accounts.account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** Cancelled scans some of whose collected posts still wait for reading or analysis (read from the small unanalyzed-posts index). */
  async cancelledWithUnfinishedPosts(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('posts')
      .innerJoin('scan_runs', 'scan_runs.id', 'posts.scan_run_id')
      .select('scan_runs.id')
      .distinct()
      .where('posts.analyzed_at', 'is', null)
      .where('posts.analysis_failed_at', 'is', null)
      .where('scan_runs.status', '=', 'cancelled')
      .execute();
    return rows.map((row) => row.id);
  }

  async accountsOf(id: string, status?: ScanAccountStatus): Promise<ScanRunAccount[]> {
    let query = this.db.selectFrom('scan_run_accounts').selectAll().where('scan_run_id', '=', id);
    if (status !== undefined) query = query.where('status', '=', status);
    return query.execute();
  }

  /** Records how one account's collection ended (inside the caller's transaction when given). */
  static async recordAccount(
    db: Kysely<Schema>,
    scanRunId: string,
    accountId: string,
    outcome: { status: ScanAccountStatus; posts?: number; error?: string },
  ): Promise<void> {
    await db
      .updateTable('scan_run_accounts')
      .set({ status: outcome.status, posts: outcome.posts ?? 0, error: outcome.error ?? null, updated_at: new Date() })
      .where('scan_run_id', '=', scanRunId)
      .where('account_id', '=', accountId)
      .execute();
  }

  async progress(id: string): Promise<ScanProgress> {
    return readProgress(this.db, id);
  }

  /**
   * Closes a running scan whose work is all done, with its counts and errors; does nothing to a
   * scan still under way or already closed, cancelled ones included (so any number of processes
   * may call it).
   */
  async finishIfDone(id: string): Promise<ScanRun | undefined> {
    const progress = await readProgress(this.db, id);
    if (!progress.isDone) return undefined;
    const { counts, errors } = await summarise(this.db, id, progress);
    const allFailed = progress.accounts.total > 0 && progress.accounts.failed + progress.accounts.blocked === progress.accounts.total;
    return this.db
      .updateTable('scan_runs')
      .set({ status: allFailed ? 'failed' : 'completed', counts: JSON.stringify(counts), errors: JSON.stringify(errors), finished_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Cancels a queued or running scan in one transaction: the run becomes `cancelled` with its
   * counts so far and `finished_at`, and its accounts not yet collected become `skipped`, so their
   * queued collect jobs find nothing to do. A scan already closed is returned unchanged with
   * `isCancelled: false`; an unknown id throws NotFoundError.
   */
  async cancel(id: string, now: Date = new Date()): Promise<{ run: ScanRun; isCancelled: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('scan_runs').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!locked) throw new NotFoundError('scan run', id);
      if (locked.status !== 'queued' && locked.status !== 'running') {
        return { run: await trx.selectFrom('scan_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow(), isCancelled: false };
      }
      await trx
        .updateTable('scan_run_accounts')
        .set({ status: 'skipped', error: 'the scan was cancelled', updated_at: now })
        .where('scan_run_id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      const { counts, errors } = await summarise(trx, id, await readProgress(trx, id));
      const run = await trx
        .updateTable('scan_runs')
        .set({ status: 'cancelled', counts: JSON.stringify(counts), errors: JSON.stringify(errors), finished_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { run, isCancelled: true };
    });
  }

  /** Opens a closed scan again (a failed job of it is being retried). */
  async reopen(id: string): Promise<void> {
    await this.db
      .updateTable('scan_runs')
      .set({ status: 'running', finished_at: null })
      .where('id', '=', id)
      .where('status', 'in', ['completed', 'failed'])
      .execute();
  }

  private async update(id: string, changes: Updateable<ScanRunsTable>): Promise<ScanRun> {
    const run = await this.db
      .updateTable('scan_runs')
      .set(changes)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!run) throw new NotFoundError('scan run', id);
    return run;
  }
}

async function readProgress(db: Kysely<Schema>, id: string): Promise<ScanProgress> {
  const accounts = await db
    .selectFrom('scan_run_accounts')
    .select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) filter (where status <> 'pending'))::int`.as('done'),
      sql<number>`(count(*) filter (where status = 'failed'))::int`.as('failed'),
      sql<number>`(count(*) filter (where status = 'blocked'))::int`.as('blocked'),
    ])
    .where('scan_run_id', '=', id)
    .executeTakeFirstOrThrow();
  const posts = await db
    .selectFrom('posts')
    .select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) filter (where analyzed_at is null and analysis_failed_at is null))::int`.as('pending'),
      sql<number>`(count(*) filter (where analysis_failed_at is not null))::int`.as('failed'),
    ])
    .where('scan_run_id', '=', id)
    .executeTakeFirstOrThrow();
  const images = await db
    .selectFrom('media')
    .innerJoin('posts', 'posts.id', 'media.post_id')
    .select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) filter (where media.status = 'pending'))::int`.as('pending'),
      sql<number>`(count(*) filter (where media.status = 'failed'))::int`.as('failed'),
    ])
    .where('posts.scan_run_id', '=', id)
    .executeTakeFirstOrThrow();
  const findings = await db
    .selectFrom('findings')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('scan_run_id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    accounts,
    posts,
    images,
    findings: findings.count,
    isDone: accounts.done === accounts.total && posts.pending === 0,
  };
}

/** A closing scan's counts and errors (at most 1,000 kept): failed and blocked accounts, and jobs that failed for good. */
async function summarise(db: Kysely<Schema>, id: string, progress: ScanProgress): Promise<{ counts: ScanCounts; errors: ScanError[] }> {
  const failures = await db
    .selectFrom('scan_run_accounts')
    .select(['account_id', 'status', 'error', 'updated_at'])
    .where('scan_run_id', '=', id)
    .where('status', 'in', ['failed', 'blocked'])
    .execute();
  const jobFailures = await db
    .selectFrom('failed_jobs')
    .select(['stage', 'error', 'failed_at'])
    .where('scan_run_id', '=', id)
    .where('stage', '<>', 'collect')
    .where('retried_at', 'is', null)
    .execute();
  const errors: ScanError[] = [
    ...failures.map((row) => ({
      at: row.updated_at.toISOString(),
      message: `${row.status === 'blocked' ? 'blocked' : 'failed'}: ${row.error ?? 'no reason given'}`,
      accountId: row.account_id,
    })),
    ...jobFailures.map((row) => ({ at: row.failed_at.toISOString(), message: `${row.stage}: ${row.error}` })),
  ];
  const counts: ScanCounts = {
    accounts: progress.accounts.total,
    posts: progress.posts.total,
    images: progress.images.total - progress.images.failed,
    findings: progress.findings,
    errors: errors.length,
  };
  return { counts, errors: errors.slice(0, 1_000) };
}
