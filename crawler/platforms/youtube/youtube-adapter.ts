import { loadHtml } from '../../load-html.js';
import { TimeoutError, type HTTPResponse, type Page } from 'puppeteer-core';
import { z } from 'zod';
import { NotFoundError, OvershareError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import type { FeedPage, PageRequest, PlatformAdapter } from '../../platform-adapter.js';
import { serverWaitMs } from '../../server-wait-ms.js';
import { readYoutubePosts, type YoutubeContinuation, type YoutubePosts } from './read-youtube-posts.js';

/**
 * YouTube channel posts (the "Posts", formerly "Community", tab), read in a browser tab. The page
 * is requested with `?hl=en` so relative times are English ("2 days ago"); the posts come from the
 * page's `ytInitialData` (as the page's own scripts left it, else parsed from its script text),
 * which is complete at DOMContentLoaded, so nothing waits for selectors. Older posts are fetched
 * the way YouTube's own page fetches them: POST {continuation} to /youtubei/v1/browse, from inside
 * the tab on the same origin, so the request takes the browser's guarded path. Each page, older
 * ones too, first loads the posts tab: the tab gives the origin, the InnerTube context and a fresh
 * check for consent and sign-in walls.
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
      const response = await openPage(page, url, context.browser.navigationTimeoutMs);
      const status = response.status();
      if (status === 404) throw new NotFoundError('youtube channel', request.account.handle);
      if (status === 429 || status >= 500) {
        throw new TransientError(`youtube answered HTTP ${status} for ${url}; retry later`, { retryAfterMs: serverWaitMs(response.headers()) });
      }
      await throwIfWalled(page, channelPath);
      if (status === 401 || status === 403) throw new PlatformBlockedError('youtube', `YouTube refused ${channelPath} with HTTP ${status}`);
      if (status >= 400) throw new PermanentError(`youtube answered HTTP ${status} for ${url}; check the channel's handle and base URL`);

      const pageUrl = page.url();
      const result =
        continuation === undefined
          ? readYoutubePosts(await readInitialData(page, url), { ...source, pageUrl })
          : readYoutubePosts(await fetchContinuation(page, request.baseUrl, continuation), { ...source, pageUrl });
      return toFeedPage(result);
    });
  },
};

/** The channel's path on YouTube: `/@name`, `/channel/UC…`, `/c/name` or `/user/name`. */
export function youtubeChannelPath(handle: string): string {
  const value = handle.trim();
  if (/^https?:\/\//iu.test(value)) {
    const segments = new URL(value).pathname.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment));
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

function badHandle(handle: string): PermanentError {
  return new PermanentError(`youtube handle ${JSON.stringify(handle)} is not @name, a UC… channel id or a youtube.com channel URL; fix the account`);
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

function toFeedPage(result: YoutubePosts): FeedPage {
  if (result.continuation === undefined || result.posts.length === 0) return { posts: result.posts };
  return { posts: result.posts, nextPage: JSON.stringify({ continuation: result.continuation.token, apiUrl: result.continuation.apiUrl }) };
}

/** Navigates and returns the main response; a timeout or network failure is transient. */
async function openPage(page: Page, url: string, timeoutMs: number): Promise<HTTPResponse> {
  let response: HTTPResponse | null;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (error) {
    if (error instanceof OvershareError) throw error;
    const what = error instanceof TimeoutError ? `did not load within ${timeoutMs} ms` : 'failed to load';
    throw new TransientError(`youtube page ${url} ${what}; retry later`, { cause: error });
  }
  if (response === null) throw new PermanentError(`youtube page ${url} gave the browser no response; the adapter needs updating`);
  return response;
}

/** Consent walls, sign-in interstitials and generic bot checks: reported, never clicked through. */
async function throwIfWalled(page: Page, channelPath: string): Promise<void> {
  const { hostname } = new URL(page.url());
  if (CONSENT_HOSTS.test(hostname)) throw new PlatformBlockedError('youtube', `YouTube redirected ${channelPath} to its cookie consent page`);
  if (SIGN_IN_HOSTS.test(hostname)) throw new PlatformBlockedError('youtube', `YouTube redirected ${channelPath} to Google sign-in`);
  const $ = loadHtml(await page.content());
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

/** `ytInitialData` as the page's scripts left it; else parsed from the script that sets it. */
async function readInitialData(page: Page, url: string): Promise<unknown> {
  const live = await page.evaluate(() => (globalThis as { ytInitialData?: unknown }).ytInitialData);
  if (live !== undefined && live !== null) return live;
  const html = await page.content();
  const script = /(?:var ytInitialData|window\[["']ytInitialData["']\])\s*=\s*(\{.*?\});\s*(?:<\/script>|var |window\[)/su.exec(html)?.[1];
  if (script !== undefined) {
    try {
      return JSON.parse(script) as unknown;
    } catch (error) {
      throw new PermanentError(`youtube page ${url} has a ytInitialData that is not valid JSON; the page is damaged or YouTube changed it`, { cause: error });
    }
  }
  throw new PermanentError(`youtube page ${url} has no ytInitialData; the page is damaged or YouTube changed it, and the adapter needs updating`);
}

interface InPageAnswer {
  status: number;
  body: string;
  retryAfter: string | null;
}

/** POSTs the continuation from inside the tab, with the page's own InnerTube context (English). */
async function fetchContinuation(page: Page, baseUrl: string, continuation: YoutubeContinuation): Promise<unknown> {
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
      async (target: string, payload: string): Promise<InPageAnswer> => {
        const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, credentials: 'same-origin' });
        return { status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after') };
      },
      endpoint.href,
      body,
    );
  } catch (error) {
    throw new TransientError(`youtube continuation request to ${endpoint.pathname} failed in the page; retry later`, { cause: error });
  }
  if (answer.status === 429 || answer.status >= 500) {
    throw new TransientError(`youtube answered HTTP ${answer.status} to the continuation request; retry later`, {
      retryAfterMs: serverWaitMs(answer.retryAfter === null ? {} : { 'retry-after': answer.retryAfter }),
    });
  }
  if (answer.status === 401 || answer.status === 403) throw new PlatformBlockedError('youtube', `YouTube refused the request for older posts with HTTP ${answer.status}`);
  if (answer.status !== 200) throw new PermanentError(`youtube answered HTTP ${answer.status} to the continuation request; the token expired or YouTube changed its API`);
  try {
    return JSON.parse(answer.body) as unknown;
  } catch (error) {
    throw new PermanentError('youtube continuation answer is not valid JSON; YouTube changed its API or the answer was cut off', { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
