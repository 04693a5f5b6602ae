import { loadHtml } from '../../load-html.js';
import { createHash } from 'node:crypto';
import { type Cheerio, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { CollectedMedia, CollectedPost, GenericSelectors } from '../../platform-adapter.js';
import { absoluteHttpUrl } from '../rss/absolute-http-url.js';
import { htmlToText } from '../rss/html-to-text.js';

/** What the generic adapter read from one rendered page. */
export interface GenericFeed {
  posts: CollectedPost[];
  /** Absolute URL of the next (older) page: same origin as the page, never the page itself. */
  nextUrl?: string;
}

/** Where the page was read, whose it is, and when. */
export interface GenericFeedContext {
  selectors: GenericSelectors;
  /** The URL the page was read from: relative links resolve against it. */
  pageUrl: string;
  /** The account as registered (its page URL): the author of every post. */
  author: string;
  /**
   * Origin and path of the account's page URL (`https://blog.example/news/`, no query): ids that are
   * unique on one site only (an `idAttribute` value, a text hash) are given under it.
   */
  idScope: string;
  /** The time of collection, for posts that show no time. */
  now: Date;
}

// Where a post's time and pictures are when the account does not say.
const DEFAULT_TIME = 'time[datetime]';
const DEFAULT_IMAGE = 'img';
const BACKGROUND_URL = /background(?:-image)?\s*:[^;]*?url\(\s*(['"]?)(.+?)\1\s*\)/iu;

/**
 * The posts of a rendered page found with the account's selectors, each once. A post's id is
 * `<idScope>#<idAttribute value>`, else its link, else `<idScope>#` and the first 16 hex digits of
 * the SHA-256 of its text (never of its time, so an undated post keeps its id); its time
 * is the `datetime` (or parsable text) of its `time` element (default `time[datetime]`), else the
 * time of collection; its pictures are the `image` elements' (default `img`) largest srcset
 * entry, src or CSS background. Newest first when every post has a time; page order otherwise.
 */
export function readGenericFeed(html: string, context: GenericFeedContext): GenericFeed {
  const $ = loadHtml(html);
  const { selectors, pageUrl } = context;
  const seen = new Set<string>();
  const dated: { post: CollectedPost; hasTime: boolean }[] = [];
  for (const element of $(selectors.post).toArray().filter(isElement)) {
    const entry = readPost($, element, context);
    if (seen.has(entry.post.externalId)) continue;
    seen.add(entry.post.externalId);
    dated.push(entry);
  }
  const posts = dated.map((entry) => entry.post);
  // Sites list newest first; sorting is only safe when every post says when it was published.
  if (dated.every((entry) => entry.hasTime)) posts.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));

  const nextHref = selectors.nextPage === undefined ? undefined : linkHref($, $(selectors.nextPage).toArray().find(isElement));
  const next = absoluteHttpUrl(nextHref, pageUrl);
  const isNextUsable = next !== undefined && new URL(next).origin === new URL(pageUrl).origin && stripHash(next) !== stripHash(pageUrl);
  return { posts, ...(isNextUsable ? { nextUrl: next } : {}) };
}

function readPost($: CheerioAPI, element: Element, context: GenericFeedContext): { post: CollectedPost; hasTime: boolean } {
  const { selectors, pageUrl } = context;
  const post = $(element);
  const textElements = selectors.text === undefined ? post : post.find(selectors.text);
  const text = textElements
    .toArray()
    .map((part) => htmlToText($.html(part)))
    .filter((part) => part !== '')
    .join('\n\n');
  const link = selectors.link === undefined ? undefined : absoluteHttpUrl(linkHref($, post.find(selectors.link).toArray().find(isElement)), pageUrl);
  const id = selectors.idAttribute === undefined ? undefined : post.attr(selectors.idAttribute)?.trim();
  // Without an id or a link, the text is all that tells one post from another.
  const externalId =
    id !== undefined && id !== ''
      ? `${context.idScope}#${id}`
      : (link ?? `${context.idScope}#${createHash('sha256').update(text === '' ? $.html(element) : text).digest('hex').slice(0, 16)}`);
  const time = postTime(post.find(selectors.time ?? DEFAULT_TIME).first());
  return {
    post: {
      platform: 'generic',
      externalId,
      permalink: link ?? pageUrl,
      author: context.author,
      publishedAt: (time ?? context.now).toISOString(),
      text,
      isRepost: false,
      media: postImages($, post.find(selectors.image ?? DEFAULT_IMAGE), pageUrl),
    },
    hasTime: time !== undefined,
  };
}

/** `href` of `element`, or of the first link inside it (a selector may name the heading around the link). */
function linkHref($: CheerioAPI, element: Element | undefined): string | undefined {
  if (element === undefined) return undefined;
  return $(element).attr('href') ?? $(element).find('a[href]').first().attr('href');
}

function postTime(element: Cheerio<Element>): Date | undefined {
  for (const candidate of [element.attr('datetime'), element.attr('title'), element.text()]) {
    const trimmed = candidate?.trim();
    if (trimmed === undefined || trimmed === '') continue;
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return new Date(at);
  }
  return undefined;
}

function postImages($: CheerioAPI, elements: Cheerio<Element>, pageUrl: string): CollectedMedia[] {
  const media: CollectedMedia[] = [];
  const seen = new Set<string>();
  const add = (href: string | undefined, alt: string | undefined): void => {
    const url = absoluteHttpUrl(href, pageUrl);
    if (url === undefined || seen.has(url)) return;
    seen.add(url);
    const trimmed = alt?.trim();
    media.push({ url, kind: 'image', ...(trimmed === undefined || trimmed === '' ? {} : { alt: trimmed }) });
  };
  for (const element of elements.toArray()) {
    const node = $(element);
    const background = BACKGROUND_URL.exec(node.attr('style') ?? '')?.[2];
    if (background !== undefined) add(background, node.attr('aria-label'));
    // A selector may name the figure or link around the picture rather than the <img> itself.
    const images = element.tagName === 'img' ? [element] : node.find('img').toArray();
    for (const image of images) add(imageSource($(image)), $(image).attr('alt'));
  }
  return media;
}

/** The largest candidate of an image's srcset, else its lazy-loading source, else its src. */
function imageSource(image: Cheerio<Element>): string | undefined {
  const srcset = image.attr('srcset') ?? image.attr('data-srcset') ?? image.closest('picture').find('source[srcset]').first().attr('srcset');
  const largest = srcset === undefined ? undefined : largestCandidate(srcset);
  return largest ?? image.attr('data-src') ?? image.attr('src');
}

function largestCandidate(srcset: string): string | undefined {
  let best: { url: string; size: number } | undefined;
  // Candidates are separated by a comma and white space; a bare comma may be part of a URL.
  for (const candidate of srcset.split(/,\s+/u)) {
    const [url, descriptor = '1x'] = candidate.trim().split(/\s+/u);
    if (url === undefined || url === '') continue;
    const match = /^(\d+(?:\.\d+)?)([wx])$/u.exec(descriptor);
    // Widths (w) and densities (x) are not mixed in one valid srcset; a density counts as 1000 px per x.
    const size = match === null ? 0 : Number(match[1]) * (match[2] === 'x' ? 1_000 : 1);
    if (best === undefined || size > best.size) best = { url, size };
  }
  return best?.url;
}

function isElement(node: AnyNode): node is Element {
  return 'attribs' in node;
}

function stripHash(url: string): string {
  return url.replace(/#.*$/u, '');
}
