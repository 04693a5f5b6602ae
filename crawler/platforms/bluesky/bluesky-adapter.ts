import { z } from 'zod';
import { redactUrl } from '../../../core/config.js';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { FeedPage, PageRequest, PlatformAdapter, TextResponse } from '../../platform-adapter.js';
import { readablePosts } from '../readable-posts.js';
import { readAuthorFeed } from './read-author-feed.js';

/**
 * Bluesky accounts through the public AppView's XRPC API (no login):
 * `GET /xrpc/app.bsky.feed.getAuthorFeed?actor=…&limit=100&filter=posts_with_replies&cursor=…`.
 *
 * The filter is `posts_with_replies` (the API's default, sent explicitly): an employee's reply
 * under someone else's thread is as public as a top-level post and leaks just as well, so
 * `posts_no_replies` would hide exactly the offhand remarks a compliance scan is for. Pinned
 * posts are not asked for (`includePins` unset) and skipped if an AppView sends them anyway.
 */

/** Posts per request: the API's maximum, so a backfill costs the fewest requests under the AppView's per-IP rate limit. */
export const BLUESKY_PAGE_SIZE = 100;
/**
 * Posts asked for on a rescan's first page. getAuthorFeed has no "since" parameter, so a rescan
 * reads newest first like a first scan; a small first page keeps the answer for an account with
 * nothing new small (a tenth of a full page), and later pages ask for the full 100 again.
 */
export const BLUESKY_RESCAN_FIRST_PAGE_SIZE = 10;

const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/u;
// atproto handle syntax (dot-separated DNS labels, the last one starting with a letter), loosened to
// let `_` through: the AppView is the judge of what exists, this only keeps junk out of the URL.
const HANDLE = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/u;
const PROFILE_LINK = /^(?:https?:\/\/)?(?:www\.|staging\.)?bsky\.app\/profile\/([^/?#]+)/iu;
const AT_URI = /^at:\/\/([^/?#]+)/iu;

const xrpcError = z.object({ error: z.string(), message: z.string().optional() });

/**
 * The actor in `handle`: a DID as given, or a handle in lower case. Accepts `alice.bsky.social`,
 * `@alice.bsky.social`, `https://bsky.app/profile/alice.bsky.social[/post/…]`, `at://did:plc:…`
 * and a bare `alice`, read as `alice.bsky.social` (every handle has a dot; bsky.social is the
 * default host). Throws InputValidationError on the account's `handle` for anything that can be
 * neither a handle nor a DID.
 */
export function normalizeBlueskyActor(handle: string): string {
  let actor = handle.trim().replace(/^@/u, '');
  const link = PROFILE_LINK.exec(actor) ?? AT_URI.exec(actor);
  if (link !== null) actor = safeDecode(link[1] ?? '').replace(/^@/u, '');
  if (DID.test(actor)) return actor;
  actor = actor.toLowerCase();
  if (!actor.includes('.')) actor = `${actor}.bsky.social`;
  if (!HANDLE.test(actor) || actor.length > 253) {
    throw new InputValidationError('account', [
      { path: 'handle', message: `${JSON.stringify(handle)} is neither a Bluesky handle (alice.bsky.social) nor a DID (did:plc:…)` },
    ]);
  }
  return actor;
}

/** Bluesky accounts read from the public AppView's getAuthorFeed, 100 posts a page, replies and reposts included. */
export const blueskyAdapter: PlatformAdapter = {
  platform: 'bluesky',
  route: 'http',
  defaultBaseUrl: 'https://public.api.bsky.app',

  async fetchPage(request: PageRequest, context): Promise<FeedPage> {
    const actor = normalizeBlueskyActor(request.account.handle);
    const url = new URL(`${request.baseUrl}/xrpc/app.bsky.feed.getAuthorFeed`);
    url.searchParams.set('actor', actor);
    const isRescanStart = request.cursor !== undefined && request.pageToken === undefined;
    url.searchParams.set('limit', String(isRescanStart ? BLUESKY_RESCAN_FIRST_PAGE_SIZE : BLUESKY_PAGE_SIZE));
    url.searchParams.set('filter', 'posts_with_replies');
    if (request.pageToken !== undefined) url.searchParams.set('cursor', request.pageToken);
    const response = await context.http.getText(url, { accept: 'application/json' });
    const body = parseJson(response.text);
    if (response.status === 200) {
      if (body === undefined) {
        throw new PermanentError(`bluesky: the getAuthorFeed answer from ${redactUrl(response.url)} is not valid JSON (cut off or not an AppView); the scan will read it again next time`);
      }
      const { unreadable, ...page } = readAuthorFeed(body, response.url, request.pageToken);
      return { ...page, posts: readablePosts({ posts: page.posts, unreadable }, { platform: 'bluesky', where: response.url, log: context.log }) };
    }
    throw errorOf(response, body, actor, request.pageToken === undefined);
  },
};

function errorOf(response: TextResponse, body: unknown, actor: string, isFirstPage: boolean): Error {
  const parsed = xrpcError.safeParse(body);
  const code = parsed.success ? parsed.data.error : undefined;
  const said = parsed.success ? `${parsed.data.error}${parsed.data.message === undefined ? '' : `: ${parsed.data.message}`}` : `HTTP ${response.status}`;
  const cause = new PermanentError(`the AppView answered HTTP ${response.status} (${said}) for ${redactUrl(response.url)}`);
  switch (code) {
    // `!no-unauthenticated`: the owner shows the profile to logged-in users only, and overshare does not log in.
    case 'AuthMissing':
    case 'AuthRequired':
      return new PlatformBlockedError('bluesky', `${actor} shows posts to logged-in users only (the !no-unauthenticated setting); overshare does not log in to Bluesky`, { cause });
    case 'BlockedActor':
    case 'BlockedByActor':
      return new PlatformBlockedError('bluesky', `${actor} and the requester block each other; the AppView will not list the posts`, { cause });
    case 'AccountTakedown':
    case 'AccountDeactivated':
    case 'RepoTakendown':
    case 'RepoDeactivated':
    case 'RepoSuspended':
      return new NotFoundError('bluesky account', actor, { cause });
    case 'InvalidRequest':
      // The AppView answers an unknown actor with 400 InvalidRequest ("Profile not found"); on a later
      // page the account existed a moment ago, so the request itself (its cursor) is what was refused.
      if (isFirstPage) return new NotFoundError('bluesky account', actor, { cause });
      return new PermanentError(`bluesky: the AppView refused a later page of ${actor} (${said}); collect the account again from its newest posts`, { cause });
    default:
      break;
  }
  if (response.status === 401 || response.status === 403) {
    return new PlatformBlockedError('bluesky', `the AppView answered HTTP ${response.status} (${said}) for ${actor}`, { cause });
  }
  return new PermanentError(`bluesky: the AppView answered HTTP ${response.status} (${said}) for ${redactUrl(response.url)}; check that the base URL is a Bluesky AppView`, { cause });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
