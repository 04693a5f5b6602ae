import { loadHtml } from '../../load-html.js';
import { z } from 'zod';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import type { UnreadablePost } from '../readable-posts.js';
import { absoluteHttpUrl } from '../rss/absolute-http-url.js';

/**
 * Posts of a Threads profile read from the JSON the server embeds in the page, not from the
 * rendered DOM. The DOM's class names are generated (`x1a6qonq x6ikm8r …`) and change with every
 * deploy, and its times are relative ("3h"); the embedded Relay data names its fields (`pk`,
 * `code`, `caption.text`, `taken_at`) and is what the React app itself renders from. Threads
 * writes it into `<script type="application/json" data-sjs>` blocks, nested in Relay preloader
 * payloads whose wrapping changes more often than the post objects, so the blocks are searched
 * for any `thread_items` list rather than walked along one fixed path.
 */

const candidateSchema = z.object({ url: z.string().min(1), width: z.number().nullish() });
const mediaSchema = z.object({
  image_versions2: z.object({ candidates: z.array(candidateSchema) }).nullish(),
  video_versions: z.array(z.object({ url: z.string().min(1) })).nullish(),
  accessibility_caption: z.string().nullish(),
});
// Ids are decimal strings (they pass 2^53); a plain number is only trusted while it is exact.
const idSchema = z.union([
  z.string().regex(/^\d+$/u),
  z.number().refine(Number.isSafeInteger, 'a post id that JSON numbers cannot hold exactly'),
]);
const postCoreSchema = mediaSchema.extend({
  pk: idSchema,
  code: z.string().regex(/^[\w-]+$/u),
  taken_at: z.number().positive(),
  caption: z.object({ text: z.string() }).nullish(),
  user: z.object({ username: z.string().min(1) }),
  carousel_media: z.array(mediaSchema).nullish(),
});
const postSchema = postCoreSchema.extend({
  text_post_app_info: z
    .object({ share_info: z.object({ reposted_post: postCoreSchema.nullish() }).nullish() })
    .nullish(),
});
const threadItemSchema = z.object({ post: postSchema });

type ThreadsMedia = z.infer<typeof mediaSchema>;
type ThreadsPostCore = z.infer<typeof postCoreSchema>;

/** What a Threads page embeds. */
export interface ThreadsEmbeddedPosts {
  /** The profile's posts, newest first; undefined when no block carried a `thread_items` list. */
  posts: CollectedPost[] | undefined;
  /** `thread_items` entries that are not posts as Threads sends them (left out of `posts`). */
  unreadable: UnreadablePost[];
  /** `data-sjs` blocks on the page, and how many of them were not valid JSON (a truncated page). */
  blocks: number;
  brokenBlocks: number;
}

/** Where the page was read and whose profile it is. */
export interface ThreadsPageContext {
  /** The profile's username, without `@`. */
  username: string;
  /** The Threads base URL (`https://www.threads.net`), no trailing slash: permalinks start with it. */
  baseUrl: string;
  /** The URL the page was read from: relative media URLs resolve against it. */
  pageUrl: string;
}

/**
 * Reads the posts of a Threads profile page from its embedded `data-sjs` JSON: one post per
 * `thread_items` entry (each post once, by `pk`), newest first by `taken_at`, the profile's own
 * posts and its reposts only. An entry that lacks what a post needs is left out and listed in
 * `unreadable` with the field it lacks; `posts` is undefined when the page carried no feed at all.
 */
