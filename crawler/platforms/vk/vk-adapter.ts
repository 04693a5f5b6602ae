import { loadHtml } from '../../load-html.js';
import { type CheerioAPI } from 'cheerio';
import { TimeoutError, type HTTPResponse, type Page } from 'puppeteer-core';
import { NotFoundError, OvershareError, PermanentError, PlatformBlockedError, TransientError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import type { FeedPage, PageRequest, PlatformAdapter } from '../../platform-adapter.js';
import { serverWaitMs } from '../../server-wait-ms.js';
import { parseVkWall } from './parse-vk-wall.js';

/**
 * VK community and profile walls, read in a browser tab: VK serves its public wall as
 * windows-1251 HTML to visitors who are not logged in, and Chromium decodes it. The page is parsed
 * with cheerio from the tab's DOM after the page's own scripts ran (`page.content()`), which keeps
 * the parsing typed and testable without a browser; the wall is in the HTML at DOMContentLoaded,
 * so nothing waits for selectors. Paging is VK's `?offset=N` (ten posts a page).
 */

// Names VK gives pages: `club123`, `public123`, `id123`, or a short name of letters, digits, `_` and `.`.
const PAGE_NAME = /^[A-Za-z0-9_.]{2,64}$/u;
const LOGIN_HOSTS = /^(?:login|id|oauth)\.vk\.(?:com|ru)$/u;

const NOTICES: readonly { test: RegExp; outcome: 'blocked' | 'closed' | 'deleted' }[] = [
  { test: /сообщество заблокировано|страница заблокирована|community (?:has been |is )?blocked|page (?:has been |is )?blocked/iu, outcome: 'blocked' },
  { test: /закрытое сообщество|закрытая группа|закрытый профиль|closed (?:community|group|profile)|private profile/iu, outcome: 'closed' },
  { test: /страница удалена|сообщество удалено|удалена либо ещё не создана|page (?:has been |was )?deleted|community (?:has been |was )?deleted/iu, outcome: 'deleted' },
];

/** VK walls (`club123`, `public123`, `id123`, a short name, or a vk.com URL); `nextPage` is the next `?offset=`. */
export const vkAdapter: PlatformAdapter = {
  platform: 'vk',
  route: 'browser',
  defaultBaseUrl: 'https://vk.com',

  async fetchPage(request: PageRequest, context): Promise<FeedPage> {
    context.signal.throwIfAborted();
    const name = vkPageName(request.account.handle);
    const offset = parseOffset(request.pageToken);
    const url = `${request.baseUrl}/${encodeURIComponent(name)}${offset === 0 ? '' : `?offset=${offset}`}`;

    return context.browser.withPage(async (page) => {
      const response = await openPage(page, url, context.browser.navigationTimeoutMs);
      const status = response.status();
      if (status === 404) throw new NotFoundError('vk account', request.account.handle);
      if (status === 429 || status >= 500) {
        throw new TransientError(`vk answered HTTP ${status} for ${url}; retry later`, { retryAfterMs: serverWaitMs(response.headers()) });
      }

      const pageUrl = page.url();
      if (LOGIN_HOSTS.test(new URL(pageUrl).hostname) || new URL(pageUrl).pathname.split('/').at(-1) === 'login') {
        throw new PlatformBlockedError('vk', `VK redirected the wall of ${name} to its login page`);
      }
      const blockReason = await detectBlockPage(page);
      if (blockReason !== undefined) throw new PlatformBlockedError('vk', `VK showed ${blockReason} instead of the wall of ${name}`);
      if (status === 401 || status === 403) throw new PlatformBlockedError('vk', `VK refused the wall of ${name} with HTTP ${status}`);

      const $ = loadHtml(await page.content());
      // A login box over the wall asks for a login even when posts show behind it: never read past it.
      if ($('#box_layer input[type=password], #box_layer form[action*="login"], .UnauthActionBox, .unauth_wall').length > 0) {
        throw new PlatformBlockedError('vk', `VK covers the wall of ${name} with a login box`);
      }
      const wall = parseVkWall($, { pageUrl, baseUrl: request.baseUrl, handle: name, offset, now: new Date() });
      if (wall.posts.length === 0) throwIfNotAWall($, wall.hasWall, name, request.account.handle);
      if (status >= 400) throw new PermanentError(`vk answered HTTP ${status} for ${url}; check the account's handle and base URL`);
      if (!wall.hasWall) {
        throw new PermanentError(`vk page ${url} has no wall: the page is truncated or VK changed its markup; the adapter needs updating`);
      }
      return { posts: wall.posts, ...(wall.nextOffset === undefined ? {} : { nextPage: String(wall.nextOffset) }) };
    });
  },
};

/** The page name of a handle: `club123`, `id123`, a short name; `-123` means `club123`; a URL gives its first path segment. */
export function vkPageName(handle: string): string {
  let name = handle.trim();
  if (/^https?:\/\//iu.test(name)) {
    const url = new URL(name);
    name = url.pathname.split('/').find((segment) => segment !== '') ?? '';
    // A post or wall link (`wall-123_456`, `wall-123`) names its owner.
    const owner = /^wall(-?)(\d+)/u.exec(name);
    if (owner !== null) name = `${owner[1] === '-' ? 'club' : 'id'}${owner[2] ?? ''}`;
  }
  name = name.replace(/^@/u, '');
  if (/^-\d+$/u.test(name)) name = `club${name.slice(1)}`;
  if (!PAGE_NAME.test(name)) {
    throw new PermanentError(`vk handle ${JSON.stringify(handle)} is not a VK page name (club123, public123, id123, a short name) or a vk.com URL; fix the account`);
  }
  return name;
}

function parseOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  if (!/^\d{1,7}$/u.test(token)) throw new PermanentError(`vk page token ${JSON.stringify(token)} is not an offset; start the scan from the newest page`);
  return Number(token);
}

