import { z } from 'zod';
import { redactUrl } from '../../../core/config.js';
import type { ObservedProfile } from '../../../core/coverage.js';
import { NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { AccountCursor, AdapterContext, CollectedPost, FeedPage, PageRequest, PlatformAdapter, TextResponse } from '../../platform-adapter.js';
import { BoundedMap } from '../../bounded-map.js';
import { parseFeed, sniffFeedFormat } from '../rss/parse-feed.js';
import { readFeed } from '../rss/read-feed.js';
import { newestFirst } from '../newest-first.js';
import { readablePosts, type UnreadablePost } from '../readable-posts.js';
import { mastodonExternalId, mastodonStatusIdOf } from './mastodon-external-id.js';
import { mastodonStatusSchema, mastodonStatusToPost, type MastodonStatus } from './mastodon-status-to-post.js';
import { resolveMastodonAccount, type MastodonAccountAddress } from './resolve-mastodon-account.js';

/**
 * Mastodon and compatible servers through the public REST API: look the account up, then list its
 * statuses (40 a page, replies left out, boosts kept), following the `Link: rel="next"` header.
 * Where the server demands a login for its API (authorized-fetch or limited mode: HTTP 401/403),
 * the profile's public RSS feed `/@user.rss` is read instead: its newest 20 posts, boosts left out
 * by the server, no further pages.
 *
 * A rescan costs one request when nothing is new: the account id found by the lookup is kept in
 * memory (an account's id never changes on its server), and the statuses are asked `since_id` the
 * cursor's status, so an unchanged account answers `[]`.
 *
 * Ids are `host/statusId` (see mastodonExternalId): status ids are each server's own.
 */

const PAGE_SIZE = 40;
/** Account ids kept in memory, one per (server, account); about 200 bytes each. */
const MAX_CACHED_ACCOUNTS = 10_000;
const JSON_ACCEPT = 'application/json';

const accountSchema = z.object({
  id: z.string().min(1),
  acct: z.string(),
  username: z.string(),
  display_name: z.string().nullish(),
  avatar: z.string().nullish(),
});
// The page token: the server's own next-page URL.
const tokenSchema = z.object({ route: z.literal('api'), next: z.string() });

const isLoginDemanded = (status: number): boolean => status === 401 || status === 403;

/** The display name and avatar of an Account entity (lookup, or a status's own account); undefined when it shows neither. */
function mastodonProfile(account: { display_name?: string | null; avatar?: string | null }, pageUrl: string): ObservedProfile | undefined {
  const profile: ObservedProfile = {};
  const name = account.display_name?.trim() ?? '';
  if (name !== '') profile.displayName = name;
  const avatar = account.avatar?.trim() ?? '';
  if (avatar !== '' && URL.canParse(avatar, pageUrl)) profile.avatarUrl = new URL(avatar, pageUrl).href;
  return profile.displayName === undefined && profile.avatarUrl === undefined ? undefined : profile;
}

/** The body of a JSON answer validated by `schema`; PermanentError naming the URL otherwise, never a TypeError. */
const readJson = <T>(response: TextResponse, schema: z.ZodType<T>, what: string): T => {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch (error) {
    throw new PermanentError(`mastodon: ${redactUrl(response.url)} answered ${what} that is not valid JSON; the server may not be Mastodon-compatible`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new PermanentError(`mastodon: ${redactUrl(response.url)} answered ${what} in an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'})`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
};

const unexpectedStatus = (response: TextResponse): PermanentError =>
  new PermanentError(`mastodon: ${redactUrl(response.url)} answered HTTP ${response.status}; check the account's handle and base URL`);

/** The rel="next" URL of a Link header; undefined when there is none. */
export function nextLinkUrl(header: string | undefined): string | undefined {
  for (const match of (header ?? '').matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/gu)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/iu.exec(match[2] ?? '')?.[1];
    if (rel?.toLowerCase().split(/\s+/u).includes('next') === true) return match[1];
  }
  return undefined;
}

/** `url` when it is on the server's own origin; a Link or token pointing elsewhere is refused. */
const sameOrigin = (url: string, base: string, baseUrl: string): string => {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch (error) {
    throw new PermanentError('mastodon: the next-page link of the Link header is not a URL; the server may not be Mastodon-compatible', { cause: error });
  }
  if (parsed.origin !== new URL(baseUrl).origin) {
    throw new PermanentError(`mastodon: the next-page link points to ${parsed.origin}, not to ${new URL(baseUrl).origin}; refusing to follow it`);
  }
  return parsed.href;
};

const readToken = (token: string): z.infer<typeof tokenSchema> => {
  try {
    return tokenSchema.parse(JSON.parse(token));
  } catch (error) {
    throw new PermanentError('mastodon: the page token is not one this adapter wrote; start the scan again from the newest page', { cause: error });
  }
};

/** The profile's RSS feed, for servers that refuse anonymous API calls; `olderThan` keeps only statuses below that id. */
const readProfileFeed = async (address: MastodonAccountAddress, context: AdapterContext, apiStatus: number, olderThan?: string): Promise<FeedPage> => {
  const feedUrl = `${address.baseUrl}/@${address.username}.rss`;
  const response = await readFeed(feedUrl, context);
  if (response.status < 200 || response.status >= 300 || sniffFeedFormat(response.text) === undefined) {
    throw new PlatformBlockedError(
      'mastodon',
      `${redactUrl(address.baseUrl)} requires a login for its API (HTTP ${apiStatus}) and its RSS feed ${redactUrl(feedUrl)} answered ${response.status < 300 ? 'with no feed' : `HTTP ${response.status}`}`,
    );
  }
  const isOlder = (id: string | undefined): boolean =>
    olderThan === undefined || id === undefined || !/^\d+$/u.test(id) || !/^\d+$/u.test(olderThan) || BigInt(id) < BigInt(olderThan);
  const posts: CollectedPost[] = [];
  for (const post of parseFeed(response.text, response.url, 'mastodon')) {
    // The feed's guid is the status URL, which ends in the status id: the same id the API gives.
    const statusId = /\/([A-Za-z0-9]+)\/?$/u.exec(new URL(post.permalink).pathname)?.[1];
    if (!isOlder(statusId)) continue;
    posts.push({ ...post, externalId: statusId === undefined ? post.externalId : mastodonExternalId(address.baseUrl, statusId), author: address.acct });
  }
  return { posts };
};

/** Account ids by `baseUrl acct`, with the server's own spelling of the acct. */
const accountIds = new BoundedMap<string, { id: string; acct: string }>(MAX_CACHED_ACCOUNTS);

const statusesPage = async (url: string, address: MastodonAccountAddress, context: AdapterContext): Promise<FeedPage> =>
  readStatuses(await context.http.getText(url, { accept: JSON_ACCEPT }), url, address, context);

/** The first page of an account's statuses, asked `since_id` the cursor's status on a rescan. */
const firstStatusesUrl = (baseUrl: string, accountId: string, cursor: AccountCursor | undefined): string => {
  const url = new URL(`${baseUrl}/api/v1/accounts/${encodeURIComponent(accountId)}/statuses`);
  url.searchParams.set('limit', String(PAGE_SIZE));
  url.searchParams.set('exclude_replies', 'true');
  // A rescan asks only for what is newer than the last scan's newest status, when that was read from this server.
  const sinceId = cursor === undefined ? undefined : mastodonStatusIdOf(cursor.externalId, baseUrl);
  if (sinceId !== undefined) url.searchParams.set('since_id', sinceId);
  return url.href;
};

const readStatuses = async (response: TextResponse, url: string, address: MastodonAccountAddress, context: AdapterContext): Promise<FeedPage> => {
  if (isLoginDemanded(response.status)) {
    // A server that turned the API off mid-scan: the feed's statuses below this page's max_id.
    const maxId = new URL(url).searchParams.get('max_id') ?? undefined;
    return readProfileFeed(address, context, response.status, maxId);
  }
  if (response.status === 404 || response.status === 410) throw new NotFoundError('mastodon account', address.acct);
  if (response.status < 200 || response.status >= 300) throw unexpectedStatus(response);
  const items = readJson(response, z.array(z.unknown()), 'a status list');
  const statuses: MastodonStatus[] = [];
  const unreadable: UnreadablePost[] = [];
  for (const item of items) {
    const parsed = mastodonStatusSchema.safeParse(item);
    if (parsed.success) {
      statuses.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    const id = z.object({ id: z.string().min(1) }).safeParse(item);
    unreadable.push({
      ...(id.success ? { externalId: mastodonExternalId(address.baseUrl, id.data.id) } : {}),
      reason: `unexpected status shape at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    });
  }
  const read = statuses.map((status) => mastodonStatusToPost(status, response.url, address.baseUrl));
  const posts = readablePosts({ posts: read, unreadable }, { platform: 'mastodon', where: response.url, log: context.log }).sort(newestFirst);
  const next = items.length === 0 ? undefined : nextLinkUrl(response.headers.link);
  // Every status carries its account (for a boost, the booster: this account), so a rescan learns
  // the profile without a lookup, whenever there is anything new.
  const newest = statuses[0];
  const profile = newest === undefined ? undefined : mastodonProfile(newest.account, response.url);
  const withProfile = profile === undefined ? {} : { profile };
  // The API pages to the account's first status (the profile feed fallback lists only the newest).
  if (next === undefined) return { posts, isHistoryEnd: true, isStructured: true, ...withProfile };
  const nextUrl = sameOrigin(next, response.url, address.baseUrl);
  return { posts, nextPage: JSON.stringify({ route: 'api', next: nextUrl } satisfies z.infer<typeof tokenSchema>), isStructured: true, ...withProfile };
};

/** Mastodon, Pleroma, Akkoma, GoToSocial and other servers with Mastodon's REST API; RSS where the API wants a login. */
export const mastodonAdapter: PlatformAdapter = {
  platform: 'mastodon',
  route: 'http',
  defaultBaseUrl: 'https://mastodon.social',

  async fetchPage(request: PageRequest, context): Promise<FeedPage> {
    const address = resolveMastodonAccount(request.account.handle, request.baseUrl, request.account.baseUrl !== undefined);
    if (request.pageToken !== undefined) {
      const token = readToken(request.pageToken);
      return statusesPage(sameOrigin(token.next, address.baseUrl, address.baseUrl), address, context);
    }

    const cacheKey = `${address.baseUrl} ${address.acct.toLowerCase()}`;
    const cached = accountIds.get(cacheKey);
    if (cached !== undefined) {
      const url = firstStatusesUrl(address.baseUrl, cached.id, request.cursor);
      const response = await context.http.getText(url, { accept: JSON_ACCEPT });
      // Gone under that id (deleted, or moved and re-created): forget the id and look the account up again.
      if (response.status !== 404 && response.status !== 410) return readStatuses(response, url, { ...address, acct: cached.acct }, context);
      accountIds.delete(cacheKey);
    }

    const lookupUrl = new URL(`${address.baseUrl}/api/v1/accounts/lookup`);
    lookupUrl.searchParams.set('acct', address.acct);
    const lookup = await context.http.getText(lookupUrl, { accept: JSON_ACCEPT });
    if (isLoginDemanded(lookup.status)) return readProfileFeed(address, context, lookup.status);
    if (lookup.status === 404 || lookup.status === 410) throw new NotFoundError('mastodon account', address.acct);
    if (lookup.status < 200 || lookup.status >= 300) throw unexpectedStatus(lookup);
    const account = readJson(lookup, accountSchema, 'an account');
    accountIds.set(cacheKey, { id: account.id, acct: account.acct });
    const page = await statusesPage(firstStatusesUrl(address.baseUrl, account.id, request.cursor), { ...address, acct: account.acct }, context);
    // The lookup shows the profile even when nothing is new.
    const profile = mastodonProfile(account, lookup.url);
    return profile === undefined ? page : { ...page, profile };
  },
};
