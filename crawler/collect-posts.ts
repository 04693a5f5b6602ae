import type { ObservedProfile } from '../core/coverage.js';
import { EmptyFeedError, PermanentError } from '../core/errors.js';
import type { AccountCursor, AccountRef, AdapterContext, CollectedPost, PlatformAdapter } from './platform-adapter.js';

export type { AccountCursor } from './platform-adapter.js';

export interface CollectOptions {
  /** The account's cursor; unset on a first scan, which then collects `backfillPosts` at most. */
  cursor?: AccountCursor;
  /** Posts to collect at most on a first scan (CRAWL_BACKFILL_POSTS). */
  backfillPosts: number;
  /** Collect at most this many posts, cursor or not. */
  limit?: number;
  /** Collect only posts published after this time. */
  since?: Date;
  /**
   * With a cursor: collect at most this many posts (the catch-up depth after an outage, and the
   * most any rescan collects). Reaching it stops the reading (`depth`), moves the cursor to the
   * newest post and leaves `isComplete` false: the posts between the cursor and the oldest
   * collected are given up, and the caller records that span as uncovered.
   */
  depth?: number;
  /**
   * True when posts are expected (the account had posts before, or is a canary): a reading whose
   * pages list no post at all is then an EmptyFeedError, never "nothing new", unless its newest
   * page is the server's own word for it (an HTTP 304, or an API answer: `isUnchanged`,
   * `isStructured`). A scraped page cannot tell an empty feed from markup the adapter no longer knows.
   */
  expectPosts?: boolean;
  /** Stop after this many pages whatever else says (a guard against feeds that never end); default 500. */
  maxPages?: number;
  /** Called after each page, for progress. */
  onPage?: (progress: { pages: number; posts: number }) => void;
}

/** Why collection stopped. */
export type StopReason = 'cursor' | 'since' | 'limit' | 'backfill' | 'depth' | 'end' | 'max-pages';

export interface CollectResult {
  /** New posts, newest first, each once. */
  posts: CollectedPost[];
  /** The cursor to store for the next scan: the newest post seen now, else the old cursor. */
  cursor: AccountCursor | undefined;
  pages: number;
  stoppedBecause: StopReason;
  /**
   * True when the reading paged to the start of the account's history (stopped at 'end' on a page
   * the adapter marked `isHistoryEnd`); false when 'end' only means the listing ended.
   */
  hasReachedHistoryStart: boolean;
  /** Posts the adapter returned that were not usable (no id, bad time or URL), skipped with a log line. */
  skipped: number;
  /** False when a rescan stopped at its `depth` before reaching the cursor: posts older than `oldestCollectedAt` were skipped. */
  isComplete: boolean;
  /** Publication time (ISO 8601) of the oldest post collected; undefined when none was. */
  oldestCollectedAt?: string;
  /** The account's profile as the newest page showed it, where the platform exposes one. */
  profile?: ObservedProfile;
}

/**
 * Collects an account's new posts: reads pages newest first until it passes the cursor (or
 * `since`), reaches the limit or the backfill depth, or the feed ends. A page's posts are judged
 * one by one, so a pinned old post at the top does not hide new posts below it; paging stops
 * only once a page ends at or before the cursor.
 */
export async function collectPosts(
  adapter: PlatformAdapter,
  account: AccountRef,
  baseUrl: string,
  context: AdapterContext,
  options: CollectOptions,
): Promise<CollectResult> {
  const depth = options.cursor === undefined ? undefined : options.depth;
  const maxPosts = Math.min(
    options.limit ?? (options.cursor === undefined ? options.backfillPosts : Number.POSITIVE_INFINITY),
    depth ?? Number.POSITIVE_INFINITY,
  );
  const maxPages = options.maxPages ?? 500;
  const sinceMs = options.since?.getTime();
  const cursorMs = options.cursor === undefined ? undefined : Date.parse(options.cursor.publishedAt);
  const seen = new Set<string>();
  const posts: CollectedPost[] = [];
  const seenTokens = new Set<string>();
  let skipped = 0;
  let listed = 0;
  let pages = 0;
  let isNewestPageAuthoritative = false;
  let pageToken: string | undefined;
  let profile: ObservedProfile | undefined;

  const isOld = (post: CollectedPost, publishedMs: number): boolean =>
    (options.cursor !== undefined && (post.externalId === options.cursor.externalId || publishedMs < (cursorMs ?? 0))) ||
    (sinceMs !== undefined && publishedMs <= sinceMs);

  const collectedAtMs = Date.now();
  const finish = (stoppedBecause: StopReason, hasReachedHistoryStart = false): CollectResult => {
    if (listed === 0 && options.expectPosts === true && !isNewestPageAuthoritative) throw emptyFeedError(adapter, account, pages);
    return finished(stoppedBecause, hasReachedHistoryStart);
  };
  const finished = (stoppedBecause: StopReason, hasReachedHistoryStart: boolean): CollectResult => ({
    posts,
    // A rescan cut short (limit, page cap) has not reached the old cursor: moving it would leave
    // the posts in between uncollected for good. At the catch-up depth they are given up on
    // purpose (and reported), so the next rescan starts from here instead of repeating this one.
    cursor:
      options.cursor !== undefined && (stoppedBecause === 'limit' || stoppedBecause === 'max-pages')
        ? options.cursor
        : newestCursor(posts, options.cursor, collectedAtMs),
    pages,
    stoppedBecause,
    hasReachedHistoryStart,
    skipped,
    isComplete: stoppedBecause !== 'depth',
    ...oldestOf(posts),
    ...(profile === undefined ? {} : { profile }),
  });

  for (;;) {
    context.signal.throwIfAborted();
    const page = await adapter.fetchPage({ account, baseUrl, pageToken, ...(options.cursor === undefined ? {} : { cursor: options.cursor }) }, context);
    pages += 1;
    listed += page.posts.length;
    if (pages === 1) {
      profile = page.profile;
      isNewestPageAuthoritative = page.isUnchanged === true || page.isStructured === true;
    }
    let oldestOnPageIsOld = false;
    for (const [index, post] of page.posts.entries()) {
      const publishedMs = Date.parse(post.publishedAt);
      if (!isUsable(post, publishedMs)) {
        skipped += 1;
        context.log.warn({ platform: adapter.platform, externalId: post.externalId }, 'skipped a post without a usable id, time or URL');
        continue;
      }
      oldestOnPageIsOld = isOld(post, publishedMs);
      if (oldestOnPageIsOld || seen.has(post.externalId)) continue;
      seen.add(post.externalId);
      posts.push(post);
      if (posts.length >= maxPosts) {
        options.onPage?.({ pages, posts: posts.length });
        const reason = stopReasonAtMax(options, depth, posts.length);
        // At the depth, the rest of this page may already show the cursor: then nothing was given up.
        const isCursorNext = reason === 'depth' && isNextUsableOld(page.posts.slice(index + 1), seen, isOld);
        return finish(isCursorNext ? 'cursor' : reason);
      }
    }
    if (pages === 1 && options.expectPosts === true && page.posts.length > 0 && skipped === page.posts.length) {
      throw new PermanentError(
        `${adapter.platform}: none of the ${page.posts.length} posts on the newest page of ${account.handle} had a usable id, time or address; ` +
          'the platform may have changed its layout. The account is reported as not covered until its posts can be read again.',
      );
    }
    options.onPage?.({ pages, posts: posts.length });
    if (oldestOnPageIsOld) return finish(options.cursor !== undefined && cursorReached(page.posts, options.cursor, cursorMs) ? 'cursor' : 'since');
    if (page.nextPage === undefined) return finish('end', page.isHistoryEnd === true);
    if (seenTokens.has(page.nextPage)) {
      throw new PermanentError(
        `${adapter.platform} returned the same next-page token twice for ${account.handle}: its paging loops; report this adapter bug`,
      );
    }
    if (pages >= maxPages) return finish('max-pages');
    seenTokens.add(page.nextPage);
    pageToken = page.nextPage;
  }
}

