import { describe, expect, it } from 'vitest';
import type { CollectedPost } from '../crawler/platform-adapter.js';
import { absenceWindow, MAX_PINNED_POSTS } from './absence-window.js';

/** Posts published on consecutive days, newest first, starting at 2026-11-30. */
function postsOn(days: readonly number[]): CollectedPost[] {
  return days.map((day) => ({
    platform: 'mastodon',
    externalId: `social.example/${day}`,
    permalink: `https://social.example/@a/${day}`,
    author: 'a',
    publishedAt: new Date(Date.UTC(2026, 10, day)).toISOString(),
    text: 'Lunch',
    isRepost: false,
    media: [],
  }));
}

const TEN_DAYS = [30, 29, 28, 27, 26, 25, 24, 23, 22, 21];

describe('absenceWindow', () => {
  it('covers every post when a reading from the top paged to the start of the account’s history', () => {
    expect(absenceWindow({ posts: postsOn([30, 29]), stoppedBecause: 'end', hasReachedHistoryStart: true, skipped: 0 }, { hadCursor: false })).toEqual({ publishedAfter: null });
  });

  it('proves nothing for a reading with a cursor, even one that reached the end of the feed', () => {
    expect(absenceWindow({ posts: postsOn([30, 29]), stoppedBecause: 'end', hasReachedHistoryStart: true, skipped: 0 }, { hadCursor: true })).toBeUndefined();
    expect(absenceWindow({ posts: postsOn([30]), stoppedBecause: 'cursor', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: true })).toBeUndefined();
  });

  it('proves nothing when a post of the feed could not be read', () => {
    expect(absenceWindow({ posts: postsOn([30, 29]), stoppedBecause: 'end', hasReachedHistoryStart: true, skipped: 1 }, { hadCursor: false })).toBeUndefined();
  });

  it('proves nothing from an empty feed, which a broken page also looks like', () => {
    expect(absenceWindow({ posts: [], stoppedBecause: 'end', hasReachedHistoryStart: true, skipped: 0 }, { hadCursor: false })).toBeUndefined();
  });

  it('covers, for a reading cut short, the posts newer than its oldest few that may be pinned', () => {
    const window = absenceWindow({ posts: postsOn(TEN_DAYS), stoppedBecause: 'backfill', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: false });
    // Ten read, five may be pinned: the sixth oldest (the 26th) is the bound.
    expect(MAX_PINNED_POSTS).toBe(5);
    expect(window).toEqual({ publishedAfter: new Date(Date.UTC(2026, 10, 26)) });
    expect(absenceWindow({ posts: postsOn(TEN_DAYS), stoppedBecause: 'max-pages', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: false })).toEqual(window);
  });

  it('keeps a pinned old post read last from widening the window', () => {
    // The 1st is pinned: sorted into the first page, it was the last post read before the cut.
    const window = absenceWindow({ posts: postsOn([...TEN_DAYS.slice(0, 9), 1]), stoppedBecause: 'backfill', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: false });
    expect(window?.publishedAfter?.getTime()).toBeGreaterThan(Date.UTC(2026, 10, 22));
  });

  it('judges a feed that ended without reaching the history’s start (it lists only its newest posts) as a reading cut short', () => {
    const window = absenceWindow({ posts: postsOn(TEN_DAYS), stoppedBecause: 'end', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: false });
    expect(window).toEqual({ publishedAfter: new Date(Date.UTC(2026, 10, 26)) });
    expect(absenceWindow({ posts: postsOn(TEN_DAYS.slice(0, MAX_PINNED_POSTS)), stoppedBecause: 'end', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: false })).toBeUndefined();
  });

  it('proves nothing for a reading cut short that read no more posts than may be pinned', () => {
    expect(absenceWindow({ posts: postsOn(TEN_DAYS.slice(0, MAX_PINNED_POSTS)), stoppedBecause: 'backfill', hasReachedHistoryStart: false, skipped: 0 }, { hadCursor: false })).toBeUndefined();
  });
});
