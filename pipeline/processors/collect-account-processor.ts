import type { Kysely, Transaction } from 'kysely';
import { COVERAGE_DEFAULTS, type Config } from '../../core/config.js';
import { classifyCollectionError } from '../../core/coverage.js';
import { NotFoundError, PlatformBlockedError, PermanentError } from '../../core/errors.js';
import { nextRunAt } from '../../core/schedule.js';
import type { CollectResult } from '../../crawler/collect-posts.js';
import type { CrawlOptions } from '../../crawler/create-crawler.js';
import { scheduleOf } from '../claim-due-accounts.js';
import type { AccountCursor, AccountRef, GenericSelectors } from '../../crawler/platform-adapter.js';
import { isPlatformName } from '../../crawler/adapter-registry.js';
import { AccountsRepository } from '../../store/repositories/accounts-repository.js';
import { CoverageRepository } from '../../store/repositories/coverage-repository.js';
import { PipelineWorkRepository } from '../../store/repositories/pipeline-work-repository.js';
import { PostPresenceRepository } from '../../store/repositories/post-presence-repository.js';
import { ScanRunsRepository } from '../../store/repositories/scan-runs-repository.js';
import type { Account, Schema } from '../../store/schema.js';
import { absenceWindow } from '../absence-window.js';
import { detectTakeover, type TakeoverPost } from '../detect-takeover.js';
import { followUpJobs } from '../follow-up-jobs.js';
import type { CollectPayload, StageJob } from '../job-payloads.js';
import type { PipelineDependencies } from '../pipeline-dependencies.js';

/** The collect stage's dependencies: the pipeline's, with the coverage settings (COVERAGE_DEFAULTS when absent). */
export type CollectDependencies = PipelineDependencies & { coverage?: Config['coverage'] };

/** Posts a canary reading looks at: a few from its newest page, enough to prove the platform shows posts. */
export const CANARY_POSTS = 5;

/**
 * Collects one account's new posts for a scan, stores them (new and changed posts only), marks
 * every post it returned as seen (and present again), and, when the reading proves it (see
 * `absenceWindow`: a complete reading from the top of the feed, in a scan not cancelled), marks
 * the account's stored posts it did not return as gone. Returns the jobs that read their images or
 * analyze them.
 *
 * Coverage: every reading records a collection attempt, a failed try of a job included (platform
 * health must see an outage while its retries still run). An account that had posts (a cursor or
 * a stored post) expects posts, so an empty newest page fails instead of passing for "nothing
 * new"; a reading with a cursor collects at most `catchupPosts`, so the first one after an outage
 * catches up on the gap. A success closes the account's open coverage gap; a blocked, missing or
 * unreadable account is an outcome recorded on the account, its gap and the scan, not a job
 * failure (and marks nothing gone); transient errors are thrown to be retried. A canary is read
 * from its newest page only, and its posts are neither stored nor analyzed. Replaying a finished
 * collection does nothing; a scan cancelled during the reading records nothing of it.
 */
