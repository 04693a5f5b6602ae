import { NotFoundError, PlatformBlockedError, PermanentError } from '../../core/errors.js';
import { nextRunAt } from '../../core/schedule.js';
import { scheduleOf } from '../claim-due-accounts.js';
import type { AccountCursor, AccountRef, GenericSelectors } from '../../crawler/platform-adapter.js';
import { isPlatformName } from '../../crawler/adapter-registry.js';
import { AccountsRepository } from '../../store/repositories/accounts-repository.js';
import { PipelineWorkRepository } from '../../store/repositories/pipeline-work-repository.js';
import { ScanRunsRepository } from '../../store/repositories/scan-runs-repository.js';
import type { Account } from '../../store/schema.js';
import { followUpJobs } from '../follow-up-jobs.js';
import type { CollectPayload, StageJob } from '../job-payloads.js';
import type { PipelineDependencies } from '../pipeline-dependencies.js';

/**
 * Collects one account's new posts for a scan, stores them (new and changed posts only) and
 * returns the jobs that read their images or analyze them. A blocked or missing account is an
 * outcome recorded on the account and the scan, not a job failure; transient errors are thrown
 * to be retried. Replaying a finished collection does nothing.
 */
export async function collectAccountProcessor(payload: CollectPayload, deps: PipelineDependencies): Promise<StageJob[]> {
  const { scanRunId, accountId } = payload;
  const entry = await ScanRunsRepository.entryOf(deps.db, scanRunId, accountId);
  if (entry === undefined) {
    deps.log.warn({ scanRunId, accountId }, 'collect job for a scan this database does not know: dropped (do two installations share one REDIS_QUEUE_PREFIX?)');
    return [];
  }
  // A cancelled scan's accounts are skipped already; the scan's status is checked too, for a
  // failed collect job of it retried after the cancel.
  if (entry.status !== 'pending' || entry.scanStatus === 'cancelled') return [];
  let account: Account;
  try {
    account = await new AccountsRepository(deps.db).getById(accountId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return [];
  }
  if (!account.is_active) {
    await ScanRunsRepository.recordAccount(deps.db, scanRunId, accountId, { status: 'skipped', error: 'the account is disabled' });
    return [];
  }

  let result;
  try {
    result = await deps.crawler.collect(accountRef(account), cursorOf(account) === undefined ? {} : { cursor: cursorOf(account) });
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    await recordCollectionFailure(deps, scanRunId, account, error);
    return [];
  }
  // Cancelled while the platform was read: nothing is stored and the cursor stays, so the next
  // scan collects these posts again.
  if ((await ScanRunsRepository.entryOf(deps.db, scanRunId, accountId))?.scanStatus === 'cancelled') {
    deps.log.info({ scanRunId, accountId }, 'scan cancelled during collection: the posts read are not stored');
    return [];
  }

  const posts = result.posts.map((post) => ({
    externalId: post.externalId,
    url: post.permalink,
    author: post.author,
    publishedAt: new Date(post.publishedAt),
    isRepost: post.isRepost,
    text: post.text,
    mediaUrls: post.media.filter((media) => media.kind === 'image').map((media) => media.url),
  }));
  const work = await new PipelineWorkRepository(deps.db).storeCollectedPosts(scanRunId, accountId, account.platform, posts);
  await deps.db.transaction().execute(async (trx) => {
    const now = new Date();
    await trx
      .updateTable('accounts')
      .set({
        crawl_cursor: result.cursor === undefined ? null : JSON.stringify(result.cursor),
        status: 'ok',
        last_error: null,
        last_error_at: null,
        last_scanned_at: now,
        // A scan of any kind (manual too) restarts the account's schedule.
        next_scan_at: nextRunAt(scheduleOf(account, deps.defaultSchedule, deps.log), now),
        updated_at: now,
      })
      .where('id', '=', accountId)
      .execute();
    await ScanRunsRepository.recordAccount(trx, scanRunId, accountId, { status: 'collected', posts: work.length });
  });
  deps.log.info({ scanRunId, accountId, collected: result.posts.length, toAnalyze: work.length, pages: result.pages }, 'account collected');
  return followUpJobs(scanRunId, work);
}

/** Records a collection that failed for good on the account (blocked or failing) and the scan. */
export async function recordCollectionFailure(deps: PipelineDependencies, scanRunId: string, account: Pick<Account, 'id'>, error: Error): Promise<void> {
  const isBlocked = error instanceof PlatformBlockedError;
  await deps.db.transaction().execute(async (trx) => {
    const now = new Date();
    await trx
      .updateTable('accounts')
      .set({ status: isBlocked ? 'blocked' : 'failing', last_error: error.message, last_error_at: now, last_scanned_at: now, updated_at: now })
      .where('id', '=', account.id)
      .execute();
    await ScanRunsRepository.recordAccount(trx, scanRunId, account.id, { status: isBlocked ? 'blocked' : 'failed', error: error.message });
  });
  deps.log.warn({ scanRunId, accountId: account.id, err: error }, isBlocked ? 'account blocked' : 'account collection failed');
}

function accountRef(account: Account): AccountRef {
  if (!isPlatformName(account.platform)) {
    throw new PermanentError(`account ${account.platform}:${account.handle} names an unknown platform; remove it and register it again`);
  }
  const selectors = account.settings.selectors as GenericSelectors | undefined;
  return {
    platform: account.platform,
    handle: account.handle,
    ...(account.url === null ? {} : { baseUrl: account.url }),
    ...(selectors === undefined ? {} : { selectors }),
  };
}

function cursorOf(account: Account): AccountCursor | undefined {
  const cursor = account.crawl_cursor as Partial<AccountCursor> | null;
  if (cursor === null || typeof cursor.externalId !== 'string' || typeof cursor.publishedAt !== 'string') return undefined;
  return { externalId: cursor.externalId, publishedAt: cursor.publishedAt };
}
