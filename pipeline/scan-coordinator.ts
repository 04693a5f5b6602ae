import type { Kysely } from 'kysely';
import { PermanentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import { ScanRunsRepository, type ScanProgress } from '../store/repositories/scan-runs-repository.js';
import type { ScanRun, ScanTrigger, Schema } from '../store/schema.js';
import { followUpJobs } from './follow-up-jobs.js';
import { collectJob } from './job-payloads.js';
import type { WorkQueue } from './work-queue.js';

/**
 * Starts scans, watches them, closes them when their work is done, and refills the queue from
 * the database when jobs were lost (a Redis restart, a process killed before it queued its
 * follow-up jobs). Every step is safe to run in several processes at once.
 */
export class ScanCoordinator {
  private readonly runs: ScanRunsRepository;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly queue: WorkQueue,
    private readonly log: Logger,
  ) {
    this.runs = new ScanRunsRepository(db);
  }

  /**
   * Records a scan of these accounts, then queues their collection. Accounts already waiting in
   * another running scan (a scheduled one, say) are left to it: the run's `counts.accounts` says
   * how many this scan took. The account rows are locked while deciding, so a scheduler claiming
   * at the same moment (SKIP LOCKED) cannot take them too. With `isFull`, the accounts this scan
   * takes forget their crawl cursor, so collection reads back past it (to catch edited posts).
   */
  async startScan(trigger: ScanTrigger, accountIds: readonly string[], options: { isFull?: boolean } = {}): Promise<ScanRun> {
    const run = await this.db.transaction().execute(async (trx) => {
      const wanted = [...new Set(accountIds)];
      if (wanted.length > 0) await trx.selectFrom('accounts').select('id').where('id', 'in', wanted).forUpdate().execute();
      const busy = new Set(
        wanted.length === 0
          ? []
          : (
              await trx
                .selectFrom('scan_run_accounts')
                .innerJoin('scan_runs', 'scan_runs.id', 'scan_run_accounts.scan_run_id')
                .select('scan_run_accounts.account_id')
                .where('scan_run_accounts.account_id', 'in', wanted)
                .where('scan_run_accounts.status', '=', 'pending')
                .where('scan_runs.status', '=', 'running')
                .execute()
            ).map((row) => row.account_id),
      );
      const taken = wanted.filter((id) => !busy.has(id));
      if (options.isFull === true && taken.length > 0) await trx.updateTable('accounts').set({ crawl_cursor: null }).where('id', 'in', taken).execute();
      return ScanRunsRepository.start(trx, trigger, taken);
    });
    const taken = await this.accountsOf(run.id);
    await this.queue.enqueue(taken.map((accountId) => collectJob(run.id, accountId)));
    this.log.info({ scanRunId: run.id, trigger, accounts: taken.length, leftToOtherScans: accountIds.length - taken.length }, 'scan started');
    return run;
  }

  /** The ids of the accounts a scan covers. */
  async accountsOf(scanRunId: string): Promise<string[]> {
    return (await this.runs.accountsOf(scanRunId)).map((entry) => entry.account_id);
  }

  async progress(scanRunId: string): Promise<ScanProgress> {
    return this.runs.progress(scanRunId);
  }

  /**
   * Queues again every job the database says running scans still need, and the reading and
   * analysis of posts that cancelled scans collected before they were cancelled (never their
   * collection); returns how many.
   */
  async recoverUnfinishedWork(): Promise<number> {
    const running = await this.runs.listRunning();
    const cancelled = await this.runs.cancelledWithUnfinishedPosts();
    if (running.length === 0 && cancelled.length === 0) return 0;
    const jobs = [];
    for (const run of running) {
      const pending = await this.runs.accountsOf(run.id, 'pending');
      jobs.push(...pending.map((entry) => collectJob(run.id, entry.account_id)));
    }
    const work = new PipelineWorkRepository(this.db);
    for (const id of [...running.map((run) => run.id), ...cancelled]) jobs.push(...followUpJobs(id, await work.unfinishedWork([id])));
    if (jobs.length > 0) {
      await this.queue.enqueue(jobs);
      this.log.info({ jobs: jobs.length, scans: running.length + cancelled.length }, 'unfinished work queued again');
    }
    return jobs.length;
  }

  /**
   * Cancels a queued or running scan (see ScanRunsRepository.cancel): its accounts not yet
   * collected are skipped and their queued collect jobs do nothing when they run. Posts it has
   * already collected are still read and analyzed: only analysis drops the text and images of a
   * clean post, and their findings are real. Returns the run and whether this call cancelled it
   * (false when it had already finished); throws NotFoundError for an unknown id.
   */
  async cancelScan(scanRunId: string): Promise<{ run: ScanRun; isCancelled: boolean }> {
    const result = await this.runs.cancel(scanRunId);
    if (result.isCancelled) this.log.info({ scanRunId, ...result.run.counts }, 'scan cancelled');
    return result;
  }

  /** Closes every running scan whose work is done; returns the closed runs. */
  async finishDoneScans(): Promise<ScanRun[]> {
    const finished: ScanRun[] = [];
    for (const run of await this.runs.listRunning()) {
      const closed = await this.runs.finishIfDone(run.id);
      if (closed === undefined) continue;
      finished.push(closed);
      this.log.info({ scanRunId: closed.id, status: closed.status, ...closed.counts }, 'scan finished');
    }
    return finished;
  }

  /**
   * Waits for a scan to finish, reporting progress every `pollMs`. When the queue sits idle while
   * the database still lists work, the work is queued again (jobs were lost).
   */
  async waitForScan(
    scanRunId: string,
    options: { pollMs?: number; onProgress?: (progress: ScanProgress) => void; signal?: AbortSignal } = {},
  ): Promise<ScanRun> {
    const pollMs = options.pollMs ?? 250;
    let idleSince: number | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const progress = await this.runs.progress(scanRunId);
        options.onProgress?.(progress);
        if (progress.isDone) {
          await this.runs.finishIfDone(scanRunId);
          return await this.runs.getById(scanRunId);
        }
        const run = await this.runs.getById(scanRunId);
        if (run.status !== 'running') return run;
        const counts = await this.queue.counts();
        if (counts.waiting + counts.active + counts.delayed === 0) {
          idleSince ??= Date.now();
          // Idle for a moment, not an instant: a job may be between finishing and queuing its follow-ups.
          if (Date.now() - idleSince >= 2_000) {
            await this.recoverUnfinishedWork();
            idleSince = undefined;
          }
        } else {
          idleSince = undefined;
        }
      } catch (error) {
        // The database or Redis is away for a moment: keep watching; the scan goes on without us.
        if (error instanceof PermanentError) throw error;
        this.log.warn({ scanRunId, err: error }, 'cannot read the scan’s progress; trying again');
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
