import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../core/errors.js';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import type { CollectedPost } from '../platform-adapter.js';
import { newestFirst } from './newest-first.js';
import { readablePosts } from './readable-posts.js';

const post = (externalId: string, publishedAt: string): CollectedPost => ({
  platform: 'vk',
  externalId,
  permalink: `https://vk.com/wall${externalId}`,
  author: 'acme',
  publishedAt,
  text: 'Revenue up 40% before the announcement',
  isRepost: false,
  media: [],
});

describe('readablePosts', () => {
  it('returns the posts, undated ones included, and logs each skipped post with its id and reason but not its text', () => {
    const { log, lines } = capturingLogger('warn');
    const posts = [post('-1_2', '2026-01-02T00:00:00.000Z'), post('-1_1', '')];
    const kept = readablePosts({ posts, unreadable: [{ externalId: '-1_3', reason: 'a post without a readable date' }, { reason: 'a post without an id' }] }, { platform: 'vk', where: 'the wall of acme', log });
    expect(kept).toEqual(posts);
    expect(lines.map((line) => [line.msg, line.platform, line.externalId, line.reason])).toEqual([
      ['skipped a post that could not be read', 'vk', '-1_3', 'a post without a readable date'],
      ['skipped a post that could not be read', 'vk', undefined, 'a post without an id'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('Revenue');
  });

  it('throws a PermanentError naming the platform and the page (without its query) when no listed post is readable', () => {
    const { log } = capturingLogger('warn');
    const read = () =>
      readablePosts({ posts: [post('-1_1', '')], unreadable: [{ reason: 'a post without an id' }] }, { platform: 'vk', where: 'https://vk.com/acme?token=s3cret', log });
    expect(read).toThrow(PermanentError);
    expect(read).toThrow(/^vk: none of the 2 posts on https:\/\/vk\.com\/acme could be read \(a post without an id\)/u);
  });

  it('lets an empty page through: a feed with no posts is not a broken one', () => {
    const { log } = capturingLogger('warn');
    expect(readablePosts({ posts: [], unreadable: [] }, { platform: 'vk', where: 'the wall of acme', log })).toEqual([]);
  });
});

describe('newestFirst', () => {
  it('sorts newest first and puts undated posts before the dated ones, in page order', () => {
    const posts = [post('a', '2026-01-01T00:00:00.000Z'), post('b', ''), post('c', '2026-01-03T00:00:00.000Z'), post('d', 'soon')];
    expect(posts.sort(newestFirst).map((each) => each.externalId)).toEqual(['b', 'd', 'c', 'a']);
  });
});
