import { redactUrl } from '../../../core/config.js';
import { loadHtml } from '../../load-html.js';
import { NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { AccountCursor, AdapterContext, CollectedPost, FeedPage, PlatformAdapter, TextResponse } from '../../platform-adapter.js';
import { BoundedMap } from '../../bounded-map.js';
import { discoverFeedUrl } from './discover-feed-url.js';
import { parseFeed, sniffFeedFormat } from './parse-feed.js';
import { readFeed } from './read-feed.js';
import { siteAddress } from './site-address.js';

/** What the adapter remembers of an address between scans (in memory, for the process's life). */
interface FeedMemory {
  /** The feed the address leads to: the address itself (after redirects) when it is a feed, else the feed its page names. */
  feedUrl: string;
  /** The feed's validators from its last full answer, and the newest item that answer listed. */
  validators?: { etag?: string; lastModified?: string; newestId: string };
}

/** Addresses remembered, one per account handle; about 300 bytes each. */
const MAX_REMEMBERED_FEEDS = 10_000;
const feeds = new BoundedMap<string, FeedMemory>(MAX_REMEMBERED_FEEDS);

// A path that names a feed by its file (`feed.xml`, `index.rss`, `atom.xml`) or WordPress's `/feed/`.
const FEED_PATH = /(?:\.(?:xml|rss|atom|rdf)|\/feed\/?)$/iu;

/** Throws the error an unusable answer calls for: NotFoundError, PlatformBlockedError or PermanentError. */
const judgeStatus = (response: TextResponse, asked: string): void => {
  if (response.status >= 200 && response.status < 300) return;
  if (response.status === 404 || response.status === 410) throw new NotFoundError('rss feed', redactUrl(asked));
  if (response.status === 401 || response.status === 403 || response.status === 451) {
    throw new PlatformBlockedError('rss', `${redactUrl(response.url)} answered HTTP ${response.status}: the site refuses anonymous readers (login wall or bot check)`);
  }
  throw new PermanentError(`rss: ${redactUrl(response.url)} answered HTTP ${response.status}; check the feed address`);
};

/** True when an HTML page (not a feed) asks for a password: a login wall rather than a blog. */
const isLoginPage = (html: string): boolean => loadHtml(html)('input[type="password" i]').length > 0;

const isHtml = (response: TextResponse): boolean =>
  /html/iu.test(response.headers['content-type'] ?? '') || /^\s*(?:<!doctype html|<html)/iu.test(response.text);

/**
 * The conditional headers of a rescan's feed request. When the feed's last full answer listed the
 * cursor's post as its newest, its own validators (ETag, Last-Modified) say exactly "nothing since";
 * otherwise If-Modified-Since is the cursor's time, which a server answers with 304 only when the
 * feed has not changed since that post. No cursor (a first scan): no condition.
 */
const conditionsFor = (memory: FeedMemory | undefined, cursor: AccountCursor | undefined): Record<string, string> => {
  if (cursor === undefined) return {};
  const cursorMs = Date.parse(cursor.publishedAt);
  const cursorDate = Number.isNaN(cursorMs) ? undefined : new Date(cursorMs).toUTCString();
  const validators = memory?.validators;
  if (validators?.newestId !== cursor.externalId) return cursorDate === undefined ? {} : { 'if-modified-since': cursorDate };
  const modifiedSince = validators.lastModified ?? cursorDate;
  return {
    ...(validators.etag === undefined ? {} : { 'if-none-match': validators.etag }),
    ...(modifiedSince === undefined ? {} : { 'if-modified-since': modifiedSince }),
  };
};

/** Reads a feed answer into posts and remembers the feed (and its validators) for the address. */
const feedPosts = (address: string, feed: TextResponse): CollectedPost[] => {
  const posts = parseFeed(feed.text, feed.url, 'rss');
  const newestId = posts[0]?.externalId;
  const { etag, 'last-modified': lastModified } = feed.headers;
  const hasValidators = newestId !== undefined && (etag !== undefined || lastModified !== undefined);
  feeds.set(address, {
    feedUrl: feed.url,
    ...(hasValidators ? { validators: { newestId, ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) } } : {}),
  });
  return posts;
};

