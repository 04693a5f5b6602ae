import { describe, expect, it } from 'vitest';
import { EmptyFeedError, PermanentError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { collectPosts } from './collect-posts.js';
import type { AdapterContext, CollectedPost, FeedPage, PlatformAdapter } from './platform-adapter.js';

// An in-memory feed behind the adapter interface: collectPosts' paging, cursor and limits are
// what is under test here; the real adapters meet the fixture server in test/crawler-contract.test.ts.
function post(id: number, minute: number, extra: Partial<CollectedPost> = {}): CollectedPost {
  return {
    platform: 'rss',
    externalId: String(id),
    permalink: `https://blog.example/p/${id}`,
    author: 'alice',
    publishedAt: new Date(Date.UTC(2026, 10, 20, 12, minute)).toISOString(),
    text: `post ${id}`,
    isRepost: false,
    media: [],
    ...extra,
  };
}

function feedAdapter(pages: CollectedPost[][], tokens?: (string | undefined)[]): PlatformAdapter & { requested: (string | undefined)[] } {
  const requested: (string | undefined)[] = [];
  return {
    platform: 'rss',
    route: 'http',
    defaultBaseUrl: '',
    requested,
    fetchPage(request): Promise<FeedPage> {
      requested.push(request.pageToken);
      const index = request.pageToken === undefined ? 0 : Number(request.pageToken);
      const next = tokens === undefined ? (index + 1 < pages.length ? String(index + 1) : undefined) : tokens[index];
      return Promise.resolve({ posts: pages[index] ?? [], ...(next === undefined ? {} : { nextPage: next }) });
    },
  };
}

const context: AdapterContext = {
  http: { getText: () => Promise.reject(new Error('not used')) },
  browser: { navigationTimeoutMs: 1, maxPageBytes: 10_485_760, withPage: () => Promise.reject(new Error('not used')) },
  log: createLogger({ level: 'silent' }),
  signal: new AbortController().signal,
};
const account = { platform: 'rss' as const, handle: 'https://blog.example/feed' };

// Ten posts, newest first, three to a page: ids 10..1 at minutes 10..1.
const tenPosts = Array.from({ length: 10 }, (_, index) => post(10 - index, 10 - index));
const pagesOfThree = [tenPosts.slice(0, 3), tenPosts.slice(3, 6), tenPosts.slice(6, 9), tenPosts.slice(9)];

describe('collectPosts', () => {
  it('reads every page on a first scan within the backfill depth, newest first', async () => {
    const result = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 100 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
    expect(result).toMatchObject({ pages: 4, stoppedBecause: 'end', cursor: { externalId: '10' } });
  });

  it('reports the history’s start reached only when the last page says it holds the oldest posts', async () => {
    const listingEnds = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 100 });
    expect(listingEnds).toMatchObject({ stoppedBecause: 'end', hasReachedHistoryStart: false });
    const base = feedAdapter(pagesOfThree);
    const historyEnds: PlatformAdapter = {
      ...base,
      fetchPage: async (request, pageContext) => {
        const page = await base.fetchPage(request, pageContext);
        return page.nextPage === undefined ? { ...page, isHistoryEnd: true } : page;
      },
    };
    expect(await collectPosts(historyEnds, account, '', context, { backfillPosts: 100 })).toMatchObject({ stoppedBecause: 'end', hasReachedHistoryStart: true });
    // Cut short before that last page: not the whole history.
    expect(await collectPosts(historyEnds, account, '', context, { backfillPosts: 4 })).toMatchObject({ stoppedBecause: 'backfill', hasReachedHistoryStart: false });
  });

  it('stops a first scan at the backfill depth without reading further pages', async () => {
    const adapter = feedAdapter(pagesOfThree);
    const result = await collectPosts(adapter, account, '', context, { backfillPosts: 4 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9', '8', '7']);
    expect(result.stoppedBecause).toBe('backfill');
    expect(adapter.requested).toEqual([undefined, '1']);
  });

  it('fetches only what is newer than the cursor and stops paging there', async () => {
    const adapter = feedAdapter(pagesOfThree);
    const cursor = { externalId: '6', publishedAt: tenPosts[4]?.publishedAt ?? '' };
    const result = await collectPosts(adapter, account, '', context, { cursor, backfillPosts: 2 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9', '8', '7']);
    expect(result).toMatchObject({ stoppedBecause: 'cursor', cursor: { externalId: '10' } });
    expect(adapter.requested).toEqual([undefined, '1']);
  });

  it('keeps the old cursor when nothing is new', async () => {
    const cursor = { externalId: '10', publishedAt: tenPosts[0]?.publishedAt ?? '' };
    const result = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { cursor, backfillPosts: 2 });
    expect(result.posts).toEqual([]);
    expect(result.cursor).toEqual(cursor);
  });

  it('stops at the cursor by time when the cursor post was deleted', async () => {
    const cursor = { externalId: 'deleted', publishedAt: new Date(Date.UTC(2026, 10, 20, 12, 7, 30)).toISOString() };
    const result = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { cursor, backfillPosts: 2 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9', '8']);
  });

  it('does not let a pinned old post at the top hide the new posts below it', async () => {
    const pinned = post(1, 1, { text: 'pinned' });
    const pages = [[pinned, ...tenPosts.slice(0, 3)], tenPosts.slice(3, 6)];
    const cursor = { externalId: '8', publishedAt: tenPosts[2]?.publishedAt ?? '' };
    const result = await collectPosts(feedAdapter(pages), account, '', context, { cursor, backfillPosts: 2 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9']);
    expect(result.stoppedBecause).toBe('cursor');
  });

  it('honours --since and --limit', async () => {
    const since = new Date(Date.UTC(2026, 10, 20, 12, 5));
    const bySince = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 100, since });
    expect(bySince.posts.map((p) => p.externalId)).toEqual(['10', '9', '8', '7', '6']);
    expect(bySince.stoppedBecause).toBe('since');
    const byLimit = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 100, limit: 2 });
    expect(byLimit.posts.map((p) => p.externalId)).toEqual(['10', '9']);
    expect(byLimit.stoppedBecause).toBe('limit');
  });

  it('does not let a post dated in the future hide the posts published after this scan', async () => {
    const future = post(99, 0, { publishedAt: '2099-01-01T00:00:00.000Z' });
    const first = await collectPosts(feedAdapter([[future, ...tenPosts.slice(0, 3)]]), account, '', context, { backfillPosts: 100 });
    expect(Date.parse(first.cursor?.publishedAt ?? '')).toBeLessThanOrEqual(Date.now());
    const fresh = post(11, 0, { publishedAt: new Date(Date.now() + 60_000).toISOString() });
    const cursor = first.cursor;
    const rescan = await collectPosts(feedAdapter([[future, fresh, ...tenPosts.slice(0, 3)]]), account, '', context, { backfillPosts: 100, ...(cursor === undefined ? {} : { cursor }) });
    expect(rescan.posts.map((p) => p.externalId)).toContain('11');
  });

  it('keeps the old cursor when a rescan stops at its limit before reaching it', async () => {
    const cursor = { externalId: '2', publishedAt: tenPosts[8]?.publishedAt ?? '' };
    const result = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { cursor, backfillPosts: 100, limit: 3 });
    expect(result.posts).toHaveLength(3);
    expect(result.cursor).toEqual(cursor);
  });

  it('collects a post once when it shifts onto the next page while paging', async () => {
    const pages = [tenPosts.slice(0, 3), tenPosts.slice(2, 5)];
    const result = await collectPosts(feedAdapter(pages), account, '', context, { backfillPosts: 100 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9', '8', '7', '6']);
  });

  it('skips posts without a usable id, time or URL and counts them', async () => {
    const bad = [post(3, 3, { externalId: '' }), post(2, 2, { publishedAt: 'yesterday' }), post(1, 1, { media: [{ url: 'javascript:alert(1)', kind: 'image' }] })];
    const result = await collectPosts(feedAdapter([[post(4, 4), ...bad]]), account, '', context, { backfillPosts: 100 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['4']);
    expect(result.skipped).toBe(3);
  });

  it('refuses an adapter whose paging loops, naming the platform', async () => {
    const adapter = feedAdapter([tenPosts.slice(0, 3), tenPosts.slice(3, 6)], ['1', '1']);
    const error = await collectPosts(adapter, account, '', context, { backfillPosts: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/rss returned the same next-page token twice/u);
  });

  it('stops after maxPages on a feed that never ends', async () => {
    const endless: PlatformAdapter = {
      platform: 'rss',
      route: 'http',
      defaultBaseUrl: '',
      fetchPage: (request) => {
        const index = Number(request.pageToken ?? '0');
        return Promise.resolve({ posts: [post(100_000 - index, 0, { publishedAt: new Date(Date.UTC(2026, 0, 1) - index * 60_000).toISOString() })], nextPage: String(index + 1) });
      },
    };
    const result = await collectPosts(endless, account, '', context, { backfillPosts: 10_000, maxPages: 7 });
    expect(result).toMatchObject({ pages: 7, stoppedBecause: 'max-pages' });
  });
});

describe('collectPosts where posts are expected', () => {
  const cursorAt = (id: number) => ({ externalId: String(id), publishedAt: post(id, id).publishedAt });

  it('refuses a newest page that lists nothing when the account had posts, instead of reporting nothing new', async () => {
    const error = await collectPosts(feedAdapter([[]]), account, '', context, { backfillPosts: 100, expectPosts: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmptyFeedError);
    expect((error as Error).message).toMatch(/newest page of https:\/\/blog\.example\/feed listed no posts.*changed its layout/u);
    const rescan = await collectPosts(feedAdapter([[]]), account, '', context, { backfillPosts: 100, expectPosts: true, cursor: cursorAt(10) }).catch((caught: unknown) => caught);
    expect(rescan).toBeInstanceOf(EmptyFeedError);
  });

  it('accepts an empty reading when nothing was expected, or when its newest page is the server\'s own word (a 304, an API answer)', async () => {
    expect((await collectPosts(feedAdapter([[]]), account, '', context, { backfillPosts: 100 })).posts).toEqual([]);
    const notModified: PlatformAdapter = { ...feedAdapter([]), fetchPage: () => Promise.resolve({ posts: [], isUnchanged: true }) };
    expect((await collectPosts(notModified, account, '', context, { backfillPosts: 100, expectPosts: true, cursor: cursorAt(10) })).posts).toEqual([]);
    const apiAnswer: PlatformAdapter = { ...feedAdapter([]), fetchPage: () => Promise.resolve({ posts: [], isStructured: true }) };
    const rescan = await collectPosts(apiAnswer, account, '', context, { backfillPosts: 100, expectPosts: true, cursor: cursorAt(10) });
    expect(rescan).toMatchObject({ posts: [], cursor: { externalId: '10' } });
    const emptyAccount: PlatformAdapter = { ...feedAdapter([]), fetchPage: () => Promise.resolve({ posts: [], isHistoryEnd: true, isStructured: true }) };
    expect((await collectPosts(emptyAccount, account, '', context, { backfillPosts: 100, expectPosts: true })).stoppedBecause).toBe('end');
  });

  it('refuses a scraped reading that listed nothing where posts were expected, though its pages claim a next page or the history start', async () => {
    // A redesign that kept the wall and its "more" link but renamed the posts (the VK fixture's markup-changed).
    const emptyPages: PlatformAdapter = {
      ...feedAdapter([]),
      fetchPage: ({ pageToken }) => Promise.resolve(pageToken === '2' ? { posts: [], isHistoryEnd: true } : { posts: [], nextPage: String(Number(pageToken ?? '0') + 1) }),
    };
    for (const options of [
      { backfillPosts: 100, expectPosts: true, cursor: cursorAt(10), depth: 500 },
      { backfillPosts: 100, expectPosts: true, limit: 5, maxPages: 1 },
    ]) {
      const error = await collectPosts(emptyPages, account, '', context, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EmptyFeedError);
    }
    // A renamed post renderer on a page with no continuation (the YouTube case) is no proof the account has no posts.
    const historyStart: PlatformAdapter = { ...feedAdapter([]), fetchPage: () => Promise.resolve({ posts: [], isHistoryEnd: true }) };
    const error = await collectPosts(historyStart, account, '', context, { backfillPosts: 100, expectPosts: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmptyFeedError);
    expect((error as Error).message).toMatch(/the newest page of .+ listed no posts/u);
  });

  it('refuses a newest page none of whose posts can be read when posts are expected', async () => {
    const unreadable = [post(2, 2, { publishedAt: '' }), post(1, 1, { publishedAt: '' })];
    const error = await collectPosts(feedAdapter([unreadable]), account, '', context, { backfillPosts: 100, expectPosts: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/none of the 2 posts on the newest page/u);
    expect((await collectPosts(feedAdapter([unreadable]), account, '', context, { backfillPosts: 100 })).skipped).toBe(2);
  });

  it('stops a rescan at its catch-up depth, moves the cursor to the newest post and reports the reading incomplete', async () => {
    const result = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 100, cursor: cursorAt(1), depth: 4 });
    expect(result.posts.map((p) => p.externalId)).toEqual(['10', '9', '8', '7']);
    expect(result).toMatchObject({ stoppedBecause: 'depth', isComplete: false, cursor: { externalId: '10' }, oldestCollectedAt: post(7, 7).publishedAt });
    const within = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 100, cursor: cursorAt(5), depth: 5 });
    expect(within).toMatchObject({ stoppedBecause: 'cursor', isComplete: true, cursor: { externalId: '10' } });
    expect(within.posts).toHaveLength(5);
  });

  it('applies no depth to a first scan, which the backfill depth bounds', async () => {
    const result = await collectPosts(feedAdapter(pagesOfThree), account, '', context, { backfillPosts: 6, depth: 2 });
    expect(result).toMatchObject({ stoppedBecause: 'backfill', isComplete: true });
    expect(result.posts).toHaveLength(6);
  });

  it('passes on the profile the newest page shows', async () => {
    const adapter: PlatformAdapter = { ...feedAdapter([]), fetchPage: () => Promise.resolve({ posts: [post(1, 1)], profile: { displayName: 'Acme', avatarUrl: 'https://blog.example/a.png' } }) };
    expect((await collectPosts(adapter, account, '', context, { backfillPosts: 100 })).profile).toEqual({ displayName: 'Acme', avatarUrl: 'https://blog.example/a.png' });
  });
});