export function readThreadsEmbeddedPosts(html: string, context: ThreadsPageContext): ThreadsEmbeddedPosts {
  const $ = loadHtml(html);
  const blocks = $('script[type="application/json"][data-sjs]')
    .map((_, element) => $(element).text())
    .get();
  let brokenBlocks = 0;
  let items: unknown[] | undefined;
  for (const block of blocks) {
    let data: unknown;
    try {
      data = JSON.parse(block);
    } catch {
      brokenBlocks += 1;
      continue;
    }
    const found = findThreadItems(data);
    if (found !== undefined) (items ??= []).push(...found);
  }
  if (items === undefined) return { posts: undefined, unreadable: [], blocks: blocks.length, brokenBlocks };

  const byId = new Map<string, CollectedPost>();
  const unreadable: UnreadablePost[] = [];
  items.forEach((item, index) => {
    const parsed = threadItemSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : ` at ${issue.path.map((part) => (typeof part === 'symbol' ? '?' : `${part}`)).join('.')}`;
      const pk = idOfEntry(item);
      unreadable.push({ ...(pk === undefined ? {} : { externalId: pk }), reason: `entry ${index + 1} is not a post as Threads sends it${where} (${issue?.message ?? 'invalid'})` });
      return;
    }
    const post = toCollectedPost(parsed.data.post, context);
    if (post === undefined || byId.has(post.externalId)) return;
    byId.set(post.externalId, post);
  });
  // A pinned post comes first on the page whatever its age; the feed contract is newest first.
  const posts = [...byId.values()].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
  return { posts, unreadable, blocks: blocks.length, brokenBlocks };
}

/** The `post.pk` of an entry that is not otherwise a readable post, for the log. */
function idOfEntry(item: unknown): string | undefined {
  const parsed = z.object({ post: z.object({ pk: idSchema }) }).safeParse(item);
  return parsed.success ? `${parsed.data.post.pk}` : undefined;
}

/** Every `thread_items` list anywhere in `data`, in document order; undefined when there is none. */
function findThreadItems(data: unknown): unknown[] | undefined {
  let found: unknown[] | undefined;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      const entries = value as unknown[];
      for (let index = entries.length - 1; index >= 0; index -= 1) stack.push(entries[index]);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      const threadItems = record.thread_items;
      if (Array.isArray(threadItems)) {
        (found ??= []).push(...(threadItems as unknown[]));
        continue;
      }
      const children = Object.values(record);
      for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index]);
    }
  }
  return found;
}

function toCollectedPost(post: z.infer<typeof postSchema>, context: ThreadsPageContext): CollectedPost | undefined {
  const reposted = post.text_post_app_info?.share_info?.reposted_post ?? undefined;
  // Preloaded data can carry other people's threads (a quoted or suggested thread); only the
  // profile's own posts and what it reposted are its feed.
  if (reposted === undefined && post.user.username.toLowerCase() !== context.username.toLowerCase()) return undefined;
  // A repost has no text or media of its own: what the profile shared is the reposted post.
  const content: ThreadsPostCore = reposted ?? post;
  return {
    platform: 'threads',
    externalId: `${post.pk}`,
    permalink: `${context.baseUrl}/@${content.user.username}/post/${content.code}`,
    author: post.user.username,
    publishedAt: new Date(post.taken_at * 1_000).toISOString(),
    text: (content.caption?.text ?? '').replace(/\r\n?/gu, '\n'),
    isRepost: reposted !== undefined,
    media: mediaOf(content, context.pageUrl),
  };
}

function mediaOf(post: ThreadsPostCore, pageUrl: string): CollectedMedia[] {
  // A carousel's first picture is repeated in the post's own image_versions2.
  const items: ThreadsMedia[] = post.carousel_media !== undefined && post.carousel_media !== null && post.carousel_media.length > 0 ? post.carousel_media : [post];
  const media: CollectedMedia[] = [];
  for (const item of items) {
    const alt = item.accessibility_caption?.trim();
    const altField = alt === undefined || alt === '' ? {} : { alt };
    const video = item.video_versions?.[0]?.url;
    const videoUrl = video === undefined ? undefined : absoluteHttpUrl(video, pageUrl);
    if (videoUrl !== undefined) {
      media.push({ url: videoUrl, kind: 'video', ...altField });
      continue;
    }
    // Candidates are the same picture at several sizes; the widest reads best.
    const widest = [...(item.image_versions2?.candidates ?? [])].sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
    const imageUrl = widest === undefined ? undefined : absoluteHttpUrl(widest.url, pageUrl);
    if (imageUrl !== undefined) media.push({ url: imageUrl, kind: 'image', ...altField });
  }
  return media;
}
