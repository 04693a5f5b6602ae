import type { CheerioAPI, Cheerio } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import { newestFirst } from '../newest-first.js';
import type { UnreadablePost } from '../readable-posts.js';
import { parseVkDate } from './parse-vk-date.js';

/** Where a wall page came from, for resolving its links and naming it in errors. */
export interface VkWallSource {
  /** The URL the tab ended on (after redirects): relative links resolve against it. */
  pageUrl: string;
  /** The account's base URL, no trailing slash: permalinks are built on it when a post has no link. */
  baseUrl: string;
  handle: string;
  /** `?offset=` of this page (0 for the newest). */
  offset: number;
  now: Date;
}

export interface VkWall {
  /** Newest first; a post whose date cannot be read has an empty `publishedAt` and comes first. */
  posts: CollectedPost[];
  /** Posts left out because their id (`owner_post`) could not be read. */
  unreadable: UnreadablePost[];
  /** `?offset=` of the next (older) page, absent on the last page. */
  nextOffset?: number;
  /** True when the page has a wall (possibly empty); false when it has no wall markup at all. */
  hasWall: boolean;
}

// VK's wall shows ten posts a page to visitors; a full page without a "more" link still has a next page.
const VK_PAGE_SIZE = 10;
const POST_ID = /^-?\d+_\d+$/u;
// A line-break marker (private use: no page text has it, no whitespace pattern matches it), so collapsing spaces keeps `<br>`s.
const BREAK = '\uE000';

/**
 * Reads the posts of a VK wall page (desktop or m.vk.com markup), newest first. Times come from
 * the `time` attribute (unix seconds, exact) and else from the printed date in Moscow time
 * (minute precision); a post with neither keeps an empty `publishedAt` (collectPosts skips and
 * counts it), and a post with a malformed id is left out and listed in `unreadable`.
 */
export function parseVkWall($: CheerioAPI, source: VkWallSource): VkWall {
  const elements = $('div.post, div._post, div.wall_item')
    .filter((_, element) => {
      const post = $(element);
      // Replies under a post, and the reposted post inside a repost, are not wall posts.
      return !post.hasClass('reply') && post.parents('.replies, .wall_replies, .copy_quote, .copy_history').length === 0;
    })
    .toArray();
  const posts: CollectedPost[] = [];
  const unreadable: UnreadablePost[] = [];
  for (const element of elements) {
    const post = readPost($, $(element), source);
    if ('reason' in post) unreadable.push(post);
    else posts.push(post);
  }
  // A pinned post sits on top whatever its age; the feed contract is newest first.
  posts.sort(newestFirst);

  const hasWall = posts.length > 0 || unreadable.length > 0 || $('#page_wall_posts, .wall_posts, #page_no_wall, .no_posts, .wall_empty').length > 0;
  const nextOffset = findNextOffset($, source.offset) ?? (elements.length >= VK_PAGE_SIZE ? source.offset + elements.length : undefined);
  return { posts, unreadable, hasWall, ...(nextOffset === undefined ? {} : { nextOffset }) };
}

function readPost($: CheerioAPI, post: Cheerio<Element>, source: VkWallSource): CollectedPost | UnreadablePost {
  const externalId = (post.attr('data-post-id') ?? post.attr('id')?.replace(/^post/u, '') ?? '').trim();
  if (!POST_ID.test(externalId)) return { reason: 'a post without an owner_post id' };
  const own = (selector: string) => post.find(selector).filter((_, element) => $(element).parents('.copy_quote, .copy_history, .replies').length === 0);

  const dateElement = own('.rel_date, .post_date time, .wi_date').first();
  const unixSeconds = Number(dateElement.attr('time') ?? dateElement.attr('data-time') ?? Number.NaN);
  const publishedAt = Number.isFinite(unixSeconds) && unixSeconds > 0 ? new Date(unixSeconds * 1_000) : parseVkDate(dateElement.text(), source.now);

  const quote = post.find('.copy_quote, .copy_history').first();
  const isRepost = quote.length > 0;
  const texts = [readText($, own('.wall_post_text').first()), isRepost ? readText($, quote.find('.wall_post_text').first()) : ''];
  const link = own('a.post_link, a.wi_date, .post_date a[href*="wall"]').first().attr('href');
  const author = collapse(own('.post_author a.author, .post_author .author, .wi_author').first().text());

  return {
    platform: 'vk',
    externalId,
    permalink: link === undefined ? `${source.baseUrl}/wall${externalId}` : new URL(link, source.pageUrl).href,
    author: author === '' ? source.handle : author,
    publishedAt: publishedAt === undefined ? '' : publishedAt.toISOString(),
    text: texts.filter((text) => text !== '').join('\n\n'),
    isRepost,
    media: readMedia($, post, source.pageUrl),
  };
}

/** Plain text of a `.wall_post_text`: `<br>` kept as line breaks, the "Показать полностью…" link dropped, the hidden rest kept. */
function readText($: CheerioAPI, element: Cheerio<Element>): string {
  if (element.length === 0) return '';
  const copy = element.clone();
  copy.find('.wall_post_more, .wall_post_more_link, .PostTextMore').remove();
  // Emoji are images whose alt is the character.
  copy.find('img').each((_, image) => {
    $(image).replaceWith($('<span></span>').text($(image).attr('alt') ?? ''));
  });
  copy.find('br').replaceWith(BREAK);
  // Source whitespace renders as one space, as in the browser; only `<br>` breaks a line.
  return copy
    .text()
    .replace(/\s+/gu, ' ')
    .split(BREAK)
    .map((line) => line.trim())
    .join('\n')
    .trim();
}

function readMedia($: CheerioAPI, post: Cheerio<Element>, pageUrl: string): CollectedMedia[] {
  const media: CollectedMedia[] = [];
  const seen = new Set<string>();
  const add = (raw: string | undefined, alt: string | undefined) => {
    if (raw === undefined || raw.trim() === '' || raw.startsWith('data:')) return;
    const url = new URL(raw.trim(), pageUrl).href;
    if (seen.has(url)) return;
    seen.add(url);
    media.push({ url, kind: 'image', ...(alt === undefined || alt.trim() === '' ? {} : { alt: alt.trim() }) });
  };
  const thumbs = post
    .find('.page_post_thumb_wrap, .page_post_sized_thumbs img, img.page_post_thumb_img, .thumb_map_img, .PhotoPrimaryAttachment img')
    .filter((_, element) => $(element).parents('.replies, .wall_replies').length === 0);
  thumbs.each((_, element: AnyNode) => {
    const thumb = $(element);
    if (thumb.is('img')) {
      add(thumb.attr('src'), thumb.attr('alt'));
      return;
    }
    const style = thumb.attr('style') ?? '';
    const background = /background-image:\s*url\((['"]?)(.*?)\1\)/iu.exec(style)?.[2];
    add(background, thumb.attr('aria-label') === 'фотография' ? undefined : thumb.attr('aria-label'));
  });
  return media;
}

/** The offset in the wall's "show more" link, when it points further than this page. */
function findNextOffset($: CheerioAPI, offset: number): number | undefined {
  const offsets = $('#wall_more_link, a.show_more, .wall_more_link a, #fw_load_more')
    .toArray()
    .map((element) => Number(/[?&]offset=(\d+)/u.exec($(element).attr('href') ?? '')?.[1] ?? Number.NaN))
    .filter((candidate) => candidate > offset);
  return offsets.length === 0 ? undefined : Math.min(...offsets);
}

function collapse(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
