import type { Page } from 'puppeteer-core';
import type { ObservedProfile } from '../core/coverage.js';
import type { Logger } from '../core/logger.js';

/**
 * The one interface every platform implements (STYLE.md: crawler kinds fill in hooks; retries,
 * politeness, the address guard and the browser's life live in the crawler core, not here).
 * An adapter reads one page of an account's feed, newest first; `collectPosts` drives the paging,
 * the cursor and the limits.
 */

/** Every platform overshare collects from; `generic` is the CSS-selector browser adapter. */
export const PLATFORM_NAMES = [
  'telegram',
  'mastodon',
  'bluesky',
  'rss',
  'wordpress',
  'vk',
  'youtube',
  'threads',
  'facebook',
  'generic',
] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** CSS selectors that tell the generic browser adapter where the posts are on a page. */
export interface GenericSelectors {
  /** One element per post. */
  post: string;
  /** Text of the post, inside `post`; the whole post element when unset. */
  text?: string;
  /** Element with the post's link (`href`), inside `post`; also its id when `id` is unset. */
  link?: string;
  /** Attribute of `post` holding a stable id (`data-id`); else the link, else a hash of the text. */
  idAttribute?: string;
  /** Element with `datetime` (or text) of the post's time, inside `post`. */
  time?: string;
  /** Images of the post, inside `post` (`src`, `srcset` or `background-image`). */
  image?: string;
  /** Link to the next (older) page, anywhere on the page. */
  nextPage?: string;
  /** Elements whose presence means a login wall (`form[action*=login]`). */
  loginWall?: string;
}

/** A cookie the organisation supplies for one account it owns (logged-in collection, generic adapter only). */
export interface SessionCookie {
  name: string;
  value: string;
  domain: string;
  path?: string;
}

/** What the crawler needs to know about a registered account. */
export interface AccountRef {
  platform: PlatformName;
  /**
   * The account on its platform: a Telegram channel name, `user` or `user@instance` on Mastodon,
   * a Bluesky handle or DID, a feed or blog URL for rss/wordpress, a page name or URL elsewhere.
   */
  handle: string;
  /** Base URL of the platform or instance; overrides CRAWL_BASE_URLS and the public default. */
  baseUrl?: string;
  /** Generic adapter only: where the posts are. */
  selectors?: GenericSelectors;
  /** Generic adapter only: the organisation's own session for an account it owns. */
  session?: { cookies: SessionCookie[] };
}

/** A picture or video attached to a post. URLs are untrusted: fetch them with `fetchMedia`. */
export interface CollectedMedia {
  url: string;
  kind: 'image' | 'video';
  /** Alt text, when the platform gives one. */
  alt?: string;
}

/** One public post, as every later stage sees it. */
export interface CollectedPost {
  platform: PlatformName;
  /** The platform's own id, stable across scans (the key for idempotence). */
  externalId: string;
  /** Public URL of the post. */
  permalink: string;
  /** Who posted it (handle or display name); for a repost, the account that reposted. */
  author: string;
  /** ISO 8601, UTC. For a repost, when it was reposted (its place in the feed). */
  publishedAt: string;
  /** Plain text: markup removed, entities decoded, line breaks kept. */
  text: string;
  /** True for a repost/boost/share of someone else's post. */
  isRepost: boolean;
  media: CollectedMedia[];
}

/** One page of a feed, newest first, and the token of the next (older) page if there is one. */
export interface FeedPage {
  posts: CollectedPost[];
  nextPage?: string;
  /**
   * True only on a last page (no `nextPage`) known to hold the account's oldest posts: paging
   * reached the start of its history. Unset when the listing merely ends (a feed that lists only
   * its newest posts, a page without a link to older ones), so older posts may exist unlisted.
   */
  isHistoryEnd?: boolean;
  /**
   * The account's profile as this page shows it (display name, avatar URL), where the platform
   * exposes one; set on the newest page at least. Takeover signals compare it between scans.
   */
  profile?: ObservedProfile;
  /**
   * True when the server answered that nothing changed since the cursor (an HTTP 304 to a
   * conditional request): an empty page that means "nothing new", not an empty feed.
   */
  isUnchanged?: boolean;
  /**
   * True when the page is a platform API's answer checked against its schema (JSON, not markup):
   * when it lists nothing, that is the platform's own word (nothing newer than the cursor asked
   * for, or no posts at all). A scraped page that lists nothing may instead be one whose markup
   * changed, an interstitial or a fallback that ignores the cursor, so where posts were expected
   * collectPosts reports it as an empty feed.
   */
  isStructured?: boolean;
}

