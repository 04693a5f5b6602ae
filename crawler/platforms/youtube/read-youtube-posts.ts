import { z } from 'zod';
import { PermanentError } from '../../../core/errors.js';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import type { UnreadablePost } from '../readable-posts.js';
import { parseYoutubeRelativeTime } from './parse-youtube-relative-time.js';

/** Where the data came from, for links and error messages. */
export interface YoutubeSource {
  /** The account's base URL, no trailing slash: permalinks are `{baseUrl}/post/{postId}`. */
  baseUrl: string;
  /** The page the data came from: relative and protocol-relative image URLs resolve against it. */
  pageUrl: string;
  handle: string;
  now: Date;
}

/** The `continuationCommand` of a posts feed: POST `{ continuation: token }` to `apiUrl` for older posts. */
export interface YoutubeContinuation {
  token: string;
  /** Path on the YouTube origin (`/youtubei/v1/browse`). */
  apiUrl: string;
}

export interface YoutubePosts {
  /** Newest first; a post whose time cannot be read keeps an empty `publishedAt` (collectPosts skips and counts it). */
  posts: CollectedPost[];
  /** Renderers of an unexpected shape, left out of `posts`. */
  unreadable: UnreadablePost[];
  continuation?: YoutubeContinuation;
  /** False when the channel page has tabs but no posts tab selected (a channel without posts). */
  hasFeed: boolean;
}

const runsSchema = z.object({
  runs: z.array(z.object({ text: z.string().optional() })).optional(),
  simpleText: z.string().optional(),
});
const imageSchema = z.object({
  image: z.object({
    thumbnails: z.array(z.object({ url: z.string(), width: z.number().optional(), height: z.number().optional() })),
    accessibility: z.object({ accessibilityData: z.object({ label: z.string() }) }).optional(),
  }),
});
const backstagePostSchema = z.object({
  postId: z.string().min(1),
  authorText: runsSchema.optional(),
  contentText: runsSchema.optional(),
  publishedTimeText: runsSchema,
  backstageAttachment: z
    .object({
      backstageImageRenderer: imageSchema.optional(),
      postMultiImageRenderer: z.object({ images: z.array(z.object({ backstageImageRenderer: imageSchema.optional() })) }).optional(),
    })
    .optional(),
});
const sharedPostSchema = z.object({
  postId: z.string().min(1),
  displayName: runsSchema.optional(),
  content: runsSchema.optional(),
  publishedTimeText: runsSchema,
  originalPost: z.object({ backstagePostRenderer: backstagePostSchema.optional() }).optional(),
});
const continuationSchema = z.object({
  continuationEndpoint: z.object({
    commandMetadata: z.object({ webCommandMetadata: z.object({ apiUrl: z.string().optional() }) }).optional(),
    continuationCommand: z.object({ token: z.string().min(1) }),
  }),
});

type Runs = z.infer<typeof runsSchema>;
type BackstagePost = z.infer<typeof backstagePostSchema>;

interface FoundItem {
  kind: 'backstage' | 'shared';
  value: unknown;
}

/**
 * Reads the posts of a channel's posts tab from `ytInitialData`, or of a continuation response
 * (`onResponseReceivedActions`), newest first, finding the renderers wherever they are nested.
 * Times are estimates from YouTube's relative text (see parseYoutubeRelativeTime). A renderer of
 * an unexpected shape is left out and listed in `unreadable`; data with no feed at all throws
 * PermanentError naming youtube: YouTube changed its data.
 */
export function readYoutubePosts(data: unknown, source: YoutubeSource): YoutubePosts {
  const feed = feedRoot(data);
  if (feed === 'no-posts-tab') return { posts: [], unreadable: [], hasFeed: false };
  if (feed === undefined) {
    throw new PermanentError(
      `youtube data for ${source.handle} has neither channel tabs nor continuation items; YouTube changed its data and the adapter needs updating`,
    );
  }

  const items: FoundItem[] = [];
  let continuation: YoutubeContinuation | undefined;
  walk(feed, (key, value) => {
    if (key === 'backstagePostRenderer') items.push({ kind: 'backstage', value });
    else if (key === 'sharedPostRenderer') items.push({ kind: 'shared', value });
    else if (key === 'continuationItemRenderer') {
      const parsed = continuationSchema.safeParse(value);
      if (parsed.success) {
        const { continuationEndpoint } = parsed.data;
        continuation = { token: continuationEndpoint.continuationCommand.token, apiUrl: continuationEndpoint.commandMetadata?.webCommandMetadata.apiUrl ?? '/youtubei/v1/browse' };
      }
    } else return false;
    // A found renderer is read whole: a shared post's original must not count as a post of its own.
    return true;
  });

  const posts: CollectedPost[] = [];
  const unreadable: UnreadablePost[] = [];
  for (const item of items) {
    const post = item.kind === 'backstage' ? readBackstagePost(item.value, source) : readSharedPost(item.value, source);
    if ('reason' in post) unreadable.push(post);
    else posts.push(post);
  }
  return { posts, unreadable, hasFeed: true, ...(continuation === undefined ? {} : { continuation }) };
}

