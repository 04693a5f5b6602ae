import { loadHtml } from '../../load-html.js';
import { type Cheerio, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import { newestFirst } from '../newest-first.js';
import { absoluteHttpUrl } from '../rss/absolute-http-url.js';
import { htmlToText } from '../rss/html-to-text.js';
import { parseFacebookTime } from './parse-facebook-time.js';

/**
 * The posts of a rendered Facebook page. Each post is a top-level `[role="article"]`; comments
 * and the original of a share are articles nested inside it. Its text is in
 * `[data-ad-preview="message"]` / `[data-ad-comet-preview="message"]`; its permalink is the
 * `/posts/` (or permalink.php, story.php) link, whose aria-label (www) or `abbr[data-utime]`
 * (the classic layout) gives its time; its pictures are CDN images (`scontent`) or images marked
 * as post media. Class names are generated and never relied on.
 */

const ARTICLE = '[role="article"]';
const MESSAGE = '[data-ad-preview="message"], [data-ad-comet-preview="message"]';
const STORY_LINK = /\/posts\/|\/permalink\.php\?|\/story\.php\?|[?&]story_fbid=/u;
const MEDIA_LINK = /\/videos\/|\/photos?\/|\/photo\.php\?|\/reel\//u;
const SHARE_HEADER = /\bshared (?:a|an|their|his|her|this) (?:post|link|photo|video|memory|reel|event)\b/iu;
// Reactions, emoji and other interface pictures Facebook serves from its static host.
const INTERFACE_IMAGE = /\/emoji\.php\/|\/rsrc\.php\/|\/images\/emoji\//u;
// Profile pictures in a post header are 40 px; a post's picture is far larger.
const SMALLEST_PICTURE_PX = 100;

/** What a rendered Facebook page shows. */
export interface FacebookFeed {
  /** The page's posts, newest first, each once. */
  posts: CollectedPost[];
  /** Top-level articles on the page, posts or not: none means the feed did not render. */
  articleCount: number;
  /** Absolute URL of the "See more stories" link (a `cursor=` link), when the page has one. */
  nextUrl?: string;
}

/** Where the page was read and whose it is. */
export interface FacebookFeedContext {
  /** The URL the page was read from: relative links resolve against it. */
  pageUrl: string;
  /** The page name, the author of every post on its feed. */
  author: string;
  /** The time of collection: relative labels ("3h") count back from it. */
  now: Date;
}

/**
 * Reads the posts and the next-page link of a rendered Facebook page, newest first. Articles
 * without a permalink (suggestions, the page's intro) are skipped; a post whose time cannot be
 * read keeps an empty `publishedAt` (collectPosts skips and counts it) and comes first.
 */
export function readFacebookFeed(html: string, context: FacebookFeedContext): FacebookFeed {
  const $ = loadHtml(html);
  const articles = $(ARTICLE).filter((_, element) => $(element).parents(ARTICLE).length === 0);
  const byId = new Map<string, CollectedPost>();
  for (const article of articles.toArray()) {
    const post = readArticle($, article, context);
    if (post !== undefined && !byId.has(post.externalId)) byId.set(post.externalId, post);
  }
  // A pinned post comes first whatever its age; the feed contract is newest first.
  const posts = [...byId.values()].sort(newestFirst);
  const nextUrl = $('a[href*="cursor="]')
    .filter((_, element) => $(element).parents(ARTICLE).length === 0)
    .toArray()
    .map((element) => absoluteHttpUrl($(element).attr('href'), context.pageUrl))
    .find((url) => url !== undefined && new URL(url).origin === new URL(context.pageUrl).origin);
  return { posts, articleCount: articles.length, ...(nextUrl === undefined ? {} : { nextUrl }) };
}

function readArticle($: CheerioAPI, article: Element, context: FacebookFeedContext): CollectedPost | undefined {
  // Elements of this article itself, not of the shared original or a comment nested in it.
  const own = (selector: string): Cheerio<Element> => $(article).find(selector).filter((_, element) => $(element).closest(ARTICLE).get(0) === article);
  const links = own('a[href]').toArray();
  const permalinkElement = links.find((link) => STORY_LINK.test($(link).attr('href') ?? '')) ?? links.find((link) => MEDIA_LINK.test($(link).attr('href') ?? ''));
  const permalink = permalinkElement === undefined ? undefined : cleanPermalink($(permalinkElement).attr('href'), context.pageUrl);
  if (permalinkElement === undefined || permalink === undefined) return undefined;

  const publishedAt = postTime($, own, permalinkElement, context.now);
  const shared = $(article).find(ARTICLE).first();
  const isRepost = shared.length > 0 || SHARE_HEADER.test(own('h2, h3, h4').text());
  const ownText = messageText($, own(MESSAGE));
  const sharedText = shared.length === 0 ? '' : messageText($, shared.find(MESSAGE).filter((_, element) => $(element).closest(ARTICLE).get(0) === shared.get(0)));
  return {
    platform: 'facebook',
    externalId: postId(permalink),
    permalink,
    author: context.author,
    publishedAt: publishedAt === undefined ? '' : publishedAt.toISOString(),
    text: [ownText, sharedText].filter((text) => text !== '').join('\n\n'),
    isRepost,
    media: postImages($, article, context.pageUrl),
  };
}

function postTime($: CheerioAPI, own: (selector: string) => Cheerio<Element>, permalink: Element, now: Date): Date | undefined {
  // The classic layout's data-utime is exact (Unix seconds); labels are for people.
  const utime = Number(own('abbr[data-utime]').first().attr('data-utime'));
  if (Number.isFinite(utime) && utime > 0) return new Date(utime * 1_000);
  const link = $(permalink);
  const labels = [link.attr('aria-label'), link.attr('title'), link.find('[title]').attr('title'), link.text()];
  for (const label of labels) {
    const time = label === undefined ? undefined : parseFacebookTime(label, now);
    if (time !== undefined) return time;
  }
  return undefined;
}

function messageText($: CheerioAPI, messages: Cheerio<Element>): string {
  // A message box may be nested in another one (both attributes on two levels): read the outer.
  const outer = messages.filter((_, element) => $(element).parents(MESSAGE).length === 0);
  return outer
    .toArray()
    .map((element) => {
      const copy = $(element).clone();
      // "See more" and translation toggles are buttons inside the text, not part of it.
      copy.find('[role="button"]').remove();
      return htmlToText($.html(copy));
    })
    .filter((text) => text !== '')
    .join('\n\n');
}

function postImages($: CheerioAPI, article: Element, pageUrl: string): CollectedMedia[] {
  const media: CollectedMedia[] = [];
  const seen = new Set<string>();
  $(article)
    .find('img')
    .each((_, element) => {
      const image = $(element);
      const src = image.attr('src') ?? '';
      const isPostMedia = src.includes('scontent') || image.attr('data-visualcompletion') === 'media-vc-image';
      if (!isPostMedia || INTERFACE_IMAGE.test(src) || isSmall(image) || image.closest(`${MESSAGE}, h2, h3, h4`).length > 0) return;
      const url = absoluteHttpUrl(src, pageUrl);
      if (url === undefined || seen.has(url)) return;
      seen.add(url);
      const alt = image.attr('alt')?.trim();
      media.push({ url, kind: 'image', ...(alt === undefined || alt === '' ? {} : { alt }) });
    });
  return media;
}

function isSmall(image: Cheerio<AnyNode>): boolean {
  const sizes = [image.attr('width'), image.attr('height')].map(Number).filter((size) => Number.isFinite(size) && size > 0);
  return sizes.some((size) => size < SMALLEST_PICTURE_PX);
}

/** The permalink without Facebook's click-tracking parameters (`__cft__`, `__tn__`, `refid`). */
function cleanPermalink(href: string | undefined, pageUrl: string): string | undefined {
  const absolute = absoluteHttpUrl(href, pageUrl);
  if (absolute === undefined) return undefined;
  const url = new URL(absolute);
  for (const key of [...url.searchParams.keys()]) {
    if (key.startsWith('__') || key === 'refid' || key === 'ref') url.searchParams.delete(key);
  }
  url.hash = '';
  return url.href;
}

/** Facebook's own id of the post: the pfbid or number in its permalink. */
function postId(permalink: string): string {
  const url = new URL(permalink);
  const fromPath = /\/(?:posts|videos|reel)\/(?:[^/]+\/)?([\w.-]+?)\/?$/u.exec(url.pathname)?.[1];
  return fromPath ?? url.searchParams.get('story_fbid') ?? url.searchParams.get('fbid') ?? `${url.pathname}${url.search}`;
}
