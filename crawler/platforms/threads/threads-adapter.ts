import { loadHtml } from '../../load-html.js';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import { detectBlockPage } from '../../browser/detect-block-page.js';
import { openFeedPage } from '../../browser/open-feed-page.js';
import { readPageHtml } from '../../browser/read-page-html.js';
import type { PlatformAdapter } from '../../platform-adapter.js';
import { readablePosts } from '../readable-posts.js';
import { readThreadsEmbeddedPosts } from './threads-embedded-posts.js';
import { handleUrl } from '../handle-url.js';

/**
 * Threads (threads.net) public profiles, read in the browser as a logged-out visitor.
 *
 * Paging: a logged-out profile page carries only its first batch of posts (about a dozen); the
 * rest load through Threads' logged-in GraphQL API as the reader scrolls, and after a few
 * screens Threads asks the visitor to log in. We do not emulate that API or a login, so every
 * scan reads the first batch and `nextPage` is never set: posts beyond it are not collected,
 * and an account that posts more than a batch between two scans loses the overflow.
 */

// Instagram's rules for a username: letters, digits, `.` and `_`, at most 30.
const USERNAME = /^[A-Za-z0-9._]{1,30}$/u;
const THREADS_HOSTS = /^(?:www\.)?threads\.(?:net|com)$/u;
// Where Threads and Instagram send a visitor they want logged in.
const LOGIN_PATH = /\/(?:accounts\/)?login(?:\/|\.php|$)|\/challenge\//u;
const LOGIN_PHRASES = /log in (?:with|to see|to continue|or sign up)|continue with instagram|log in with your instagram/iu;
const NOT_FOUND_PHRASES = /sorry, this page isn'?t available|this (?:profile|account) (?:isn'?t|is not) available/iu;

/** The Threads adapter: the first batch of a public profile's posts, from the page's embedded data. */
export const threadsAdapter: PlatformAdapter = {
  platform: 'threads',
  route: 'browser',
  defaultBaseUrl: 'https://www.threads.net',

  async fetchPage(request, context) {
    const username = threadsUsername(request.account.handle);
    if (request.pageToken !== undefined) {
      throw new PermanentError('threads: a logged-out profile page has only one batch of posts, so there is no next page to read; this token did not come from this adapter.');
    }
    context.signal.throwIfAborted();
    const profileUrl = `${request.baseUrl}/@${username}`;

    return context.browser.withPage(async (page) => {
      await openFeedPage(page, {
        platform: 'threads',
        url: profileUrl,
        resource: 'threads account',
        id: username,
        navigationTimeoutMs: context.browser.navigationTimeoutMs,
        maxPageBytes: context.browser.maxPageBytes,
      });
      // The data blocks are in the server's HTML, so DOMContentLoaded is enough: nothing to wait for.
      const pageUrl = page.url();
      if (LOGIN_PATH.test(new URL(pageUrl).pathname)) {
        throw new PlatformBlockedError('threads', 'redirected to the login page');
      }
      // Sized before anything reads the whole document, the block-page check included.
      const html = await readPageHtml(page, context.browser.maxPageBytes, 'threads');
      const blockReason = await detectBlockPage(page);
      if (blockReason !== undefined) throw new PlatformBlockedError('threads', blockReason);

      const embedded = readThreadsEmbeddedPosts(html, { username, baseUrl: request.baseUrl, pageUrl });
      // A login prompt after the first posts is normal for a logged-out visitor: what came is read.
      if (embedded.posts !== undefined) {
        return { posts: readablePosts({ posts: embedded.posts, unreadable: embedded.unreadable }, { platform: 'threads', where: `the profile page of @${username}`, log: context.log }) };
      }

      const pageText = visibleText(html);
      if (NOT_FOUND_PHRASES.test(pageText)) throw new NotFoundError('threads account', username);
      // A cut-off data block is a broken page, whatever login links the page around it shows.
      if (embedded.brokenBlocks > 0) {
        throw new PermanentError(
          `threads: the profile page of @${username} was unreadable: ${embedded.brokenBlocks} of its ${embedded.blocks} embedded data blocks are not valid JSON (a truncated or changed page).`,
        );
      }
      const wall = loginWall(html, pageText);
      if (wall !== undefined) throw new PlatformBlockedError('threads', wall);
      throw new PermanentError(`threads: the profile page of @${username} carried no posts data; the page format may have changed.`);
    });
  },
};

/** The username in `handle` (`name`, `@name` or a profile URL), or InputValidationError. */
function threadsUsername(handle: string): string {
  const trimmed = handle.trim();
  let candidate = trimmed.replace(/^@/u, '');
  if (trimmed.includes('/')) {
    const url = handleUrl(trimmed);
    const first = url?.pathname.split('/')[1] ?? '';
    candidate = url !== undefined && THREADS_HOSTS.test(url.hostname) && first.startsWith('@') ? first.slice(1) : '';
  }
  if (!USERNAME.test(candidate)) {
    throw new InputValidationError('account', [
      { path: 'handle', message: `"${handle}" is not a Threads profile: give \`name\`, \`@name\` or https://www.threads.net/@name` },
    ]);
  }
  return candidate;
}

/** Why the page is a login wall, when it shows one instead of a profile. */
function loginWall(html: string, pageText: string): string | undefined {
  const phrase = LOGIN_PHRASES.exec(pageText)?.[0];
  if (phrase !== undefined) return `login wall ("${phrase}")`;
  const $ = loadHtml(html);
  if ($('form[action*="login"], input[type="password"]').length > 0) return 'login wall (a login form instead of the profile)';
  if ($('a[href*="/login"]').length > 0) return 'login wall (only a link to log in instead of the profile)';
  return undefined;
}

function visibleText(html: string): string {
  const $ = loadHtml(html);
  $('script, style, noscript, template').remove();
  return $('body').text().replace(/\s+/gu, ' ').trim();
}
