import type { CollectResult } from '../crawler/collect-posts.js';

/**
 * The most posts a platform shows pinned out of time order (Mastodon allows five; Facebook, VK
 * and Threads one). Adapters sort each page newest first, so a pinned old post can be the last
 * one a reading cut short returned, with newer posts still unread on the next page.
 */
export const MAX_PINNED_POSTS = 5;

/**
 * The span of publication times in which a collection saw every post the account has, so a
 * stored post of that span it did not return is gone: `publishedAfter` null means every post.
 */
export interface AbsenceWindow {
  publishedAfter: Date | null;
}

/**
 * What a finished collection proves absent, or undefined when it proves nothing. Only a reading
 * from the top of the feed counts: one with a cursor (an incremental scan) returns only posts newer
 * than its cursor and says nothing about older ones. A reading that skipped unreadable posts (one
 * of them may be a stored post), or saw no post at all (an emptied feed cannot be told from a
 * broken page), proves nothing either. A reading that paged to the start of the account's history
 * covers every post. One that did not see it all covers the posts newer than its
 * (MAX_PINNED_POSTS + 1)-th oldest post, since at most that many of the posts it read can be
 * pinned ones older than the unread rest: one cut short (backfill depth, page cap, limit), and one
 * whose listing ended without reaching the history's start (a feed listing only its newest posts).
 */
export function absenceWindow(
  result: Pick<CollectResult, 'posts' | 'stoppedBecause' | 'hasReachedHistoryStart' | 'skipped'>,
  options: { hadCursor: boolean },
): AbsenceWindow | undefined {
  if (options.hadCursor || result.skipped > 0 || result.posts.length === 0) return undefined;
  switch (result.stoppedBecause) {
    case 'end':
      if (result.hasReachedHistoryStart) return { publishedAfter: null };
      return boundedWindow(result.posts);
    case 'backfill':
    case 'max-pages':
    case 'limit':
      return boundedWindow(result.posts);
    // Stopped at a cursor or a `since` time: only newer posts were asked for.
    case 'cursor':
    case 'since':
      return undefined;
  }
}

/** The posts newer than the (MAX_PINNED_POSTS + 1)-th oldest read; undefined when too few were read. */
function boundedWindow(posts: CollectResult['posts']): AbsenceWindow | undefined {
  const times = posts.map((post) => Date.parse(post.publishedAt)).sort((a, b) => b - a);
  const bound = times[times.length - 1 - MAX_PINNED_POSTS];
  return bound === undefined ? undefined : { publishedAfter: new Date(bound) };
}
