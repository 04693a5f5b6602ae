import { loadHtml } from '../../load-html.js';
import { type CheerioAPI } from 'cheerio';
import { redactUrl } from '../../../core/config.js';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import { readPageHtml } from '../../browser/read-page-html.js';
import type { PlatformAdapter } from '../../platform-adapter.js';
import { readablePosts } from '../readable-posts.js';
import { openFeedPage } from '../../browser/open-feed-page.js';
import { waitForSelectorOrIdle } from '../../browser/wait-for-selector-or-idle.js';
import { readFacebookFeed } from './read-facebook-feed.js';
import { handleUrl } from '../handle-url.js';

/**
 * Facebook public pages, read in the browser as a logged-out visitor. Paging follows the page's
 * own "See more stories" link (a `cursor=` link, as the classic and mbasic layouts offer) when it
 * has one; the www layout loads older posts by infinite scroll through logged-in GraphQL, which we
 * do not emulate, so without that link `nextPage` is absent and only the first screen is read.
 *
 * Gates are reported, never passed: a login dialog, a redirect to /login or a security
 * checkpoint, and the cookie-consent dialog all become PlatformBlockedError. The consent dialog
 * too is left alone although one click on "Allow all cookies" would hide it: that click would
 * consent on the organisation's behalf to Meta's tracking, and overshare never acts on a
 * platform's gate to get past it, so a human decides how such an account is to be read.
 */

const PAGE_NAME = /^[A-Za-z0-9._-]{1,100}$/u;
const PROFILE_ID = /^\d{1,20}$/u;
const FACEBOOK_HOSTS = /^(?:(?:www|m|mbasic|web|touch)\.)?(?:facebook\.com|fb\.com)$/u;
// Facebook reserves these names, so no page path contains them.
const LOGIN_PATH = /\/(?:login(?:\/|\.php|$)|checkpoint\/)/u;
// What the adapter waits for: the feed, or one of the gates that replace it.
const FEED_OR_GATE = '[role="article"], form#login_form, [data-testid="royal_login_form"], [role="dialog"], [data-cookiebanner]';
const CONSENT_DIALOG = '[data-testid="cookie-policy-manage-dialog"], [data-cookiebanner]';
const CONSENT_PHRASES = /allow (?:all )?(?:the use of )?cookies|decline optional cookies/iu;
const LOGIN_FORM = 'form#login_form, [data-testid="royal_login_form"], form[action*="/login"]';
const MUST_LOG_IN = /you must log in (?:to continue|first)/iu;
const NOT_FOUND_PHRASES = /this (?:content|page) isn'?t available|the link you followed may be broken/iu;

/** The Facebook adapter: a public page's posts, newest first, a screen at a time. */
export const facebookAdapter: PlatformAdapter = {
  platform: 'facebook',
  route: 'browser',
  defaultBaseUrl: 'https://www.facebook.com',

  async fetchPage(request, context) {
    const pageName = facebookPageName(request.account.handle);
    const url = request.pageToken === undefined ? `${request.baseUrl}/${pageName}` : checkedNextUrl(request.pageToken, request.baseUrl);
    context.signal.throwIfAborted();

    return context.browser.withPage(async (page) => {
      // Client-rendered time labels follow the tab's zone; UTC makes them read as UTC.
      await page.emulateTimezone('UTC');
      await openFeedPage(page, {
        platform: 'facebook',
        url,
        resource: 'facebook page',
        id: pageName,
        navigationTimeoutMs: context.browser.navigationTimeoutMs,
        maxPageBytes: context.browser.maxPageBytes,
      });
      await waitForSelectorOrIdle(page, FEED_OR_GATE, context.browser.navigationTimeoutMs);

      const pageUrl = page.url();
      const landedOn = LOGIN_PATH.exec(new URL(pageUrl).pathname)?.[0];
      if (landedOn !== undefined) {
        throw new PlatformBlockedError('facebook', landedOn.startsWith('/checkpoint') ? 'redirected to a security checkpoint' : 'redirected to the login page');
      }
      // Sized before anything reads the whole document, the block-page check included.
      const html = await readPageHtml(page, context.browser.maxPageBytes, 'facebook');
      const blockReason = await detectBlockPage(page);
      if (blockReason !== undefined) throw new PlatformBlockedError('facebook', blockReason);

      const gate = facebookGate(html);
      if (gate !== undefined) throw new PlatformBlockedError('facebook', gate);
      const feed = readFacebookFeed(html, { pageUrl, author: pageName, now: new Date() });
      if (feed.articleCount === 0) {
        if (NOT_FOUND_PHRASES.test(visibleText(loadHtml(html)))) throw new NotFoundError('facebook page', pageName);
        throw new PermanentError(`facebook: ${redactUrl(pageUrl)} showed no posts and no known login or consent wall; the page layout may have changed.`);
      }
      if (feed.posts.length === 0) {
        throw new PermanentError(`facebook: none of the ${feed.articleCount} articles on ${redactUrl(pageUrl)} had a permalink; the page layout may have changed.`);
      }
      const posts = readablePosts({ posts: feed.posts, unreadable: [] }, { platform: 'facebook', where: pageUrl, log: context.log });
      return { posts, ...(feed.nextUrl === undefined ? {} : { nextPage: feed.nextUrl }) };
    });
  },
};