/** An HTTP answer whose body was read in full (within CRAWL_MAX_PAGE_BYTES) and decoded. */
export interface TextResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Body decoded from its declared or sniffed charset (windows-1251, ISO-8859-2, UTF-8, …). */
  text: string;
}

/** Options of one page request. */
export interface TextRequestOptions {
  /** Accept header; default `text/html,application/xhtml+xml,application/xml;q=0.9,*\/*;q=0.8`. */
  accept?: string;
  headers?: Record<string, string>;
}

/**
 * Guarded, polite HTTP for adapters. Every request passes the address guard (on every redirect),
 * waits its turn under the platform's rate limit, and is retried with backoff on 429, 5xx and
 * network errors (honouring Retry-After and X-RateLimit-Reset); when retries run out it throws a
 * TransientError. Any other status (200, 3xx with no Location, 401, 403, 404, …) is returned for
 * the adapter to judge. A refused address throws PermanentError; an oversized body PermanentError.
 */
export interface PageFetcher {
  getText(url: string | URL, options?: TextRequestOptions): Promise<TextResponse>;
}

/** Runs `work` on a fresh tab of the pooled browser; every request the tab makes passes the guard. */
export interface BrowserTabs {
  withPage<T>(work: (page: Page) => Promise<T>): Promise<T>;
  /** Milliseconds a page load may take (CRAWL_NAVIGATION_TIMEOUT_MS). */
  readonly navigationTimeoutMs: number;
  /** Bytes of rendered HTML an adapter may pull out of a tab (CRAWL_MAX_PAGE_BYTES); `readPageHtml` enforces it. */
  readonly maxPageBytes: number;
}

/** What an adapter may use while reading a page. */
export interface AdapterContext {
  http: PageFetcher;
  /** Present for browser adapters; throws a clear ConfigError when no Chrome/Chromium is found. */
  browser: BrowserTabs;
  log: Logger;
  signal: AbortSignal;
}

/** Where the last scan of an account stopped: its newest post. Stored with the account. */
export interface AccountCursor {
  externalId: string;
  /** ISO 8601 UTC. */
  publishedAt: string;
}

/** What the adapter is asked for: one page of one account. */
export interface PageRequest {
  account: AccountRef;
  /** The account's base URL, resolved (account → CRAWL_BASE_URLS → adapter default), no trailing slash. */
  baseUrl: string;
  /** Undefined for the newest page; else a token this adapter returned as `nextPage`. */
  pageToken: string | undefined;
  /**
   * The newest post the last scan saw, when there was one. An adapter may use it to make a
   * rescan cheap — ask the server only for newer posts (Mastodon `since_id`, Telegram `?after=`,
   * WordPress `after=`) or send `If-Modified-Since` for a feed. It need not: `collectPosts`
   * drops old posts and stops paging by itself.
   */
  cursor?: AccountCursor;
}

/** One platform. Throw PlatformBlockedError for login walls, captchas and block pages; NotFoundError for a missing account. */
export interface PlatformAdapter {
  readonly platform: PlatformName;
  /** `http` when the public page or API needs no JavaScript; `browser` when it does. */
  readonly route: 'http' | 'browser';
  /** Public base URL, used unless the account or CRAWL_BASE_URLS names another. */
  readonly defaultBaseUrl: string;
  fetchPage(request: PageRequest, context: AdapterContext): Promise<FeedPage>;
}
