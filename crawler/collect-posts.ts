import { PermanentError } from '../core/errors.js';
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
  /** Stop after this many pages whatever else says (a guard against feeds that never end); default 500. */
  maxPages?: number;
  /** Called after each page, for progress. */
  onPage?: (progress: { pages: number; posts: number }) => void;
}

/** Why collection stopped. */
export type StopReason = 'cursor' | 'since' | 'limit' | 'backfill' | 'end' | 'max-pages';

export interface CollectResult {
  /** New posts, newest first, each once. */
  posts: CollectedPost[];
  /** The cursor to store for the next scan: the newest post seen now, else the old cursor. */
  cursor: AccountCursor | undefined;
  pages: number;
  stoppedBecause: StopReason;
  /** Posts the adapter returned that were not usable (no id, bad time or URL), skipped with a log line. */
  skipped: number;
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
  const maxPosts = options.limit ?? (options.cursor === undefined ? options.backfillPosts : Number.POSITIVE_INFINITY);
  const maxPages = options.maxPages ?? 500;
  const sinceMs = options.since?.getTime();
  const cursorMs = options.cursor === undefined ? undefined : Date.parse(options.cursor.publishedAt);
  const seen = new Set<string>();
  const posts: CollectedPost[] = [];
  const seenTokens = new Set<string>();
  let skipped = 0;
  let pages = 0;
  let pageToken: string | undefined;

  const isOld = (post: CollectedPost, publishedMs: number): boolean =>
    (options.cursor !== undefined && (post.externalId === options.cursor.externalId || publishedMs < (cursorMs ?? 0))) ||
    (sinceMs !== undefined && publishedMs <= sinceMs);

  const collectedAtMs = Date.now();
  const finish = (stoppedBecause: StopReason): CollectResult => ({
    posts,
    // A rescan cut short (limit, page cap) has not reached the old cursor: moving it would leave
    // the posts in between uncollected for good.
    cursor:
      options.cursor !== undefined && (stoppedBecause === 'limit' || stoppedBecause === 'max-pages')
        ? options.cursor
        : newestCursor(posts, options.cursor, collectedAtMs),
    pages,
    stoppedBecause,
    skipped,
  });

  for (;;) {
    context.signal.throwIfAborted();
    const page = await adapter.fetchPage({ account, baseUrl, pageToken, ...(options.cursor === undefined ? {} : { cursor: options.cursor }) }, context);
    pages += 1;
    let oldestOnPageIsOld = false;
    for (const post of page.posts) {
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
        return finish(options.limit === undefined ? 'backfill' : 'limit');
      }
    }
    options.onPage?.({ pages, posts: posts.length });
    if (oldestOnPageIsOld) return finish(options.cursor !== undefined && cursorReached(page.posts, options.cursor, cursorMs) ? 'cursor' : 'since');
    if (page.nextPage === undefined) return finish('end');
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
