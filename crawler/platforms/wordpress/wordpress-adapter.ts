import { z } from 'zod';
import { redactUrl } from '../../../core/config.js';
import { NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { AccountCursor, AdapterContext, FeedPage, PageRequest, PlatformAdapter, TextResponse } from '../../platform-adapter.js';
import { BoundedMap } from '../../bounded-map.js';
import { parseFeed, sniffFeedFormat } from '../rss/parse-feed.js';
import { readFeed } from '../rss/read-feed.js';
import { siteAddress } from '../rss/site-address.js';
import { newestFirst } from '../newest-first.js';
import { readablePosts, type UnreadablePost } from '../readable-posts.js';
import { wordpressPostId, wordpressPostSchema, wordpressPostToCollected, type WordpressPost } from './wordpress-post-to-collected.js';

/**
 * WordPress sites through the REST API, `/wp-json/wp/v2/posts` (or `/?rest_route=/wp/v2/posts`
 * where pretty permalinks are off), 20 posts a page with their featured media embedded. Where the
 * REST API is turned off for anonymous readers (HTTP 401/403), the site's RSS feed `/feed/` is read
 * instead, a page at a time with `?paged=N`.
 *
 * A rescan asks the REST API only for posts published `after` the cursor, so a site with nothing
 * new answers with a post or two. WordPress compares `after` (exclusive) with `post_date`, the
 * post's time in the site's own time zone; since 5.3 it converts a time with a zone to that zone
 * first, before 5.3 it compared the UTC digits with the local time. So `after` is sent as a local
 * time without zone, which every version reads alike, computed with the site's UTC offset (learned
 * from `date` against `date_gmt` of the posts it last answered) and two hours early, for a
 * daylight-saving change since and for the hour that repeats when clocks go back. While the offset
 * is unknown it is sent 14 hours early, early enough in any zone (UTC−12 and a daylight-saving
 * hour). `collectPosts` drops the posts at or before the cursor that this lets through.
 */

const PAGE_SIZE = 20;
/** Site UTC offsets kept in memory, one per site. */
const MAX_CACHED_SITES = 10_000;
const HOUR_MS = 3_600_000;
const AFTER_MARGIN_MS = 2 * HOUR_MS;
const AFTER_MARGIN_UNKNOWN_OFFSET_MS = 14 * HOUR_MS;

/** Each site's UTC offset in milliseconds (local time − UTC), as its posts last showed it. */
const siteOffsets = new BoundedMap<string, number>(MAX_CACHED_SITES);

const tokenSchema = z.object({
  route: z.enum(['rest', 'rest-query', 'feed', 'feed-query']),
  page: z.number().int().min(2),
  /** The REST `after` filter of a rescan, kept on every page. */
  after: z.string().optional(),
  /** Items on the feed's first page: a shorter page is the last one. */
  feedPageSize: z.number().int().min(1).optional(),
});
type Token = z.infer<typeof tokenSchema>;

const restErrorSchema = z.object({ code: z.string() });

const isSuccess = (response: TextResponse): boolean => response.status >= 200 && response.status < 300;
const isJson = (response: TextResponse): boolean =>
  /json/iu.test(response.headers['content-type'] ?? '') || /^\s*[[{]/u.test(response.text);
const isRefused = (response: TextResponse): boolean => response.status === 401 || response.status === 403;

const restUrl = (site: string, route: 'rest' | 'rest-query', page: number, after: string | undefined): URL => {
  const url = route === 'rest' ? new URL(`${site}/wp-json/wp/v2/posts`) : new URL(`${site}/`);
  if (route === 'rest-query') url.searchParams.set('rest_route', '/wp/v2/posts');
  url.searchParams.set('per_page', String(PAGE_SIZE));
  url.searchParams.set('page', String(page));
  if (after !== undefined) url.searchParams.set('after', after);
  url.searchParams.set('_embed', 'author,wp:featuredmedia');
  return url;
};

/** The REST `after` value for a rescan from `cursor`: a local time of the site, early enough never to skip a post. */
const afterFilter = (site: string, cursor: AccountCursor | undefined): string | undefined => {
  const cursorMs = cursor === undefined ? Number.NaN : Date.parse(cursor.publishedAt);
  if (Number.isNaN(cursorMs)) return undefined;
  const offsetMs = siteOffsets.get(site);
  const localMs = offsetMs === undefined ? cursorMs - AFTER_MARGIN_UNKNOWN_OFFSET_MS : cursorMs + offsetMs - AFTER_MARGIN_MS;
  // `YYYY-MM-DDTHH:MM:SS` without a zone: WordPress reads it as the site's local time, in every version.
  return new Date(localMs).toISOString().slice(0, 19);
};

/** Remembers the site's UTC offset from a post that carries both its local and its GMT time. */
const learnOffset = (site: string, post: WordpressPost | undefined): void => {
  const localMs = Date.parse(`${post?.date ?? ''}Z`);
  const gmtMs = Date.parse(`${post?.date_gmt ?? ''}Z`);
  if (!Number.isNaN(localMs) && !Number.isNaN(gmtMs)) siteOffsets.set(site, localMs - gmtMs);
};

const feedUrl = (site: string, route: 'feed' | 'feed-query', page: number): URL => {
  const url = route === 'feed' ? new URL(`${site}/feed/`) : new URL(`${site}/`);
  if (route === 'feed-query') url.searchParams.set('feed', 'rss2');
  if (page > 1) url.searchParams.set('paged', String(page));
  return url;
};

const tokenFor = (token: Token): string => JSON.stringify(token);

const readToken = (token: string): Token => {
  try {
    return tokenSchema.parse(JSON.parse(token));
  } catch (error) {
    throw new PermanentError('wordpress: the page token is not one this adapter wrote; start the scan again from the newest page', { cause: error });
  }
};

/** Where one REST page was asked: the site, the route and page, and a rescan's `after` filter. */
interface RestRequest {
  site: string;
  route: 'rest' | 'rest-query';
  page: number;
  after: string | undefined;
}

/**
 * The posts of a REST answer, and the token of the page after it when there is one. A post of an
 * unexpected shape is skipped with a warning; an answer that is not a list, or whose posts are all
 * unreadable, is a PermanentError.
 */
const restPage = (response: TextResponse, request: RestRequest, context: AdapterContext): FeedPage => {
  const { site, route, page, after } = request;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch (error) {
    throw new PermanentError(`wordpress: ${redactUrl(response.url)} answered a post list that is not valid JSON; check that ${site} is a WordPress site`, {
      cause: error,
    });
  }
  if (!Array.isArray(body)) {
    throw new PermanentError(`wordpress: ${redactUrl(response.url)} answered something other than a list of posts; check that ${site} is a WordPress site`);
  }
  const items: unknown[] = body;
  const read: WordpressPost[] = [];
  const unreadable: UnreadablePost[] = [];
  for (const item of items) {
    const parsed = wordpressPostSchema.safeParse(item);
    if (parsed.success) {
      read.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    const id = wordpressPostSchema.shape.id.safeParse(isRecord(item) ? item.id : undefined);
    unreadable.push({
      ...(id.success ? { externalId: wordpressPostId(site, id.data) } : {}),
      reason: `unexpected post shape at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    });
  }
  learnOffset(site, read[0]);
  const host = new URL(site).host;
  const converted = read.map((post) => wordpressPostToCollected(post, site, host));
  const posts = readablePosts({ posts: converted, unreadable }, { platform: 'wordpress', where: response.url, log: context.log }).sort(newestFirst);
  const totalPages = Number.parseInt(response.headers['x-wp-totalpages'] ?? '', 10);
  const hasMore = Number.isNaN(totalPages) ? items.length >= PAGE_SIZE : page < totalPages;
  return hasMore && items.length > 0
    ? { posts, nextPage: tokenFor({ route, page: page + 1, ...(after === undefined ? {} : { after }) }), isStructured: true }
    : { posts, isHistoryEnd: true, isStructured: true };
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One page of the site's RSS feed; ids are the post ids in the guids (`?p=123`) as `wordpressPostId` makes them, as the REST API gives them. */
const feedPage = (response: TextResponse, site: string, route: 'feed' | 'feed-query', page: number, firstPageSize: number | undefined): FeedPage => {
  const posts = parseFeed(response.text, response.url, 'wordpress').map((post) => {
    const postId = /[?&]p=(\d+)/u.exec(post.externalId)?.[1];
    return { ...post, externalId: postId === undefined ? post.externalId : wordpressPostId(site, postId) };
  });
  const pageSize = firstPageSize ?? posts.length;
  const hasMore = posts.length > 0 && posts.length >= pageSize;
  return hasMore ? { posts, nextPage: tokenFor({ route, page: page + 1, feedPageSize: pageSize }) } : { posts };
};

const blocked = (site: string, feed: TextResponse): PlatformBlockedError =>
  new PlatformBlockedError('wordpress', `${site} refuses anonymous readers: its REST API is closed and its feed ${redactUrl(feed.url)} answered HTTP ${feed.status}`);

const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The first page of the feed, for a site whose REST API is off: `/feed/`, else `/?feed=rss2`. */
const firstFeedPage = async (site: string, context: AdapterContext): Promise<FeedPage> => {
  for (const route of ['feed', 'feed-query'] as const) {
    const response = await readFeed(feedUrl(site, route, 1), context);
    if (isRefused(response)) throw blocked(site, response);
    if (response.status === 404 || response.status === 410) continue;
    if (!isSuccess(response)) throw new PermanentError(`wordpress: ${redactUrl(response.url)} answered HTTP ${response.status}; check the site address`);
    // /feed/ on a site without pretty permalinks may be the home page: try the query form.
    if (sniffFeedFormat(response.text) === undefined) continue;
    return feedPage(response, site, route, 1, undefined);
  }
  throw new NotFoundError('wordpress site', site, {
    cause: new PermanentError(`wordpress: ${site} answers neither the WordPress REST API nor a WordPress feed; check the site address`),
  });
};

const laterPage = async (site: string, token: Token, context: AdapterContext): Promise<FeedPage> => {
  if (token.route === 'feed' || token.route === 'feed-query') {
    const response = await readFeed(feedUrl(site, token.route, token.page), context);
    // WordPress answers a page past the last with 404.
    if (response.status === 404) return { posts: [] };
    if (isRefused(response)) throw blocked(site, response);
    if (!isSuccess(response)) throw new PermanentError(`wordpress: ${redactUrl(response.url)} answered HTTP ${response.status}`);
    return feedPage(response, site, token.route, token.page, token.feedPageSize);
  }
  const response = await context.http.getText(restUrl(site, token.route, token.page, token.after), { accept: 'application/json' });
  if (response.status === 400 && isJson(response)) {
    const code = restErrorSchema.safeParse(jsonOrUndefined(response.text));
    // The post count shrank since the last page: past the end is the end.
    if (code.success && code.data.code === 'rest_post_invalid_page_number') return { posts: [], isHistoryEnd: true, isStructured: true };
  }
  if (isRefused(response)) {
    throw new PlatformBlockedError('wordpress', `${site} stopped answering its REST API to anonymous readers mid-scan (HTTP ${response.status}); the next scan reads its feed`);
  }
  if (!isSuccess(response)) throw new PermanentError(`wordpress: ${redactUrl(response.url)} answered HTTP ${response.status}`);
  return restPage(response, { site, route: token.route, page: token.page, after: token.after }, context);
};

/** The site's root URL without a trailing slash, query or fragment. */
const siteRoot = (request: PageRequest): string => {
  const url = siteAddress(request.account.handle, request.baseUrl, 'wordpress');
  return `${url.origin}${url.pathname.replace(/\/+$/u, '')}`;
};

/** WordPress sites by their REST API; their RSS feed where the API is closed to anonymous readers. */
export const wordpressAdapter: PlatformAdapter = {
  platform: 'wordpress',
  route: 'http',
  defaultBaseUrl: '',

  async fetchPage(request, context): Promise<FeedPage> {
    const site = siteRoot(request);
    if (request.pageToken !== undefined) return laterPage(site, readToken(request.pageToken), context);

    const after = afterFilter(site, request.cursor);
    for (const route of ['rest', 'rest-query'] as const) {
      const response = await context.http.getText(restUrl(site, route, 1, after), { accept: 'application/json' });
      if (isSuccess(response) && isJson(response)) return restPage(response, { site, route, page: 1, after }, context);
      if (isRefused(response)) break;
      // /wp-json/ 404s where pretty permalinks are off: ask by query. A 404 there too means no WordPress here.
      if (response.status === 404 || response.status === 410) {
        if (route === 'rest-query') throw new NotFoundError('wordpress site', site);
        continue;
      }
      // A page that is not JSON (a plugin's notice, a theme's page) means no REST API to read: the feed.
      if (isSuccess(response)) break;
      throw new PermanentError(`wordpress: ${redactUrl(response.url)} answered HTTP ${response.status}; check the site address`);
    }
    return firstFeedPage(site, context);
  },
};
