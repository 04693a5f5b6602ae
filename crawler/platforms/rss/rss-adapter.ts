import { loadHtml } from '../../load-html.js';
import { NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { AdapterContext, PlatformAdapter, TextResponse } from '../../platform-adapter.js';
import { discoverFeedUrl } from './discover-feed-url.js';
import { parseFeed, sniffFeedFormat } from './parse-feed.js';
import { readFeed } from './read-feed.js';
import { siteAddress } from './site-address.js';

/** Throws the error an unusable answer calls for: NotFoundError, PlatformBlockedError or PermanentError. */
const judgeStatus = (response: TextResponse, asked: string): void => {
  if (response.status >= 200 && response.status < 300) return;
  if (response.status === 404 || response.status === 410) throw new NotFoundError('rss feed', asked);
  if (response.status === 401 || response.status === 403 || response.status === 451) {
    throw new PlatformBlockedError('rss', `${response.url} answered HTTP ${response.status}: the site refuses anonymous readers (login wall or bot check)`);
  }
  throw new PermanentError(`rss: ${response.url} answered HTTP ${response.status}; check the feed address`);
};

/** True when an HTML page (not a feed) asks for a password: a login wall rather than a blog. */
const isLoginPage = (html: string): boolean => loadHtml(html)('input[type="password" i]').length > 0;

/**
 * RSS 2.0, RSS 1.0 and Atom feeds of blogs and news sites. The handle is the feed URL, or the
 * site's URL when its home page names the feed in `<link rel="alternate">`. A feed is one page
 * (no `nextPage`), newest first; any charset the fetcher decodes.
 */
export const rssAdapter: PlatformAdapter = {
  platform: 'rss',
  route: 'http',
  defaultBaseUrl: '',

  async fetchPage(request, context: AdapterContext) {
    const address = siteAddress(request.account.handle, request.baseUrl, 'rss');
    const first = await readFeed(address, context);
    judgeStatus(first, address.href);
    if (sniffFeedFormat(first.text) !== undefined) return { posts: parseFeed(first.text, first.url, 'rss') };

    const isHtml = /html/iu.test(first.headers['content-type'] ?? '') || /^\s*(?:<!doctype html|<html)/iu.test(first.text);
    // Not a feed and not a page: let the parser say what is wrong with it.
    if (!isHtml) return { posts: parseFeed(first.text, first.url, 'rss') };
    const feedUrl = discoverFeedUrl(first.text, first.url);
    if (feedUrl === undefined) {
      if (isLoginPage(first.text)) throw new PlatformBlockedError('rss', `${first.url} shows a login form instead of a feed`);
      throw new PermanentError(
        `rss: ${first.url} is a web page that names no RSS or Atom feed (no <link rel="alternate">); give the feed's own URL as the handle`,
      );
    }
    const feed = await readFeed(feedUrl, context);
    judgeStatus(feed, feedUrl);
    return { posts: parseFeed(feed.text, feed.url, 'rss') };
  },
};