/**
 * A rescan straight from the remembered feed; undefined when the address must be read afresh (the
 * feed is gone or became a page), after forgetting it.
 */
const readRemembered = async (address: string, memory: FeedMemory, cursor: AccountCursor | undefined, context: AdapterContext): Promise<FeedPage | undefined> => {
  const feed = await readFeed(memory.feedUrl, context, conditionsFor(memory, cursor));
  if (feed.status === 304) return { posts: [], isUnchanged: true };
  const isGone = feed.status === 404 || feed.status === 410;
  if (isGone || (feed.status >= 200 && feed.status < 300 && sniffFeedFormat(feed.text) === undefined && isHtml(feed))) {
    context.log.debug({ address: redactUrl(address), feedUrl: redactUrl(memory.feedUrl), status: feed.status }, 'the remembered feed is gone: reading the address afresh');
    feeds.delete(address);
    return undefined;
  }
  judgeStatus(feed, memory.feedUrl);
  return { posts: feedPosts(address, feed) };
};

/**
 * RSS 2.0, RSS 1.0 and Atom feeds of blogs and news sites. The handle is the feed URL, or the
 * site's URL when its home page names the feed in `<link rel="alternate">`. A feed is one page
 * (no `nextPage`), newest first; any charset the fetcher decodes.
 *
 * The feed an address leads to is remembered (in memory, up to 10,000 addresses), so a rescan
 * skips the home page and its redirects and asks the feed alone, conditionally (If-None-Match,
 * If-Modified-Since): a 304 means nothing new, an empty page marked `isUnchanged`. A remembered feed that is gone (404,
 * 410) or turned into a web page is forgotten and the address read afresh. An address not yet
 * remembered is asked conditionally only when its path names a feed (`.xml`, `.rss`, `.atom`,
 * `/feed/`): a home page's 304 would only say the page is unchanged, not its feed.
 */
export const rssAdapter: PlatformAdapter = {
  platform: 'rss',
  route: 'http',
  defaultBaseUrl: '',

  async fetchPage(request, context: AdapterContext): Promise<FeedPage> {
    const address = siteAddress(request.account.handle, request.baseUrl, 'rss');
    const memory = feeds.get(address.href);
    if (memory !== undefined) {
      const page = await readRemembered(address.href, memory, request.cursor, context);
      if (page !== undefined) return page;
    }

    const namesFeed = FEED_PATH.test(address.pathname);
    const first = await readFeed(address, context, namesFeed ? conditionsFor(undefined, request.cursor) : {});
    if (first.status === 304 && namesFeed) {
      feeds.set(address.href, { feedUrl: first.url });
      return { posts: [], isUnchanged: true };
    }
    judgeStatus(first, address.href);
    if (sniffFeedFormat(first.text) !== undefined) return { posts: feedPosts(address.href, first) };

    // Not a feed and not a page: let the parser say what is wrong with it.
    if (!isHtml(first)) return { posts: parseFeed(first.text, first.url, 'rss') };
    const feedUrl = discoverFeedUrl(first.text, first.url);
    if (feedUrl === undefined) {
      if (isLoginPage(first.text)) throw new PlatformBlockedError('rss', `${redactUrl(first.url)} shows a login form instead of a feed`);
      throw new PermanentError(
        `rss: ${redactUrl(first.url)} is a web page that names no RSS or Atom feed (no <link rel="alternate">); give the feed's own URL as the handle`,
      );
    }
    const feed = await readFeed(feedUrl, context, conditionsFor(undefined, request.cursor));
    if (feed.status === 304) {
      feeds.set(address.href, { feedUrl: feed.url });
      return { posts: [], isUnchanged: true };
    }
    judgeStatus(feed, feedUrl);
    return { posts: feedPosts(address.href, feed) };
  },
};