export async function collectAccountProcessor(payload: CollectPayload, deps: CollectDependencies): Promise<StageJob[]> {
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

  const coverage = deps.coverage ?? COVERAGE_DEFAULTS;
  // A canary is read without a cursor: it proves the platform shows posts, whatever it posted lately.
  const cursor = account.is_canary ? undefined : cursorOf(account);
  const options = await crawlOptionsFor(deps.db, account, cursor, coverage.catchupPosts);
  let result: CollectResult;
  // Posts this collection returns count as seen from here on; those it proves absent, as unseen since.
  const startedAt = new Date();
  try {
    result = await deps.crawler.collect(accountRef(account), options);
  } catch (error) {
    await CoverageRepository.recordAttempt(deps.db, {
      platform: account.platform,
      accountId,
      isCanary: account.is_canary,
      outcome: classifyCollectionError(error),
      error: error instanceof Error ? error.message : 'the crawler threw a value that is not an Error',
    });
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
  if (account.is_canary) {
    await recordSuccess(deps, scanRunId, account, result, { posts: 0 });
    deps.log.info({ scanRunId, accountId, platform: account.platform, seen: result.posts.length }, 'canary read');
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
  // Before the collection is recorded: a failure here retries the whole job, which reads the
  // same posts again (the cursor has not moved), so no signal is lost; detection is idempotent.
  if (account.kind === 'corporate') {
    const takeover = await detectTakeover(deps.db, {
      account,
      posts: await storedPostsOf(deps.db, account.platform, posts),
      profile: result.profile,
      now: new Date(),
      log: deps.log,
      policy: deps.ruleSet.policy,
      scanRunId,
    });
    if (takeover > 0) deps.log.warn({ scanRunId, accountId, findings: takeover }, 'takeover signals on a corporate account');
  }
  const window = absenceWindow(result, { hadCursor: cursor !== undefined });
  const gone = await recordSuccess(deps, scanRunId, account, result, {
    posts: work.length,
    markPresence: async (trx, now) => {
      await PostPresenceRepository.markSeen(trx, account.platform, posts.map((post) => post.externalId), startedAt);
      // Read under a share lock: a cancel (which locks the run to update it) is either already
      // visible here or waits until this collection is recorded.
      const run = await trx.selectFrom('scan_runs').select('status').where('id', '=', scanRunId).forShare().executeTakeFirst();
      return window === undefined || run?.status !== 'running' ? 0 : PostPresenceRepository.markUnseenGone(trx, accountId, window, startedAt, now);
    },
  });
  deps.log.info(
    { scanRunId, accountId, collected: result.posts.length, toAnalyze: work.length, pages: result.pages, gone, isAbsenceChecked: window !== undefined },
    'account collected',
  );
  return followUpJobs(scanRunId, work);
}

/**
 * Records a collection that failed for good, in one transaction: the account as blocked or
 * failing, one more failure in a row, its next reading after a backoff (see coverageRetryAt), its
 * coverage gap opened (with a `coverage.gap` event) or extended, and the scan's entry. The attempt
 * itself is recorded where the reading failed.
 */
export async function recordCollectionFailure(deps: CollectDependencies, scanRunId: string, account: Pick<Account, 'id'>, error: Error): Promise<void> {
  const isBlocked = error instanceof PlatformBlockedError;
  const coverage = deps.coverage ?? COVERAGE_DEFAULTS;
  const gap = await deps.db.transaction().execute(async (trx) => {
    const now = new Date();
    // Locked: two failures of one account (two scans) must count twice and open one gap.
    const row = await trx.selectFrom('accounts').selectAll().where('id', '=', account.id).forUpdate().executeTakeFirst();
    if (row !== undefined) {
      const failures = row.consecutive_failures + 1;
      await trx
        .updateTable('accounts')
        .set({
          status: isBlocked ? 'blocked' : 'failing',
          last_error: error.message,
          last_error_at: now,
          last_scanned_at: now,
          consecutive_failures: failures,
          next_scan_at: coverageRetryAt(failures, coverage, now, nextRunAt(scheduleOf(row, deps.defaultSchedule, deps.log), now)),
          updated_at: now,
        })
        .where('id', '=', account.id)
        .execute();
    }
    await ScanRunsRepository.recordAccount(trx, scanRunId, account.id, { status: isBlocked ? 'blocked' : 'failed', error: error.message });
    if (row === undefined) return undefined;
    return CoverageRepository.recordFailure(trx, row, { reason: classifyCollectionError(error), error: error.message, at: now });
  });
  deps.log.warn(
    { scanRunId, accountId: account.id, gapId: gap?.gap.id, isGapOpened: gap?.isOpened, failures: gap?.gap.failures, err: error },
    isBlocked ? 'account blocked' : 'account collection failed',
  );
}

/**
 * When a failing account is read again: retryBaseMs × 2^(failures−1), capped at retryMaxMs, with
 * ±25 % jitter (accounts that failed together do not come back together), and never after its
 * next scheduled reading.
 */
export function coverageRetryAt(
  failures: number,
  settings: Pick<Config['coverage'], 'retryBaseMs' | 'retryMaxMs'>,
  now: Date,
  scheduledAt: Date,
  random: () => number = Math.random,
): Date {
  const delayMs = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  const retryAt = new Date(now.getTime() + Math.round(delayMs * (0.75 + 0.5 * random())));
  return retryAt > scheduledAt ? scheduledAt : retryAt;
}

/**
 * Records a successful reading in one transaction: the attempt, the account as covered until now
 * (status ok, failures reset, the new cursor unless a canary, the profile the platform showed, the
 * next scheduled scan), its open gap closed with a `coverage.restored` event, and the scan's entry.
 * A reading stopped at its catch-up depth leaves the gap's oldest posts uncollected: the gap says
 * until when. Returns what `markPresence` returned (0 without it).
 */
async function recordSuccess(
  deps: CollectDependencies,
  scanRunId: string,
  account: Account,
  result: CollectResult,
  options: { posts: number; markPresence?: (trx: Transaction<Schema>, now: Date) => Promise<number> },
): Promise<number> {
  const uncoveredUntil = !result.isComplete && result.oldestCollectedAt !== undefined ? new Date(result.oldestCollectedAt) : null;
  const { marked, gap } = await deps.db.transaction().execute(async (trx) => {
    const now = new Date();
    const marked = options.markPresence === undefined ? 0 : await options.markPresence(trx, now);
    await CoverageRepository.recordAttempt(trx, { platform: account.platform, accountId: account.id, isCanary: account.is_canary, outcome: 'ok', posts: result.posts.length, attemptedAt: now });
    await trx
      .updateTable('accounts')
      .set({
        ...(account.is_canary ? {} : { crawl_cursor: result.cursor === undefined ? null : JSON.stringify(result.cursor) }),
        ...(result.profile === undefined ? {} : { profile: JSON.stringify(result.profile) }),
        status: 'ok',
        last_error: null,
        last_error_at: null,
        last_scanned_at: now,
        last_success_at: now,
        consecutive_failures: 0,
        // A scan of any kind (manual too) restarts the account's schedule.
        next_scan_at: nextRunAt(scheduleOf(account, deps.defaultSchedule, deps.log), now),
        updated_at: now,
      })
      .where('id', '=', account.id)
      .execute();
    const publishedAt = result.posts.map((post) => new Date(post.publishedAt));
    const gap = await CoverageRepository.recordRestored(trx, account, { at: now, publishedAt, uncoveredUntil, coveredSince: account.last_success_at ?? account.created_at });
    await ScanRunsRepository.recordAccount(trx, scanRunId, account.id, { status: 'collected', posts: options.posts });
    return { marked, gap };
  });
  if (gap?.reason === 'catch_up_depth') {
    // More new posts than CRAWL_CATCHUP_POSTS since the last reading, without any outage.
    deps.log.warn({ scanRunId, accountId: account.id, gapId: gap.id, uncoveredUntil }, 'the reading stopped at its catch-up depth: older new posts were not collected');
  } else if (gap !== undefined) {
    deps.log.info({ scanRunId, accountId: account.id, gapId: gap.id, caughtUp: gap.caught_up_posts, uncoveredUntil: gap.uncovered_until }, 'coverage restored');
  }
  return marked;
}

/** How to read the account: canaries their newest page; others with their cursor, at most `catchupPosts`, expecting posts once they had some. */
async function crawlOptionsFor(db: Kysely<Schema>, account: Account, cursor: AccountCursor | undefined, catchupPosts: number): Promise<CrawlOptions> {
  if (account.is_canary) return { limit: CANARY_POSTS, maxPages: 1, expectPosts: true };
  if (cursor !== undefined) return { cursor, depth: catchupPosts, expectPosts: true };
  // Without a cursor (a first or full reading), posts are expected once any was stored.
  const stored = await db.selectFrom('posts').select('id').where('account_id', '=', account.id).limit(1).executeTakeFirst();
  return stored === undefined ? {} : { expectPosts: true };
}

/** The collected posts as stored (with their ids), for takeover signals. */
async function storedPostsOf(
  db: Kysely<Schema>,
  platform: string,
  posts: ReadonlyArray<{ externalId: string; url: string; publishedAt: Date; text: string }>,
): Promise<TakeoverPost[]> {
  const ids = new Map<string, string>();
  for (let start = 0; start < posts.length; start += 1_000) {
    const externalIds = posts.slice(start, start + 1_000).map((post) => post.externalId);
    const rows = await db.selectFrom('posts').select(['id', 'external_id']).where('platform', '=', platform).where('external_id', 'in', externalIds).execute();
    for (const row of rows) ids.set(row.external_id, row.id);
  }
  return posts.flatMap((post) => {
    const postId = ids.get(post.externalId);
    return postId === undefined ? [] : [{ postId, externalId: post.externalId, publishedAt: post.publishedAt, url: post.url, text: post.text }];
  });
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
