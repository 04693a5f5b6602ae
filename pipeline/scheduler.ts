import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy-schema.js';
import type { Schedule } from '../core/schedule.js';
import type { Schema } from '../store/schema.js';
import { claimDueAccounts } from './claim-due-accounts.js';
import { collectJob } from './job-payloads.js';
import { purgeExpired } from './purge-expired.js';
import { reopenLapsedRisks } from './reopen-lapsed-risks.js';
import type { ScanCoordinator } from './scan-coordinator.js';
import type { WorkQueue } from './work-queue.js';

export interface SchedulerOptions {
  db: Kysely<Schema>;
  queue: WorkQueue;
  coordinator: ScanCoordinator;
  defaultSchedule: Schedule;
  retention: Policy['retention'];
  tickMs: number;
  log: Logger;
  /** Accounts claimed per scheduled scan at most (the rest are claimed on the next tick). */
  claimLimit?: number;
  /** Accounts of one platform claimed per round at most (SCHEDULER_PLATFORM_CLAIM_LIMIT; default 25): the rest wait for later rounds. */
  platformClaimLimit?: number;
  /** How often unfinished work is queued again even when the queue is busy; default 10 ticks. */
  recoveryEveryMs?: number;
  /** How often the retention job runs; default hourly. */
  retentionEveryMs?: number;
}

/** A running scheduler: `tick()` does one round now; `stop()` ends the loop after the current round. */
export interface Scheduler {
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every `tickMs`: starts scheduled scans of due accounts (at most `platformClaimLimit` of a
 * platform a round, and only probes of a platform that is down or blocked: see
 * claimDueAccounts), closes scans whose work is done, refills
 * the queue from the database when it has sat idle for a whole tick while scans still wait,
 * reopens findings whose accepted risk has lapsed (one indexed query when none has), and (hourly)
 * enforces retention. Runs in every `serve` and `worker`: claims use SKIP LOCKED and the other
 * steps are idempotent, so any number of schedulers can run. A failed round (the database
 * is down) is logged and the next round tries again.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { db, queue, coordinator, log } = options;
  const retentionEveryMs = options.retentionEveryMs ?? 3_600_000;
  let lastRetention = 0;
  let wasIdle = false;
  const recoveryEveryMs = options.recoveryEveryMs ?? options.tickMs * 10;
  let lastRecovery = Date.now();
  let isStopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const round = async (): Promise<void> => {
    // The per-platform caps and probes hold across every scan this round starts.
    const claimedThisRound = new Map<string, number>();
    for (;;) {
      const run = await claimDueAccounts(db, {
        now: new Date(),
        limit: options.claimLimit ?? 500,
        defaultSchedule: options.defaultSchedule,
        log,
        ...(options.platformClaimLimit === undefined ? {} : { platformLimit: options.platformClaimLimit }),
        claimedThisRound,
      });
      if (run === undefined) break;
      const accounts = await coordinator.accountsOf(run.id);
      await queue.enqueue(accounts.map((accountId) => collectJob(run.id, accountId)));
      log.info({ scanRunId: run.id, accounts: accounts.length }, 'scheduled scan started');
    }
    await coordinator.finishDoneScans();
    await reopenLapsedRisks(db, new Date(), log);
    const counts = await queue.counts();
    const isIdle = counts.waiting + counts.active + counts.delayed === 0;
    // Fast when the queue sits idle while scans wait; and every so often whatever the queue says,
    // because a queue can also lose some jobs while holding others (queued jobs are dropped by key,
    // so this never runs work twice at once).
    if ((isIdle && wasIdle) || Date.now() - lastRecovery >= recoveryEveryMs) {
      lastRecovery = Date.now();
      await coordinator.recoverUnfinishedWork();
    }
    wasIdle = isIdle;
    if (Date.now() - lastRetention >= retentionEveryMs) {
      lastRetention = Date.now();
      await purgeExpired(db, options.retention, new Date(), log);
    }
  };

  const tick = (): Promise<void> => {
    current = current.then(round).catch((error: unknown) => {
      log.warn({ err: error }, 'scheduler round failed; the next round will try again');
    });
    return current;
  };

  const loop = (): void => {
    if (isStopped) return;
    timer = setTimeout(() => {
      void tick().then(loop);
    }, options.tickMs);
  };
  void tick().then(loop);

  return {
    tick,
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
