import { loadHtml } from '../../load-html.js';
import { type CheerioAPI } from 'cheerio';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import { openFeedPage } from '../../browser/open-feed-page.js';
import { readPageHtml } from '../../browser/read-page-html.js';
import type { FeedPage, PageRequest, PlatformAdapter } from '../../platform-adapter.js';
import { readablePosts } from '../readable-posts.js';
import { parseVkWall } from './parse-vk-wall.js';

/**
 * VK community and profile walls, read in a browser tab: VK serves its public wall as
 * windows-1251 HTML to visitors who are not logged in, and Chromium decodes it. The page is parsed
 * with cheerio from the tab's DOM after the page's own scripts ran (`readPageHtml`, capped at
 * CRAWL_MAX_PAGE_BYTES), which keeps the parsing typed and testable without a browser; the wall is
 * in the HTML at DOMContentLoaded, so nothing waits for selectors. Paging is VK's `?offset=N` (ten
 * posts a page).
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
      // 401/403 are judged below: a redirect to the login page or a block page names the reason better.
      const response = await openFeedPage(page, {
        platform: 'vk',
        url,
        resource: 'vk account',
        id: request.account.handle,
        navigationTimeoutMs: context.browser.navigationTimeoutMs,
        maxPageBytes: context.browser.maxPageBytes,
        judgesRefusals: true,
      });
      const status = response.status();

      const pageUrl = page.url();
      if (LOGIN_HOSTS.test(new URL(pageUrl).hostname) || new URL(pageUrl).pathname.split('/').at(-1) === 'login') {
        throw new PlatformBlockedError('vk', `VK redirected the wall of ${name} to its login page`);
      }
      // Sized before anything reads the whole document, the block-page check included.
      const html = await readPageHtml(page, context.browser.maxPageBytes, 'vk');
      const blockReason = await detectBlockPage(page);
      if (blockReason !== undefined) throw new PlatformBlockedError('vk', `VK showed ${blockReason} instead of the wall of ${name}`);
      if (status === 401 || status === 403) throw new PlatformBlockedError('vk', `VK refused the wall of ${name} with HTTP ${status}`);

      const $ = loadHtml(html);
      // A login box over the wall asks for a login even when posts show behind it: never read past it.
      if ($('#box_layer input[type=password], #box_layer form[action*="login"], .UnauthActionBox, .unauth_wall').length > 0) {
        throw new PlatformBlockedError('vk', `VK covers the wall of ${name} with a login box`);
      }
      const wall = parseVkWall($, { pageUrl, baseUrl: request.baseUrl, handle: name, offset, now: new Date() });
      if (wall.posts.length === 0 && wall.unreadable.length === 0) throwIfNotAWall($, wall.hasWall, name, request.account.handle);
      if (!wall.hasWall) {
        throw new PermanentError(`vk: the page of ${name} (offset ${offset}) has no wall: the page is truncated or VK changed its markup; the adapter needs updating`);
      }
      const posts = readablePosts(wall, { platform: 'vk', where: `the wall of ${name} (offset ${offset})`, log: context.log });
      return wall.nextOffset === undefined ? { posts, isHistoryEnd: true } : { posts, nextPage: String(wall.nextOffset) };
    });
  },
};

/**
 * The page name of a handle: `club123`, `id123`, a short name; `-123` means `club123`; a URL gives
 * its first path segment. Throws InputValidationError on the account's `handle` for anything else.
 */
export function vkPageName(handle: string): string {
  let name = handle.trim();
  if (/^https?:\/\//iu.test(name)) {
    if (!URL.canParse(name)) throw badHandle(handle);
    const url = new URL(name);
    name = url.pathname.split('/').find((segment) => segment !== '') ?? '';
    // A post or wall link (`wall-123_456`, `wall-123`) names its owner.
    const owner = /^wall(-?)(\d+)/u.exec(name);
    if (owner !== null) name = `${owner[1] === '-' ? 'club' : 'id'}${owner[2] ?? ''}`;
  }
  name = name.replace(/^@/u, '');
  if (/^-\d+$/u.test(name)) name = `club${name.slice(1)}`;
  if (!PAGE_NAME.test(name)) throw badHandle(handle);
  return name;
}

function badHandle(handle: string): InputValidationError {
  return new InputValidationError('account', [
    { path: 'handle', message: `${JSON.stringify(handle)} is not a VK page name (club123, public123, id123, a short name) or a vk.com URL` },
  ]);
}

function parseOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  if (!/^\d{1,7}$/u.test(token)) throw new PermanentError(`vk page token ${JSON.stringify(token)} is not an offset; start the scan from the newest page`);
  return Number(token);
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