/** The page's path on Facebook (`acme`, `profile.php?id=123`) from a name or URL, or InputValidationError. */
function facebookPageName(handle: string): string {
  const trimmed = handle.trim();
  let name = trimmed.replace(/^@/u, '');
  if (trimmed.includes('/')) {
    const url = handleUrl(trimmed);
    const segments = url?.pathname.split('/').filter((segment) => segment !== '') ?? [];
    const first = segments[0] === 'pg' ? segments[1] : segments[0];
    const profileId = url?.searchParams.get('id') ?? '';
    name = url === undefined || !FACEBOOK_HOSTS.test(url.hostname) ? '' : first === 'profile.php' && PROFILE_ID.test(profileId) ? `profile.php?id=${profileId}` : (first ?? '');
  }
  if (name.startsWith('profile.php?id=') || PAGE_NAME.test(name)) return name;
  throw new InputValidationError('account', [
    { path: 'handle', message: `"${handle}" is not a Facebook page: give its name (\`acme\`) or https://www.facebook.com/acme` },
  ]);
}

/** `token` when it is a URL under `baseUrl` (a "See more stories" link this adapter returned). */
function checkedNextUrl(token: string, baseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(token);
  } catch {
    url = undefined;
  }
  if (url === undefined || !url.href.startsWith(`${baseUrl}/`)) {
    throw new PermanentError(`facebook: the page token is not a Facebook address under ${redactUrl(baseUrl)}; it did not come from this adapter.`);
  }
  return url.href;
}

/** Why the page is gated (consent dialog, login dialog or wall), or undefined when it is readable. */
function facebookGate(html: string): string | undefined {
  const $ = loadHtml(html);
  const dialogs = $('[role="dialog"]');
  if ($(CONSENT_DIALOG).length > 0 || CONSENT_PHRASES.test(dialogs.text())) return 'a cookie-consent dialog hides the page';
  if (dialogs.find(LOGIN_FORM).length > 0 || MUST_LOG_IN.test(dialogs.text())) return 'a login dialog hides the page';
  const hasArticles = $('[role="article"]').length > 0;
  // Posts may quote any phrase: only the page around them speaks for Facebook.
  $('[role="article"]').remove();
  const mustLogIn = MUST_LOG_IN.exec(visibleText($))?.[0];
  if (mustLogIn !== undefined) return `login wall ("${mustLogIn}")`;
  // Logged-out pages carry a login form in their header or footer too; it is a wall only when
  // the page shows nothing else.
  if (!hasArticles && $(LOGIN_FORM).length > 0) return 'login wall (a login form instead of the page)';
  return undefined;
}

/** Text a reader sees on the page (modifies `$`: scripts and styles are removed). */
function visibleText($: CheerioAPI): string {
  $('script, style, noscript, template').remove();
  return $('body').text().replace(/\s+/gu, ' ').trim();
}
