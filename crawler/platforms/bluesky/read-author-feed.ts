import { z } from 'zod';
import { redactUrl } from '../../../core/config.js';
import type { ObservedProfile } from '../../../core/coverage.js';
import { PermanentError } from '../../../core/errors.js';
import type { CollectedMedia, CollectedPost, FeedPage } from '../../platform-adapter.js';
import { newestFirst } from '../newest-first.js';
import type { UnreadablePost } from '../readable-posts.js';

/**
 * Reads one answer of the Bluesky AppView's `app.bsky.feed.getAuthorFeed` (lexicon
 * app.bsky.feed.defs#feedViewPost) into collected posts. Only the fields overshare reads are
 * checked; everything else (counts, viewer state, labels) may change freely.
 */

/** Where a post is shown on the web; the AppView serves JSON only, so permalinks point to the public web app. */
export const BLUESKY_WEB_URL = 'https://bsky.app';

const profile = z.object({ did: z.string().startsWith('did:'), handle: z.string(), displayName: z.string().nullish(), avatar: z.string().nullish() });
const postView = z.object({
  uri: z.string().regex(/^at:\/\/[^/]+\/[^/]+\/[^/]+$/u),
  author: profile,
  record: z.object({ $type: z.string().optional(), text: z.unknown(), createdAt: z.unknown() }),
  embed: z.unknown().optional(),
  indexedAt: z.string(),
});
const reason = z.object({ $type: z.string(), by: profile.optional(), uri: z.string().optional(), indexedAt: z.string().optional() });
const feedItem = z.object({ post: postView, reason: reason.optional() });
const authorFeed = z.object({
  // Each item is checked on its own: one post of an unexpected shape is skipped, not the page.
  feed: z.array(z.unknown()),
  cursor: z.string().optional(),
});
// Just enough of an unreadable item to name it in the log.
const itemIds = z.object({ post: z.object({ uri: z.string() }).optional(), reason: z.object({ uri: z.string() }).optional() });
type PostView = z.infer<typeof postView>;

const embedType = z.object({ $type: z.string() });
const imagesView = z.object({ images: z.array(z.object({ fullsize: z.string(), alt: z.string().optional() })) });
const videoView = z.object({ playlist: z.string(), alt: z.string().optional() });
const recordWithMediaView = z.object({ media: z.unknown() });

const REASON_REPOST = 'app.bsky.feed.defs#reasonRepost';
const REASON_PIN = 'app.bsky.feed.defs#reasonPin';

/** One getAuthorFeed answer: its posts (FeedPage) and the items that could not be read. */
export type AuthorFeedPage = FeedPage & { unreadable: UnreadablePost[] };

/**
 * The posts of one getAuthorFeed answer, newest first, and the next page's cursor (absent when
 * the page is empty or the cursor did not move); on the newest page, the account's display name
 * and avatar. `answerUrl` is the address that answered, for
 * resolving relative media URLs; `pageToken` the cursor this page was asked with. An item of an
 * unexpected shape (a post, a repost's reason, an embed) is left out and listed in `unreadable`.
 * Throws a PermanentError naming bluesky when the answer is not a feed.
 */
export function readAuthorFeed(json: unknown, answerUrl: string, pageToken: string | undefined): AuthorFeedPage {
  const parsed = authorFeed.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(
      `bluesky: the getAuthorFeed answer from ${redactUrl(answerUrl)} is not an author feed (${parsed.error.issues[0]?.message ?? 'wrong shape'} at ${pathOf(parsed.error.issues[0]?.path)}); check that the base URL is a Bluesky AppView`,
      { cause: parsed.error },
    );
  }
  const posts: CollectedPost[] = [];
  const unreadable: UnreadablePost[] = [];
  // The newest page's first item shows the account's profile: the reposter of a repost, else the author.
  const first = pageToken === undefined ? feedItem.safeParse(parsed.data.feed[0]) : undefined;
  const shown = first?.success === true ? (first.data.reason?.$type === REASON_REPOST ? first.data.reason.by : first.data.post.author) : undefined;
  const observed = shown === undefined ? undefined : profileOf(shown, answerUrl);
  for (const raw of parsed.data.feed) {
    const read = readItem(raw, answerUrl);
    if (read === undefined) continue;
    if ('reason' in read) unreadable.push(read);
    else posts.push(read);
  }
  // The AppView sorts by the earlier of createdAt and indexedAt, as publishedAt is taken; the sort
  // only guards against a server that does not.
  posts.sort(newestFirst);
  const { cursor } = parsed.data;
  const hasNext = cursor !== undefined && cursor !== '' && cursor !== pageToken && parsed.data.feed.length > 0;
  const withProfile = observed === undefined ? {} : { profile: observed };
  return hasNext
    ? { posts, unreadable, nextPage: cursor, isStructured: true, ...withProfile }
    : { posts, unreadable, ...(cursor === undefined || cursor === '' ? { isHistoryEnd: true } : {}), isStructured: true, ...withProfile };
}

