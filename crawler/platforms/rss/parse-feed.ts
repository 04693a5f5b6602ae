import { createHash } from 'node:crypto';
import { load } from 'cheerio';
import type { AnyNode, CDATA, Element, Text } from 'domhandler';
import { redactUrl } from '../../../core/config.js';
import { PermanentError } from '../../../core/errors.js';
import type { CollectedMedia, CollectedPost, PlatformName } from '../../platform-adapter.js';
import { absoluteHttpUrl } from './absolute-http-url.js';
import { parseFeedDate } from './parse-feed-date.js';
import { decodeEntities, htmlToText } from './html-to-text.js';
import { htmlImages } from './html-images.js';
import { postText } from './post-text.js';

/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds as collected posts. The text arrives decoded (the
 * fetcher honours the Content-Type charset and the XML declaration); this reads the markup only.
 */

/** The feed formats `parseFeed` reads. */
export type FeedFormat = 'rss' | 'atom' | 'rdf';

// The first element after the XML declaration, comments, processing instructions and a doctype.
const ROOT_PATTERN = /^\uFEFF?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w:.-]*)/u;

const rootName = (text: string): string | undefined => ROOT_PATTERN.exec(text)?.[1];

const formatOfRoot = (name: string | undefined): FeedFormat | undefined => {
  switch (name?.toLowerCase()) {
    case 'rss':
      return 'rss';
    case 'feed':
    case 'atom:feed':
      return 'atom';
    case 'rdf:rdf':
      return 'rdf';
    default:
      return undefined;
  }
};

/** The format of `text` judged by its root element, or undefined when it is not a feed (an HTML page, JSON, nothing). */
export function sniffFeedFormat(text: string): FeedFormat | undefined {
  return formatOfRoot(rootName(text));
}

// domhandler's node types are an enum of strings; compare them as strings (the enum is not exported by cheerio).
const isElement = (node: AnyNode): node is Element => ['tag', 'script', 'style'].includes(node.type);
const isText = (node: AnyNode): node is Text => (node.type as string) === 'text';
const isCdata = (node: AnyNode): node is CDATA => (node.type as string) === 'cdata';

const childElements = (parent: Element, name: string): Element[] =>
  parent.children.filter((node): node is Element => isElement(node) && node.name.toLowerCase() === name);

const firstChild = (parent: Element, ...names: string[]): Element | undefined => {
  for (const name of names) {
    const found = childElements(parent, name).find((element) => textOf(element).trim() !== '' || element.children.length > 0);
    if (found !== undefined) return found;
  }
  return undefined;
};

const descendants = (parent: Element, name: string, found: Element[] = []): Element[] => {
  for (const node of parent.children) {
    if (!isElement(node)) continue;
    if (node.name.toLowerCase() === name) found.push(node);
    descendants(node, name, found);
  }
  return found;
};

const textOf = (node: AnyNode): string => {
  if (isText(node)) return node.data;
  if (isCdata(node) || isElement(node)) return node.children.map(textOf).join('');
  return '';
};

const childText = (parent: Element, ...names: string[]): string => {
  const element = firstChild(parent, ...names);
  return element === undefined ? '' : textOf(element).trim();
};

// XML attribute names keep their case (`isPermaLink`); feeds in the wild are not consistent about it.
const attribute = (element: Element, name: string): string | undefined => {
  const key = Object.keys(element.attribs).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : element.attribs[key]?.trim();
};

