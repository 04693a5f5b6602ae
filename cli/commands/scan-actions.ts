import { InputValidationError, PermanentError, TransientError } from '../../core/errors.js';
import { redactUrl } from '../../core/config.js';
import { AccountsRepository } from '../../store/repositories/accounts-repository.js';
import { ScanRunsRepository } from '../../store/repositories/scan-runs-repository.js';
import type { ScanRun } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { ScanProgressBar } from '../scan-progress-bar.js';
import { describeScanRun } from '../describe-scan-run.js';
import { terminalSafe } from '../terminal-safe.js';

/** `scan --account REF…|--all`: scans the accounts now with a progress bar and prints a summary; exit code 1 when the scan did not complete. */
export async function scanAccounts(options: { account?: string[]; all?: boolean; full?: boolean }): Promise<void> {
  if ((options.account === undefined) === (options.all !== true)) {
    throw new InputValidationError('scan', [{ path: '--account/--all', message: 'give --account REF (one or more) or --all' }]);
  }
  const context = createCommandContext('warn');
  const { config, log } = context;
  const database = await openMigratedDatabase(context);
  try {
    const accounts = new AccountsRepository(database.db);
    const chosen = options.all === true ? await accounts.list({ isActive: true }) : await Promise.all((options.account ?? []).map((ref) => accounts.resolve(ref)));
    const inactive = chosen.filter((account) => !account.is_active);
    if (inactive.length > 0) {
      throw new PermanentError(
        `${inactive.map((account) => `${account.platform}:${account.handle}`).join(', ')} ${inactive.length === 1 ? 'is' : 'are'} disabled: enable or leave out`,
      );
    }
    if (chosen.length === 0) {
      throw new PermanentError('no active account is registered: add one with `overshare accounts add` or `overshare accounts import FILE.csv`');
    }
    const isLocal = config.pipeline.redisUrl === undefined;
    // The pipeline (BullMQ, the crawler, OCR) is loaded only once there is something to scan.
    const { openPipeline } = await import('../open-pipeline.js');
    const opened = await openPipeline(database, { config, log, work: isLocal });
    if (!isLocal) await assertQueueAnswers(opened.pipeline.queue.counts(), config.pipeline.redisUrl ?? '').catch(async (error: unknown) => {
      await opened.close();
      throw error;
    });
    if (options.full === true) {
      await database.db.updateTable('accounts').set({ crawl_cursor: null }).where('id', 'in', chosen.map((account) => account.id)).execute();
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const { coordinator, queue } = opened.pipeline;
      const started = await coordinator.startScan('manual', [...new Set(chosen.map((account) => account.id))]);
      console.error(`Scan ${started.id} of ${plural(started.counts.accounts, 'account')} started (${isLocal ? 'in this process' : 'on the BullMQ workers'}).`);
      const leftOut = new Set(chosen.map((account) => account.id)).size - started.counts.accounts;
      if (leftOut > 0) console.error(`${plural(leftOut, 'account')} ${leftOut === 1 ? 'is' : 'are'} being scanned already by another scan and ${leftOut === 1 ? 'was' : 'were'} left to it.`);
      if (!isLocal && (await queue.workers()) === 0) {
        console.error('No `overshare worker` is connected to REDIS_URL yet: the scan waits in the queue until one starts.');
      }
      const bar = new ScanProgressBar();
      let run: ScanRun;
      try {
        run = await coordinator.waitForScan(started.id, { onProgress: (progress) => bar.update(progress), signal: stop.signal });
      } catch (error) {
        bar.finish();
        if (!stop.signal.aborted) throw error;
        console.error(
          `Stopped watching scan ${started.id}; it stays on record as running and ${isLocal ? 'resumes at the next `overshare serve` or `overshare scan`' : 'goes on on the workers'}.`,
        );
        process.exitCode = 130;
        return;
      }
      bar.finish();
      console.log(await summarise(run, new ScanRunsRepository(database.db)));
      if (run.status !== 'completed') process.exitCode = 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await opened.close();
    }
  } finally {
    await database.close();
  }
}

async function summarise(run: ScanRun, runs: ScanRunsRepository): Promise<string> {
  const entries = await runs.accountsOf(run.id);
  const count = (status: string) => entries.filter((entry) => entry.status === status).length;
  const lines = [
    describeScanRun(run),
    `Accounts: ${count('collected')} collected, ${count('failed')} failed, ${count('blocked')} blocked, ${count('skipped')} skipped.`,
    ...run.errors.slice(0, 20).map((error) => `  ${error.accountId === undefined ? '' : `account ${error.accountId}: `}${terminalSafe(error.message)}`),
  ];
  if (run.errors.length > 20) lines.push(`  … and ${run.errors.length - 20} more (overshare jobs failed)`);
  const uncovered = count('failed') + count('blocked');
  if (uncovered > 0) {
    // "No findings" from an account that could not be read is not "clean": say so where it is read.
    lines.push(
      `Not covered: ${uncovered === 1 ? '1 account was' : `${uncovered} accounts were`} not read, so leaks posted there may be missing. ` +
        'See the gaps with: overshare coverage',
    );
  }
  if (run.counts.findings > 0) lines.push('See them with: overshare findings list --state new');
  return lines.join('\n');
}

/** Redis must answer before a scan is recorded: a scan queued into nothing would stay `running`. */
async function assertQueueAnswers(probe: Promise<unknown>, redisUrl: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new TransientError(`Redis at ${redactUrl(redisUrl)} does not answer: start it, or check REDIS_URL, then scan again`));
    }, 10_000);
  });
  try {
    await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