/** The selected posts tab of a channel page, or the actions of a continuation response; undefined when there is neither. */
function feedRoot(data: unknown): unknown {
  if (!isRecord(data)) return undefined;
  for (const key of ['onResponseReceivedActions', 'onResponseReceivedEndpoints'] as const) {
    if (Array.isArray(data[key])) return data[key];
  }
  const tabs: unknown[] = [];
  walk(data, (key, value) => {
    if (key !== 'tabRenderer') return false;
    tabs.push(value);
    return true;
  });
  if (tabs.length === 0) return undefined;
  const selected = tabs.filter(isRecord).find((tab) => tab.selected === true);
  if (selected === undefined) return 'no-posts-tab';
  const url = JSON.stringify(isRecord(selected.endpoint) ? selected.endpoint.commandMetadata : null);
  const isPostsTab = /\/(?:posts|community)"/u.test(url) || selected.title === 'Posts' || selected.title === 'Community';
  return isPostsTab ? (selected.content ?? []) : 'no-posts-tab';
}

function readBackstagePost(value: unknown, source: YoutubeSource, repostedBy?: { id: string; author: string; at: string; text: string }): CollectedPost | UnreadablePost {
  const post = parse(backstagePostSchema, value);
  if ('reason' in post) return repostedBy === undefined ? post : { externalId: repostedBy.id, reason: `its original post: ${post.reason}` };
  const text = runsText(post.contentText);
  return {
    platform: 'youtube',
    externalId: repostedBy?.id ?? post.postId,
    permalink: `${source.baseUrl}/post/${encodeURIComponent(repostedBy?.id ?? post.postId)}`,
    author: repostedBy?.author ?? (firstRun(post.authorText) || source.handle),
    publishedAt: repostedBy?.at ?? publishedAt(post.publishedTimeText, source),
    text: repostedBy === undefined ? text : [repostedBy.text, text].filter((part) => part !== '').join('\n\n'),
    isRepost: repostedBy !== undefined,
    media: readImages(post, source.pageUrl),
  };
}

function readSharedPost(value: unknown, source: YoutubeSource): CollectedPost | UnreadablePost {
  const shared = parse(sharedPostSchema, value);
  if ('reason' in shared) return shared;
  const repostedBy = {
    id: shared.postId,
    author: firstRun(shared.displayName) || source.handle,
    at: publishedAt(shared.publishedTimeText, source),
    text: runsText(shared.content),
  };
  const original = shared.originalPost?.backstagePostRenderer;
  if (original !== undefined) return readBackstagePost(original, source, repostedBy);
  // The original was deleted: the share keeps only its own words.
  return {
    platform: 'youtube',
    externalId: shared.postId,
    permalink: `${source.baseUrl}/post/${encodeURIComponent(shared.postId)}`,
    author: repostedBy.author,
    publishedAt: repostedBy.at,
    text: repostedBy.text,
    isRepost: true,
    media: [],
  };
}

function readImages(post: BackstagePost, pageUrl: string): CollectedMedia[] {
  const attachment = post.backstageAttachment;
  const renderers = [attachment?.backstageImageRenderer, ...(attachment?.postMultiImageRenderer?.images.map((image) => image.backstageImageRenderer) ?? [])];
  return renderers.flatMap((renderer) => {
    if (renderer === undefined) return [];
    // Thumbnails list renditions of one picture; the widest is the picture.
    const widest = renderer.image.thumbnails.reduce<(typeof renderer.image.thumbnails)[number] | undefined>(
      (best, thumbnail) => (best === undefined || (thumbnail.width ?? 0) > (best.width ?? 0) ? thumbnail : best),
      undefined,
    );
    if (widest === undefined) return [];
    const alt = renderer.image.accessibility?.accessibilityData.label;
    return [{ url: new URL(widest.url, pageUrl).href, kind: 'image' as const, ...(alt === undefined || alt === '' ? {} : { alt }) }];
  });
}

/** The post's time estimated from "N units ago"; empty when it cannot be read (YouTube changed its format or ignored hl=en). */
function publishedAt(text: Runs, source: YoutubeSource): string {
  const printed = text.simpleText ?? runsText(text);
  return parseYoutubeRelativeTime(printed, source.now)?.at.toISOString() ?? '';
}

/** `value` read by `schema`, or why it could not be (the renderer's shape changed), with its postId when it has one. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T | UnreadablePost {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const id = z.object({ postId: z.string().min(1) }).safeParse(value);
  return {
    ...(id.success ? { externalId: id.data.postId } : {}),
    reason: `a post renderer of an unexpected shape (${issue === undefined ? 'unknown' : `${issue.path.join('.')}: ${issue.message}`})`,
  };
}

function runsText(runs: Runs | undefined): string {
  if (runs === undefined) return '';
  const text = runs.simpleText ?? (runs.runs ?? []).map((run) => run.text ?? '').join('');
  return text.replace(/\r\n?/gu, '\n').trim();
}

function firstRun(runs: Runs | undefined): string {
  return (runs?.simpleText ?? runs?.runs?.[0]?.text ?? '').trim();
}

/** Depth-first, in document order; `visit` returns true to skip what is under that key. */
function walk(node: unknown, visit: (key: string, value: unknown) => boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (!visit(key, value)) walk(value, visit);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
