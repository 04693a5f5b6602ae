import { loadHtml } from '../../load-html.js';
import type { Page } from 'puppeteer-core';
import { z } from 'zod';
import { redactUrl } from '../../../core/config.js';
import { InputValidationError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import { openFeedPage } from '../../browser/open-feed-page.js';
import { readPageHtml } from '../../browser/read-page-html.js';
import type { AdapterContext, FeedPage, PageRequest, PlatformAdapter } from '../../platform-adapter.js';
import { serverWaitMs } from '../../server-wait-ms.js';
import { readablePosts } from '../readable-posts.js';
import { readYoutubePosts, type YoutubeContinuation, type YoutubePosts } from './read-youtube-posts.js';

/**
 * YouTube channel posts (the "Posts", formerly "Community", tab), read in a browser tab. The page
 * is requested with `?hl=en` so relative times are English ("2 days ago"); the posts come from the
 * page's `ytInitialData` (as the page's own scripts left it, else parsed from its script text),
 * which is complete at DOMContentLoaded, so nothing waits for selectors. Older posts are fetched
 * the way YouTube's own page fetches them: POST {continuation} to /youtubei/v1/browse, from inside
 * the tab on the same origin, so the request takes the browser's guarded path. Each page, older
 * ones too, first loads the posts tab: the tab gives the origin, the InnerTube context and a fresh
 * check for consent and sign-in walls. Whatever leaves the tab (its HTML, `ytInitialData`, an
 * answer for older posts) is capped at BrowserTabs.maxPageBytes.
 */

// `UC` and 22 base64url characters.
const CHANNEL_ID = /^UC[\w-]{22}$/u;
const CHANNEL_NAME = /^[\w.\-\u00b7\u0080-\uffff]{1,100}$/u;
const CONSENT_HOSTS = /^consent\.(?:youtube|google)\.[a-z.]+$/u;
const SIGN_IN_HOSTS = /^accounts\.google\.[a-z.]+$/u;
// Shown by YouTube to visitors it suspects of being bots, instead of the page.
const SIGN_IN_WALL = /sign in to confirm (?:you['’]re|you are|that you['’]re) not a bot|sign in to confirm your age/iu;
const CONSENT_WALL = /before you continue to youtube|before you continue to google/iu;

const tokenSchema = z.object({ continuation: z.string().min(1), apiUrl: z.string().regex(/^\/(?!\/)[\w/.-]*(?:\?[^#\s]*)?$/u) });

/** YouTube channels (`@name`, a `UC…` channel id, or a youtube.com channel URL); `nextPage` is the JSON of YouTube's continuation. */
export const youtubeAdapter: PlatformAdapter = {
  platform: 'youtube',
  route: 'browser',
  defaultBaseUrl: 'https://www.youtube.com',

  async fetchPage(request: PageRequest, context): Promise<FeedPage> {
    context.signal.throwIfAborted();
    const channelPath = youtubeChannelPath(request.account.handle);
    const continuation = parseToken(request.pageToken);
    const url = `${request.baseUrl}${channelPath}/posts?hl=en`;
    const source = { baseUrl: request.baseUrl, handle: request.account.handle, now: new Date() };

    return context.browser.withPage(async (page) => {
      // 401/403 are judged below: a consent or sign-in wall names the reason better.
      const response = await openFeedPage(page, {
        platform: 'youtube',
        url,
        resource: 'youtube channel',
        id: request.account.handle,
        navigationTimeoutMs: context.browser.navigationTimeoutMs,
        maxPageBytes: context.browser.maxPageBytes,
        judgesRefusals: true,
      });
      const status = response.status();
      const html = await readPageHtml(page, context.browser.maxPageBytes, 'youtube');
      await throwIfWalled(page, html, channelPath);
      if (status === 401 || status === 403) throw new PlatformBlockedError('youtube', `YouTube refused ${channelPath} with HTTP ${status}`);

      const pageUrl = page.url();
      const data =
        continuation === undefined
          ? await readInitialData(page, html, context.browser.maxPageBytes)
          : await fetchContinuation(page, request.baseUrl, continuation, context.browser.maxPageBytes);
      return toFeedPage(readYoutubePosts(data, { ...source, pageUrl }), channelPath, context);
    });
  },
};

/** The channel's path on YouTube: `/@name`, `/channel/UC…`, `/c/name` or `/user/name`. */
export function youtubeChannelPath(handle: string): string {
  const value = handle.trim();
  if (/^https?:\/\//iu.test(value)) {
    if (!URL.canParse(value)) throw badHandle(handle);
    const segments = new URL(value).pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => safeDecode(segment, handle));
    const [first = '', second = ''] = segments;
    if (first.startsWith('@')) return channelPath(first.slice(1), handle, '/@');
    if ((first === 'channel' || first === 'c' || first === 'user') && second !== '') {
      if (first === 'channel' && !CHANNEL_ID.test(second)) throw badHandle(handle);
      return channelPath(second, handle, `/${first}/`);
    }
    throw badHandle(handle);
  }
  if (CHANNEL_ID.test(value)) return `/channel/${value}`;
  return channelPath(value.replace(/^@/u, ''), handle, '/@');
}

function channelPath(name: string, handle: string, prefix: string): string {
  if (!CHANNEL_NAME.test(name)) throw badHandle(handle);
  return `${prefix}${encodeURIComponent(name)}`;
}

function badHandle(handle: string): InputValidationError {
  return new InputValidationError('account', [
    { path: 'handle', message: `${JSON.stringify(handle)} is not a YouTube channel: give @name, a UC… channel id or a youtube.com channel URL` },
  ]);
}

/** A path segment with its %-escapes decoded; a broken escape (`%E0%A4%A`) is a bad handle, not a URIError. */
function safeDecode(segment: string, handle: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    throw new InputValidationError('account', [{ path: 'handle', message: `${JSON.stringify(handle)} has a broken %-escape in its path` }], { cause: error });
  }
}

function parseToken(token: string | undefined): YoutubeContinuation | undefined {
  if (token === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch (error) {
    throw new PermanentError('youtube page token is not the JSON this adapter returns; start the scan from the newest page', { cause: error });
  }
  const result = tokenSchema.safeParse(parsed);
  if (!result.success) throw new PermanentError('youtube page token has no continuation and API path; start the scan from the newest page');
  return { token: result.data.continuation, apiUrl: result.data.apiUrl };
}

function toFeedPage(result: YoutubePosts, channelPath: string, context: AdapterContext): FeedPage {
  const posts = readablePosts(result, { platform: 'youtube', where: `the posts of ${channelPath}`, log: context.log });
  if (result.continuation === undefined) return { posts, isHistoryEnd: true };
  if (result.posts.length + result.unreadable.length === 0) return { posts };
  return { posts, nextPage: JSON.stringify({ continuation: result.continuation.token, apiUrl: result.continuation.apiUrl }) };
}

/** Consent walls, sign-in interstitials and generic bot checks (in `html`, the tab's page): reported, never clicked through. */
async function throwIfWalled(page: Page, html: string, channelPath: string): Promise<void> {
  const { hostname } = new URL(page.url());
  if (CONSENT_HOSTS.test(hostname)) throw new PlatformBlockedError('youtube', `YouTube redirected ${channelPath} to its cookie consent page`);
  if (SIGN_IN_HOSTS.test(hostname)) throw new PlatformBlockedError('youtube', `YouTube redirected ${channelPath} to Google sign-in`);
  const $ = loadHtml(html);
  $('script, style').remove();
  const text = $('body').text().replace(/\s+/gu, ' ');
  const title = $('title').text();
  if ($('form[action*="consent.youtube.com"], form[action*="consent.google."]').length > 0 || CONSENT_WALL.test(title) || CONSENT_WALL.test(text)) {
    throw new PlatformBlockedError('youtube', `YouTube shows its cookie consent wall ("Before you continue") instead of ${channelPath}`);
  }
  if (SIGN_IN_WALL.test(text)) throw new PlatformBlockedError('youtube', `YouTube asks to sign in ("Sign in to confirm you're not a bot") instead of showing ${channelPath}`);
  const reason = await detectBlockPage(page);
  if (reason !== undefined) throw new PlatformBlockedError('youtube', `YouTube showed ${reason} instead of ${channelPath}`);
}

/** Larger than `maxBytes`: a PermanentError naming youtube and the limit, for what would leave the tab. */
const tooLarge = (what: string, bytes: number, maxBytes: number): PermanentError =>
  new PermanentError(`youtube: ${what} holds ${bytes} bytes, more than the ${maxBytes}-byte limit (CRAWL_MAX_PAGE_BYTES); raise the limit if the channel is genuine`);

/** `ytInitialData` as the page's scripts left it (as JSON, at most `maxBytes`); else parsed from the script in `html` that sets it. */
async function readInitialData(page: Page, html: string, maxBytes: number): Promise<unknown> {
  const where = redactUrl(page.url());
  const live = await page.evaluate((max: number): string | number | null => {
    const data = (globalThis as { ytInitialData?: unknown }).ytInitialData;
    if (data === undefined || data === null) return null;
    const json = JSON.stringify(data);
    const bytes = new Blob([json]).size;
    return bytes > max ? bytes : json;
  }, maxBytes);
  if (typeof live === 'number') throw tooLarge(`the ytInitialData of ${where}`, live, maxBytes);
  const script = live ?? /(?:var ytInitialData|window\[["']ytInitialData["']\])\s*=\s*(\{.*?\});\s*(?:<\/script>|var |window\[)/su.exec(html)?.[1];
  if (script !== undefined) {
    try {
      return JSON.parse(script) as unknown;
    } catch (error) {
      throw new PermanentError(`youtube: the page ${where} has a ytInitialData that is not valid JSON; the page is damaged or YouTube changed it`, { cause: error });
    }
  }
  throw new PermanentError(`youtube: the page ${where} has no ytInitialData; the page is damaged or YouTube changed it, and the adapter needs updating`);
}

interface InPageAnswer {
  status: number;
  /** The answer's text; null when it is larger than the limit. */
  body: string | null;
  bytes: number;
  retryAfter: string | null;
}

/** POSTs the continuation from inside the tab, with the page's own InnerTube context (English); an answer over `maxBytes` stays in the tab. */
async function fetchContinuation(page: Page, baseUrl: string, continuation: YoutubeContinuation, maxBytes: number): Promise<unknown> {
  const innertubeContext = await page.evaluate(() => {
    const config = (globalThis as { ytcfg?: { get?: (key: string) => unknown } }).ytcfg;
    return typeof config?.get === 'function' ? config.get('INNERTUBE_CONTEXT') : undefined;
  });
  const context = isRecord(innertubeContext) ? innertubeContext : { client: { clientName: 'WEB', clientVersion: '2.20261101.00.00' } };
  const client = isRecord(context.client) ? context.client : {};
  const body = JSON.stringify({ context: { ...context, client: { ...client, hl: 'en' } }, continuation: continuation.token });
  const endpoint = new URL(`${baseUrl}${continuation.apiUrl}`);
  endpoint.searchParams.set('prettyPrint', 'false');

  let answer: InPageAnswer;
  try {
    answer = await page.evaluate(
      async (target: string, payload: string, max: number): Promise<InPageAnswer> => {
        const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, credentials: 'same-origin' });
        const text = await response.text();
        const bytes = new Blob([text]).size;
        return { status: response.status, body: bytes > max ? null : text, bytes, retryAfter: response.headers.get('retry-after') };
      },
      endpoint.href,
      body,
      maxBytes,
    );
  } catch (error) {
    throw new TransientError(`youtube continuation request to ${endpoint.pathname} failed in the page; retry later`, { cause: error, kind: 'network' });
  }
  if (answer.status === 429 || answer.status >= 500) {
    throw new TransientError(`youtube answered HTTP ${answer.status} to the continuation request; retry later`, {
      kind: answer.status === 429 ? 'rate_limited' : 'server_error',
      retryAfterMs: serverWaitMs(answer.retryAfter === null ? {} : { 'retry-after': answer.retryAfter }),
    });
  }
  if (answer.status === 401 || answer.status === 403) throw new PlatformBlockedError('youtube', `YouTube refused the request for older posts with HTTP ${answer.status}`);
  if (answer.status !== 200) throw new PermanentError(`youtube answered HTTP ${answer.status} to the continuation request; the token expired or YouTube changed its API`);
  if (answer.body === null) throw tooLarge(`the answer for older posts from ${endpoint.pathname}`, answer.bytes, maxBytes);
  try {
    return JSON.parse(answer.body) as unknown;
  } catch (error) {
    throw new PermanentError('youtube continuation answer is not valid JSON; YouTube changed its API or the answer was cut off', { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