/** The display name and avatar of a profile view; undefined when it shows neither. */
function profileOf(view: z.infer<typeof profile>, answerUrl: string): ObservedProfile | undefined {
  const observed: ObservedProfile = {};
  const name = view.displayName?.trim() ?? '';
  if (name !== '') observed.displayName = name;
  const avatar = view.avatar?.trim() ?? '';
  if (avatar !== '' && URL.canParse(avatar, answerUrl)) observed.avatarUrl = new URL(avatar, answerUrl).href;
  return observed.displayName === undefined && observed.avatarUrl === undefined ? undefined : observed;
}

/** One feed item as a post; undefined for a pinned post; an UnreadablePost for an item of an unexpected shape. */
function readItem(raw: unknown, answerUrl: string): CollectedPost | UnreadablePost | undefined {
  const parsed = feedItem.safeParse(raw);
  if (!parsed.success) {
    const ids = itemIds.safeParse(raw);
    const externalId = ids.success ? (ids.data.reason?.uri ?? ids.data.post?.uri) : undefined;
    const issue = parsed.error.issues[0];
    return { ...(externalId === undefined ? {} : { externalId }), reason: `unexpected feed item at ${pathOf(issue?.path)}: ${issue?.message ?? 'invalid'}` };
  }
  const item = parsed.data;
  // A pinned post is listed first only when includePins is asked for (never, here) and also sits at its
  // own date further down; collecting it at the top would put an old post before new ones.
  if (item.reason?.$type === REASON_PIN) return undefined;
  const isRepost = item.reason?.$type === REASON_REPOST;
  // The repost record's own uri keeps a repost of one's own post apart from the post itself;
  // AppViews before the field existed give only the post's.
  const externalId = isRepost ? (item.reason?.uri ?? item.post.uri) : item.post.uri;
  const media = mediaOf(item.post.embed, answerUrl);
  if (typeof media === 'string') return { externalId, reason: `its ${media} embed has an unexpected shape` };
  const post = postOf(item.post, media);
  if (!isRepost) return post;
  if (item.reason?.by === undefined || item.reason.indexedAt === undefined) return { externalId, reason: 'a repost without who reposted it or when' };
  return { ...post, externalId, author: item.reason.by.handle, publishedAt: isoOrRaw(item.reason.indexedAt), isRepost: true };
}

function postOf(post: PostView, media: CollectedMedia[]): CollectedPost {
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
    media,
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
 * belong to someone else and are left out. An embed of a known type but an unexpected shape gives
 * its type instead: the post is then skipped rather than collected without its pictures.
 */
function mediaOf(embed: unknown, answerUrl: string): CollectedMedia[] | string {
  if (embed === undefined || embed === null) return [];
  const typed = embedType.safeParse(embed);
  if (!typed.success) return [];
  const type = typed.data.$type;
  switch (type) {
    case 'app.bsky.embed.images#view': {
      const view = imagesView.safeParse(embed);
      if (!view.success) return type;
      return view.data.images.map((image) => ({
        url: absolute(image.fullsize, answerUrl),
        kind: 'image' as const,
        ...(image.alt === undefined || image.alt === '' ? {} : { alt: image.alt }),
      }));
    }
    case 'app.bsky.embed.video#view': {
      const view = videoView.safeParse(embed);
      if (!view.success) return type;
      const video = view.data;
      return [{ url: absolute(video.playlist, answerUrl), kind: 'video', ...(video.alt === undefined || video.alt === '' ? {} : { alt: video.alt }) }];
    }
    case 'app.bsky.embed.recordWithMedia#view': {
      const view = recordWithMediaView.safeParse(embed);
      return view.success ? mediaOf(view.data.media, answerUrl) : type;
    }
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
