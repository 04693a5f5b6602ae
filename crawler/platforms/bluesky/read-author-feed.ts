import { z } from 'zod';
import { PermanentError } from '../../../core/errors.js';
import type { CollectedMedia, CollectedPost, FeedPage } from '../../platform-adapter.js';

/**
 * Reads one answer of the Bluesky AppView's `app.bsky.feed.getAuthorFeed` (lexicon
 * app.bsky.feed.defs#feedViewPost) into collected posts. Only the fields overshare reads are
 * checked; everything else (counts, viewer state, labels) may change freely.
 */

/** Where a post is shown on the web; the AppView serves JSON only, so permalinks point to the public web app. */
export const BLUESKY_WEB_URL = 'https://bsky.app';

const profile = z.object({ did: z.string().startsWith('did:'), handle: z.string() });
const postView = z.object({
  uri: z.string().regex(/^at:\/\/[^/]+\/[^/]+\/[^/]+$/u),
  author: profile,
  record: z.object({ $type: z.string().optional(), text: z.unknown(), createdAt: z.unknown() }),
  embed: z.unknown().optional(),
  indexedAt: z.string(),
});
const reason = z.object({ $type: z.string(), by: profile.optional(), uri: z.string().optional(), indexedAt: z.string().optional() });
const authorFeed = z.object({
  feed: z.array(z.object({ post: postView, reason: reason.optional() })),
  cursor: z.string().optional(),
});
type PostView = z.infer<typeof postView>;

const embedType = z.object({ $type: z.string() });
const imagesView = z.object({ images: z.array(z.object({ fullsize: z.string(), alt: z.string().optional() })) });
const videoView = z.object({ playlist: z.string(), alt: z.string().optional() });
const recordWithMediaView = z.object({ media: z.unknown() });

const REASON_REPOST = 'app.bsky.feed.defs#reasonRepost';
const REASON_PIN = 'app.bsky.feed.defs#reasonPin';

/**
 * The posts of one getAuthorFeed answer, newest first, and the next page's cursor (absent when
 * the page is empty or the cursor did not move). `answerUrl` is the address that answered, for
 * resolving relative media URLs; `pageToken` the cursor this page was asked with. Throws a
 * PermanentError naming bluesky when the answer is not a feed.
 */
export function readAuthorFeed(json: unknown, answerUrl: string, pageToken: string | undefined): FeedPage {
  const parsed = authorFeed.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(
      `bluesky: the getAuthorFeed answer from ${answerUrl} is not an author feed (${parsed.error.issues[0]?.message ?? 'wrong shape'} at ${pathOf(parsed.error.issues[0]?.path)}); check that the base URL is a Bluesky AppView`,
      { cause: parsed.error },
    );
  }
  const posts: CollectedPost[] = [];
  for (const item of parsed.data.feed) {
    // A pinned post is listed first only when includePins is asked for (never, here) and also sits at its
    // own date further down; collecting it at the top would put an old post before new ones.
    if (item.reason?.$type === REASON_PIN) continue;
    if (item.reason?.$type === REASON_REPOST) {
      if (item.reason.by === undefined || item.reason.indexedAt === undefined) {
        throw new PermanentError(`bluesky: a repost of ${item.post.uri} from ${answerUrl} lacks who reposted it or when`);
      }
      posts.push({
        ...postOf(item.post, answerUrl),
        // The repost record's own uri keeps a repost of one's own post apart from the post itself;
        // AppViews before the field existed give only the post's.
        externalId: item.reason.uri ?? item.post.uri,
        author: item.reason.by.handle,
        publishedAt: isoOrRaw(item.reason.indexedAt),
        isRepost: true,
      });
      continue;
    }
    posts.push(postOf(item.post, answerUrl));
  }
  // The AppView sorts by the earlier of createdAt and indexedAt, as publishedAt is taken; the sort
  // only guards against a server that does not.
  posts.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
  const { cursor } = parsed.data;
  const hasNext = cursor !== undefined && cursor !== '' && cursor !== pageToken && parsed.data.feed.length > 0;
  return hasNext ? { posts, nextPage: cursor } : { posts };
}

function postOf(post: PostView, answerUrl: string): CollectedPost {
  const { did, handle } = post.author;
  const rkey = post.uri.slice(post.uri.lastIndexOf('/') + 1);
  // A handle that no longer verifies is shown as handle.invalid; the DID still finds the profile.
  const profileId = handle === 'handle.invalid' || handle === '' ? did : handle;
  const isPost = post.record.$type === undefined || post.record.$type === 'app.bsky.feed.post';
  return {
    platform: 'bluesky',
    externalId: post.uri,
    permalink: `${BLUESKY_WEB_URL}/profile/${encodeURIComponent(profileId)}/post/${encodeURIComponent(rkey)}`,
    author: handle,
    publishedAt: publishedAtOf(post),
    text: isPost && typeof post.record.text === 'string' ? post.record.text.replace(/\r\n?/gu, '\n') : '',
    isRepost: false,
    media: mediaOf(post.embed, answerUrl, post.uri),
  };
}

// createdAt is what the author's client claims (it may be back-dated or in the future); the
// AppView orders an author's feed by the earlier of it and indexedAt, and so does publishedAt.
function publishedAtOf(post: PostView): string {
  const indexedMs = Date.parse(post.indexedAt);
  const createdMs = typeof post.record.createdAt === 'string' ? Date.parse(post.record.createdAt) : Number.NaN;
  if (Number.isNaN(createdMs)) return isoOrRaw(post.indexedAt);
  if (Number.isNaN(indexedMs)) return new Date(createdMs).toISOString();
  return new Date(Math.min(createdMs, indexedMs)).toISOString();
}

/**
 * The post's own pictures and video: full-size images of an images embed, the video's playlist,
 * and the media half of a quote-with-media. A quoted post's media and a link card's thumbnail
 * belong to someone else and are left out.
 */
function mediaOf(embed: unknown, answerUrl: string, uri: string): CollectedMedia[] {
  if (embed === undefined || embed === null) return [];
  const typed = embedType.safeParse(embed);
  if (!typed.success) return [];
  const read = <T>(schema: z.ZodType<T>): T => {
    const view = schema.safeParse(embed);
    if (!view.success) throw new PermanentError(`bluesky: the ${typed.data.$type} embed of ${uri} from ${answerUrl} has an unexpected shape`, { cause: view.error });
    return view.data;
  };
  switch (typed.data.$type) {
    case 'app.bsky.embed.images#view':
      return read(imagesView).images.map((image) => ({
        url: absolute(image.fullsize, answerUrl),
        kind: 'image' as const,
        ...(image.alt === undefined || image.alt === '' ? {} : { alt: image.alt }),
      }));
    case 'app.bsky.embed.video#view': {
      const video = read(videoView);
      return [{ url: absolute(video.playlist, answerUrl), kind: 'video', ...(video.alt === undefined || video.alt === '' ? {} : { alt: video.alt }) }];
    }
    case 'app.bsky.embed.recordWithMedia#view':
      return mediaOf(read(recordWithMediaView).media, answerUrl, uri);
    default:
      return [];
  }
}

function absolute(url: string, base: string): string {
  return URL.canParse(url, base) ? new URL(url, base).href : url;
}

function isoOrRaw(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function pathOf(path: readonly PropertyKey[] | undefined): string {
  if (path === undefined || path.length === 0) return 'the top level';
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key.toString()}`)).join('').replace(/^\./u, '');
}
