import { z } from 'zod';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import { absoluteHttpUrl } from '../rss/absolute-http-url.js';
import { htmlImages } from '../rss/html-images.js';
import { htmlToText } from '../rss/html-to-text.js';
import { postText } from '../rss/post-text.js';

/** The parts of a WordPress REST post (`/wp/v2/posts`, with `_embed=author,wp:featuredmedia`) overshare reads. */

const renderedSchema = z.object({ rendered: z.string() });

// An embedded item the reader may not see arrives as an error object ({code, message}): every field optional.
const embeddedMediaSchema = z.object({
  source_url: z.string().optional(),
  alt_text: z.string().optional(),
  media_type: z.string().optional(),
  mime_type: z.string().optional(),
});

/** One post of `/wp/v2/posts`. */
export const wordpressPostSchema = z.object({
  id: z.number().int(),
  date_gmt: z.string().nullish(),
  date: z.string().nullish(),
  link: z.string(),
  title: renderedSchema.optional(),
  content: renderedSchema.optional(),
  excerpt: renderedSchema.optional(),
  _embedded: z
    .object({
      author: z.array(z.object({ name: z.string().optional() })).optional(),
      'wp:featuredmedia': z.array(embeddedMediaSchema).optional(),
    })
    .optional(),
});
export type WordpressPost = z.infer<typeof wordpressPostSchema>;

const featuredMedia = (item: z.infer<typeof embeddedMediaSchema>, base: string): CollectedMedia | undefined => {
  const url = absoluteHttpUrl(item.source_url, base);
  if (url === undefined) return undefined;
  const type = `${item.media_type ?? ''} ${item.mime_type ?? ''}`.toLowerCase();
  const kind = type.includes('video') ? 'video' : type.includes('image') ? 'image' : undefined;
  if (kind === undefined) return undefined;
  const alt = item.alt_text?.trim();
  return { url, kind, ...(alt === undefined || alt === '' ? {} : { alt }) };
};

/**
 * The externalId of post `id` of the WordPress site at `siteUrl` (its root, no trailing slash):
 * `host/path#id`, e.g. `blog.example/news#42`. Post ids count from 1 on every site, and the store
 * keeps one post per id across all accounts of a platform, so the site is part of the id. The REST
 * API and the feed fallback (`?p=42` in the guid) give the same id for the same post.
 */
export function wordpressPostId(siteUrl: string, id: number | string): string {
  const site = new URL(siteUrl);
  return `${site.host}${site.pathname.replace(/\/+$/u, '')}#${id}`;
}

/**
 * A WordPress post as a collected post: id is `wordpressPostId` of the post id, time its `date_gmt`
 * (UTC; `date` when a server leaves it out), text the title then the content (the excerpt when
 * the content is hidden), media the featured image then the content's `<img>`, each URL once. An
 * unreadable date leaves `publishedAt` empty, so `collectPosts` skips and counts the post.
 */
export function wordpressPostToCollected(post: WordpressPost, siteUrl: string, fallbackAuthor: string): CollectedPost {
  // date_gmt has no zone designator; it is UTC by definition.
  const rawDate = post.date_gmt ?? post.date ?? '';
  const publishedMs = rawDate === '' ? Number.NaN : Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/u.test(rawDate) ? rawDate : `${rawDate}Z`);
  const permalink = absoluteHttpUrl(post.link, siteUrl) ?? siteUrl;
  const contentHtml = post.content?.rendered ?? '';
  const body = htmlToText(contentHtml) || htmlToText(post.excerpt?.rendered ?? '');
  const media: CollectedMedia[] = [];
  const seen = new Set<string>();
  const candidates = [
    ...(post._embedded?.['wp:featuredmedia'] ?? []).map((item) => featuredMedia(item, permalink)),
    ...htmlImages(contentHtml, permalink),
  ];
  for (const item of candidates) {
    if (item === undefined || seen.has(item.url)) continue;
    seen.add(item.url);
    media.push(item);
  }
  return {
    platform: 'wordpress',
    externalId: wordpressPostId(siteUrl, post.id),
    permalink,
    author: post._embedded?.author?.[0]?.name?.trim() || fallbackAuthor,
    publishedAt: Number.isNaN(publishedMs) ? '' : new Date(publishedMs).toISOString(),
    text: postText(htmlToText(post.title?.rendered ?? ''), body),
    isRepost: false,
    media,
  };
}