/** Why a reading that collected `count` posts stopped at its most: the smallest bound reached wins, depth first. */
function stopReasonAtMax(options: CollectOptions, depth: number | undefined, count: number): StopReason {
  if (depth !== undefined && count >= depth && (options.limit === undefined || depth <= options.limit)) return 'depth';
  return options.limit === undefined ? 'backfill' : 'limit';
}

/**
 * A reading that listed no post where posts were expected, and whose newest page was not the
 * server's own word that there is nothing: a redesign, an interstitial, or a fallback page that
 * ignores the cursor must not pass for "nothing new".
 */
function emptyFeedError(adapter: PlatformAdapter, account: AccountRef, pages: number): EmptyFeedError {
  return new EmptyFeedError(
    `${adapter.platform}: ${pages === 1 ? 'the newest page' : `${pages} pages`} of ${account.handle} listed no posts, although the account had posts before; ` +
      'the platform may have changed its layout or shown a page the adapter does not know. The account is reported as not covered until a reading finds posts again.',
  );
}

/** True when the first usable post not yet collected in `rest` is old (at or before the cursor). */
function isNextUsableOld(rest: readonly CollectedPost[], seen: ReadonlySet<string>, isOld: (post: CollectedPost, publishedMs: number) => boolean): boolean {
  for (const post of rest) {
    const publishedMs = Date.parse(post.publishedAt);
    if (!isUsable(post, publishedMs) || seen.has(post.externalId)) continue;
    return isOld(post, publishedMs);
  }
  return false;
}

function oldestOf(posts: readonly CollectedPost[]): { oldestCollectedAt?: string } {
  let oldestMs = Number.POSITIVE_INFINITY;
  for (const post of posts) oldestMs = Math.min(oldestMs, Date.parse(post.publishedAt));
  return Number.isFinite(oldestMs) ? { oldestCollectedAt: new Date(oldestMs).toISOString() } : {};
}

function cursorReached(pagePosts: readonly CollectedPost[], cursor: AccountCursor, cursorMs: number | undefined): boolean {
  const last = pagePosts.at(-1);
  if (last === undefined) return false;
  return last.externalId === cursor.externalId || Date.parse(last.publishedAt) < (cursorMs ?? 0);
}

function isUsable(post: CollectedPost, publishedMs: number): boolean {
  return post.externalId !== '' && !Number.isNaN(publishedMs) && isWebUrl(post.permalink) && post.media.every((media) => isWebUrl(media.url));
}

function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

/**
 * The newest post as the next cursor. Times are capped at the moment of collection: authors set
 * the dates of feeds and self-hosted blogs, and one post dated 2099 would otherwise make every
 * later post look old. (That post itself is then collected again on each scan, harmlessly.)
 */
function newestCursor(posts: readonly CollectedPost[], previous: AccountCursor | undefined, collectedAtMs: number): AccountCursor | undefined {
  let newest = previous;
  let newestMs = previous === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous.publishedAt);
  for (const post of posts) {
    const publishedMs = Math.min(Date.parse(post.publishedAt), collectedAtMs);
    if (publishedMs > newestMs) {
      newest = { externalId: post.externalId, publishedAt: new Date(publishedMs).toISOString() };
      newestMs = publishedMs;
    }
  }
  return newest;
}