const mediaKind = (type: string | undefined, medium: string | undefined, url: string): CollectedMedia['kind'] | undefined => {
  const hint = (medium ?? type ?? '').toLowerCase();
  if (hint.startsWith('image')) return 'image';
  if (hint.startsWith('video')) return 'video';
  if (hint !== '') return undefined;
  // No type given: judge by the file name, as feed readers do.
  if (/\.(?:jpe?g|png|gif|webp|avif|heic)(?:$|[?#])/iu.test(url)) return 'image';
  if (/\.(?:mp4|webm|mov|m4v)(?:$|[?#])/iu.test(url)) return 'video';
  return undefined;
};

/** The HTML of an Atom text construct of type html or xhtml; undefined for plain text or out-of-line (`src`) content. */
const atomHtml = ($: ReturnType<typeof load>, element: Element | undefined): string | undefined => {
  if (element === undefined || attribute(element, 'src') !== undefined) return undefined;
  const type = (attribute(element, 'type') ?? 'text').toLowerCase();
  if (type === 'xhtml' || type.endsWith('xhtml+xml')) return $(element).html() ?? '';
  if (type === 'html' || type === 'text/html') return textOf(element);
  return undefined;
};

/** An Atom text construct (`title`, `content`, `summary`) as plain text, by its `type`. */
const atomText = ($: ReturnType<typeof load>, element: Element | undefined): string => {
  if (element === undefined || attribute(element, 'src') !== undefined) return '';
  const html = atomHtml($, element);
  return html === undefined ? textOf(element).replace(/[ \t]*\n[ \t]*/gu, '\n').trim() : htmlToText(html);
};

interface FeedContext {
  $: ReturnType<typeof load>;
  feedUrl: string;
  /** The feed's URL without its fragment: the namespace of ids that are unique in this feed only. */
  feedKey: string;
  platform: PlatformName;
  channelAuthor: string;
  channelDate: Date | undefined;
  readAt: Date;
}

/** Pictures and videos of one item: enclosures, Media RSS and the `<img>` of its HTML, each URL once. */
const itemMedia = (item: Element, html: string, base: string): CollectedMedia[] => {
  const media = new Map<string, CollectedMedia>();
  const add = (href: string | undefined, kind: CollectedMedia['kind'] | undefined, alt?: string): void => {
    const url = absoluteHttpUrl(href, base);
    if (url === undefined || kind === undefined) return;
    const known = media.get(url);
    const hasAlt = alt !== undefined && alt !== '';
    // The same picture often comes twice (an enclosure and an <img>); only one of them has its alt text.
    if (known !== undefined) {
      if (known.alt === undefined && hasAlt) known.alt = alt;
      return;
    }
    media.set(url, { url, kind, ...(hasAlt ? { alt } : {}) });
  };
  for (const enclosure of childElements(item, 'enclosure')) {
    const url = attribute(enclosure, 'url') ?? '';
    add(url, mediaKind(attribute(enclosure, 'type'), undefined, url));
  }
  for (const link of childElements(item, 'link')) {
    if (attribute(link, 'rel') !== 'enclosure') continue;
    const url = attribute(link, 'href') ?? '';
    add(url, mediaKind(attribute(link, 'type'), undefined, url), attribute(link, 'title'));
  }
  for (const content of descendants(item, 'media:content')) {
    const url = attribute(content, 'url') ?? '';
    // The alt text sits in the content element, or once for the whole media:group.
    const description =
      firstChild(content, 'media:description') ??
      content.parent?.children.filter(isElement).find((element) => element.name.toLowerCase() === 'media:description');
    const alt = description === undefined ? undefined : decodeEntities(textOf(description).trim());
    add(url, mediaKind(attribute(content, 'type'), attribute(content, 'medium'), url), alt);
  }
  for (const thumbnail of descendants(item, 'media:thumbnail')) add(attribute(thumbnail, 'url'), 'image');
  for (const image of htmlImages(html, base)) add(image.url, image.kind, image.alt);
  return [...media.values()];
};

// RSS <author> is an e-mail address, often with the name in parentheses: `editor@blog.example (Jane Doe)`.
const authorName = (text: string): string => /^\S+@\S+\s*\((.+)\)$/u.exec(text)?.[1]?.trim() ?? text;

// Ids that name themselves across the web: http(s) URLs, tag: URIs (RFC 4151) and URNs. Anything
// else ("42", a bare UUID) is unique within its own feed at best.
const isGlobalId = (id: string): boolean => /^(?:tag|urn):\S+$/iu.test(id) || (/^https?:\/\/[^/?#\s]+/iu.test(id) && URL.canParse(id));

/**
 * The externalId of an item whose feed gives it `id` (a guid or an Atom id): the id itself when it
 * is global, else `<feed URL>#<id>`, since the store keeps one post per id across every account.
 */
const feedItemId = (id: string, context: FeedContext): string => (isGlobalId(id) ? id : `${context.feedKey}#${id}`);

/**
 * The id of an item with neither id nor link: a hash of what it says, under the feed's URL. Never
 * of its time: an undated item takes the feed's or the scan's time, which changes between scans.
 */
const fallbackId = (parts: readonly string[], context: FeedContext): string =>
  `${context.feedKey}#sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;

const rssItem = (item: Element, context: FeedContext): CollectedPost => {
  const guidElement = firstChild(item, 'guid');
  const guid = guidElement === undefined ? '' : textOf(guidElement).trim();
  const link = absoluteHttpUrl(childText(item, 'link') || attribute(item, 'rdf:about'), context.feedUrl);
  const guidUrl = guidElement !== undefined && attribute(guidElement, 'isPermaLink') === 'false' ? undefined : absoluteHttpUrl(guid, context.feedUrl);
  const permalink = link ?? guidUrl ?? context.feedUrl;
  const html = childText(item, 'content:encoded') || childText(item, 'description');
  const title = decodeEntities(childText(item, 'title'));
  const when = parseFeedDate(childText(item, 'pubdate', 'dc:date', 'published', 'updated'));
  const publishedAt = when ?? context.channelDate ?? context.readAt;
  return {
    platform: context.platform,
    externalId: guid === '' ? (link ?? fallbackId([title, html], context)) : feedItemId(guid, context),
    permalink,
    author: authorName(decodeEntities(childText(item, 'dc:creator', 'author'))) || context.channelAuthor,
    publishedAt: publishedAt.toISOString(),
    text: postText(title, htmlToText(html)),
    isRepost: false,
    media: itemMedia(item, html, permalink),
  };
};

const atomEntry = (entry: Element, context: FeedContext): CollectedPost => {
  const links = childElements(entry, 'link');
  const alternate = links.find((link) => (attribute(link, 'rel') ?? 'alternate') === 'alternate');
  const permalink = absoluteHttpUrl(alternate === undefined ? undefined : attribute(alternate, 'href'), context.feedUrl) ?? context.feedUrl;
  const content = firstChild(entry, 'content');
  const bodyElement = atomText(context.$, content) === '' ? firstChild(entry, 'summary') : content;
  const body = atomText(context.$, bodyElement);
  const html = atomHtml(context.$, bodyElement) ?? '';
  const title = atomText(context.$, firstChild(entry, 'title'));
  const id = childText(entry, 'id');
  const when = parseFeedDate(childText(entry, 'published', 'updated', 'issued', 'modified'));
  const publishedAt = when ?? context.channelDate ?? context.readAt;
  const authorElement = firstChild(entry, 'author');
  return {
    platform: context.platform,
    externalId: id === '' ? (permalink === context.feedUrl ? fallbackId([title, body], context) : permalink) : feedItemId(id, context),
    permalink,
    author: (authorElement === undefined ? '' : childText(authorElement, 'name')) || context.channelAuthor,
    publishedAt: publishedAt.toISOString(),
    text: postText(title, body),
    isRepost: false,
    media: itemMedia(entry, html, permalink),
  };
};

/**
 * Every item of an RSS 2.0 / RSS 1.0 / Atom feed as a post of `platform`, newest first. Ids are the
 * guid / Atom id (as `<feedUrl>#<id>` unless it is an http(s) URL, tag: or urn: URI, which are
 * global already), else the link, else `<feedUrl>#sha256:…` of the title and text: the same item
 * keeps its id from scan to scan, dated or not. Times are UTC (an undated item takes the feed's
 * date, else `readAt`); URLs are absolute against `feedUrl`. Throws PermanentError (the URL
 * redacted) when the text is not a feed or is cut off before its closing root tag.
 */
export function parseFeed(xml: string, feedUrl: string, platform: PlatformName, readAt: Date = new Date()): CollectedPost[] {
  const root = rootName(xml);
  const format = formatOfRoot(root);
  const where = redactUrl(feedUrl);
  if (format === undefined || root === undefined) {
    throw new PermanentError(
      `${platform}: ${where} is not valid RSS or Atom (its first element is <${root ?? 'none'}>); give the URL of the feed itself`,
    );
  }
  // htmlparser2 forgives anything, so a truncated feed would parse as a shorter one: insist on the end tag.
  const closing = new RegExp(`</${root.replace(/[.]/gu, '\\.')}\\s*>(?:\\s|<!--[\\s\\S]*?-->)*$`, 'u');
  if (!closing.test(xml)) {
    throw new PermanentError(
      `${platform}: ${where} is not valid RSS or Atom: it ends before </${root}> (truncated or malformed); check the feed in a validator`,
    );
  }
  const $ = load(xml, { xml: true });
  const top = $.root().children().toArray().find(isElement);
  if (top === undefined) throw new PermanentError(`${platform}: ${where} is not valid RSS or Atom: it has no root element`);
  const channel = format === 'atom' ? top : (childElements(top, 'channel')[0] ?? top);
  const channelAuthorElement = firstChild(channel, 'author');
  const context: FeedContext = {
    $,
    feedUrl,
    feedKey: feedUrl.replace(/#.*$/su, ''),
    platform,
    channelAuthor:
      (channelAuthorElement === undefined ? '' : childText(channelAuthorElement, 'name')) ||
      decodeEntities(childText(channel, 'dc:creator', 'title')) ||
      new URL(feedUrl).hostname,
    channelDate: parseFeedDate(childText(channel, 'pubdate', 'lastbuilddate', 'dc:date', 'updated')),
    readAt,
  };
  const posts =
    format === 'atom'
      ? childElements(top, 'entry').map((entry) => atomEntry(entry, context))
      : descendants(top, 'item').map((item) => rssItem(item, context));
  const seen = new Set<string>();
  return posts
    .filter((post) => (seen.has(post.externalId) ? false : (seen.add(post.externalId), true)))
    .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
}