/** Navigates and returns the main response; a timeout or network failure is transient. */
async function openPage(page: Page, url: string, timeoutMs: number): Promise<HTTPResponse> {
  let response: HTTPResponse | null;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (error) {
    if (error instanceof OvershareError) throw error;
    const what = error instanceof TimeoutError ? `did not load within ${timeoutMs} ms` : 'failed to load';
    throw new TransientError(`vk page ${url} ${what}; retry later`, { cause: error });
  }
  if (response === null) throw new PermanentError(`vk page ${url} gave the browser no response; the adapter needs updating`);
  return response;
}

/** VK's notices (blocked, closed, deleted) and login forms on a page without posts; an empty wall passes. */
function throwIfNotAWall($: CheerioAPI, hasWall: boolean, name: string, handle: string): void {
  if (hasWall) return;
  const content = $('#content, .message_page, body').first().clone();
  content.find('script, style, #side_bar, #quick_login').remove();
  const text = content.text().replace(/\s+/gu, ' ');
  const notice = NOTICES.find((candidate) => candidate.test.test(text));
  switch (notice?.outcome) {
    case 'deleted':
      throw new NotFoundError('vk account', handle);
    case 'blocked':
      throw new PlatformBlockedError('vk', `VK has blocked the page ${name} (VK's notice: ${excerpt(text, notice.test)})`);
    case 'closed':
      throw new PlatformBlockedError('vk', `the VK page ${name} is closed to visitors who are not members`);
    case undefined:
      break;
  }
  if ($('input[type=password], form[action*="login"]').length > 0 && /войдите|войти|log in|sign in/iu.test(text)) {
    throw new PlatformBlockedError('vk', `VK shows a login form instead of the wall of ${name}`);
  }
}

function excerpt(text: string, phrase: RegExp): string {
  const at = text.search(phrase);
  return text.slice(Math.max(0, at), at + 80).trim();
}
