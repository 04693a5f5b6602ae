import { loadHtml } from '../../load-html.js';
import type { Page } from 'puppeteer-core';
import { redactUrl } from '../../../core/config.js';
import { InputValidationError, PermanentError, PlatformBlockedError, type InputIssue } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import { readPageHtml } from '../../browser/read-page-html.js';
import type { GenericSelectors, PlatformAdapter } from '../../platform-adapter.js';
import { checkGenericAccount, GENERIC_SELECTOR_FIELDS, sortIssues } from './check-generic-account.js';
import { openFeedPage } from '../../browser/open-feed-page.js';
import { readGenericFeed } from './read-generic-feed.js';
import { waitForSelectorOrIdle } from '../../browser/wait-for-selector-or-idle.js';

/**
 * Any site, read in the browser with CSS selectors the account supplies (GenericSelectors): the
 * account's handle is the URL of the page listing its posts. With `account.session.cookies`, the
 * page is read logged in: the cookies are the organisation's own session for an account it owns,
 * set on the tab's fresh incognito context for their own domain only, and never logged.
 * Paging follows the `nextPage` link when it stays on the page's origin.
 */
export const genericAdapter: PlatformAdapter = {
  platform: 'generic',
  route: 'browser',
  defaultBaseUrl: '',

  async fetchPage(request, context) {
    const { pageUrl, selectors, cookies, selectorIssues } = checkGenericAccount(request.account, request.baseUrl);
    const url = request.pageToken === undefined ? pageUrl.href : checkedNextUrl(request.pageToken, pageUrl);
    context.signal.throwIfAborted();

    return context.browser.withPage(async (page) => {
      const issues = [...selectorIssues, ...(await browserSelectorIssues(page, selectors))];
      if (issues.length > 0) throw new InputValidationError('account', sortIssues(issues));
      if (cookies.length > 0) {
        await page.browserContext().setCookie(
          ...cookies.map((cookie) => ({
            name: cookie.name,
            value: cookie.value,
            domain: cookie.domain,
            path: cookie.path ?? '/',
            secure: pageUrl.protocol === 'https:',
            // The page's own scripts have no business reading the organisation's session.
            httpOnly: true,
            sameSite: 'Lax' as const,
          })),
        );
      }
      await openFeedPage(page, {
        platform: 'generic',
        url,
        resource: 'page',
        id: redactUrl(url),
        navigationTimeoutMs: context.browser.navigationTimeoutMs,
        maxPageBytes: context.browser.maxPageBytes,
      });
      const awaited = selectors.loginWall === undefined ? selectors.post : `${selectors.post}, ${selectors.loginWall}`;
      await waitForSelectorOrIdle(page, awaited, context.browser.navigationTimeoutMs);

      const html = await readPageHtml(page, context.browser.maxPageBytes, 'generic');
      if (selectors.loginWall !== undefined && loadHtml(html)(selectors.loginWall).length > 0) {
        throw new PlatformBlockedError('generic', `login wall (${selectors.loginWall})`);
      }
      const blockReason = await detectBlockPage(page);
      if (blockReason !== undefined) throw new PlatformBlockedError('generic', blockReason);

      const pageRead = page.url();
      const idScope = `${pageUrl.origin}${pageUrl.pathname}`;
      const feed = readGenericFeed(html, { selectors, pageUrl: pageRead, author: request.account.handle, idScope, now: new Date() });
      if (feed.posts.length === 0) {
        // Without a loginWall selector, a password field on a page with no posts is still a wall.
        if (loadHtml(html)('input[type="password"]').length > 0) {
          throw new PlatformBlockedError('generic', 'login wall (a password form and no posts)');
        }
        throw new PermanentError(
          `generic: no element on ${redactUrl(pageRead)} matches selectors.post "${selectors.post}": the selector is wrong, the page changed, or it lists no posts yet.`,
        );
      }
      return { posts: feed.posts, ...(feed.nextUrl === undefined ? {} : { nextPage: feed.nextUrl }) };
    });
  },
};

/**
 * Asks the tab's own engine to parse every selector (on about:blank, before any navigation):
 * Chromium rejects what it does not know with a DOMException, and would otherwise report a bad
 * selector only as "never found" after the whole navigation timeout.
 */
async function browserSelectorIssues(page: Page, selectors: GenericSelectors): Promise<InputIssue[]> {
  const issues: InputIssue[] = [];
  for (const field of GENERIC_SELECTOR_FIELDS) {
    const selector = selectors[field];
    if (selector === undefined || field === 'idAttribute') continue;
    try {
      await page.$(selector);
    } catch (error) {
      // Puppeteer passes the page's DOMException on as a plain Error named after it.
      if (!(error instanceof Error) || (error.name !== 'DOMException' && error.name !== 'SyntaxError')) throw error;
      issues.push({ path: `selectors.${field}`, message: `"${selector}" is not a valid CSS selector (the browser rejects it)` });
    }
  }
  return issues;
}

/** `token` when it is a URL on the account page's origin (a next-page link this adapter returned). */
function checkedNextUrl(token: string, pageUrl: URL): string {
  let url: URL | undefined;
  try {
    url = new URL(token);
  } catch {
    url = undefined;
  }
  if (url?.origin !== pageUrl.origin) {
    throw new PermanentError(`generic: the page token is not an address on ${pageUrl.origin}; it did not come from this adapter.`);
  }
  return url.href;
}
