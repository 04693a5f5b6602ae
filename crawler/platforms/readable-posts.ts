import { redactUrl } from '../../core/config.js';
import { PermanentError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { CollectedPost, PlatformName } from '../platform-adapter.js';

/** A post found on a page whose shape could not be read, skipped rather than failing the whole page. */
export interface UnreadablePost {
  /** The id the adapter would have given the post, when at least that was readable. */
  externalId?: string;
  /** What was wrong, for the log: never the post's text. */
  reason: string;
}

/** A page's posts as a reader found them: the ones it read (some maybe without a readable time) and the ones it skipped. */
export interface ReadPosts {
  posts: CollectedPost[];
  unreadable: UnreadablePost[];
}

/** Where the page came from, for the log and the error. */
export interface ReadablePostsSource {
  platform: PlatformName;
  /** The page's URL (redacted here) or a description such as `the wall of acme`. */
  where: string;
  log: Logger;
}

/**
 * The posts of a page an adapter returns: `read.posts` as they are (a post without a readable time
 * keeps an unparseable `publishedAt`, which `collectPosts` skips and counts), after logging each
 * skipped post as a warning with its platform, id and reason, never its text. Throws PermanentError
 * naming the platform and the page when the page listed posts and not one has a readable time:
 * the page is cut off or its format changed, and returning nothing would pass for an empty feed.
 */
export function readablePosts(read: ReadPosts, source: ReadablePostsSource): CollectedPost[] {
  const { platform } = source;
  const listed = read.posts.length + read.unreadable.length;
  const readable = read.posts.filter((post) => !Number.isNaN(Date.parse(post.publishedAt))).length;
  if (listed > 0 && readable === 0) {
    const where = URL.canParse(source.where) ? redactUrl(source.where) : source.where;
    const why = read.unreadable[0]?.reason ?? 'no post shows a readable time';
    throw new PermanentError(
      `${platform}: none of the ${listed} posts on ${where} could be read (${why}); the page is cut off or its format changed, and the adapter may need updating`,
    );
  }
  for (const skipped of read.unreadable) {
    source.log.warn({ platform, externalId: skipped.externalId, reason: skipped.reason }, 'skipped a post that could not be read');
  }
  return read.posts;
}
