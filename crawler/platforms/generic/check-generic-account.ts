import { loadHtml } from '../../load-html.js';
import { InputValidationError, type InputIssue } from '../../../core/errors.js';
import type { AccountRef, GenericSelectors, SessionCookie } from '../../platform-adapter.js';

/** A generic account, checked: where its page is, where its posts are, and its own session. */
export interface GenericAccountInput {
  pageUrl: URL;
  selectors: GenericSelectors;
  cookies: SessionCookie[];
  /**
   * Selectors that are empty or that the page reader (cheerio) cannot parse. Left for the caller to report together
   * with what the browser's own engine rejects, so that one error names every bad selector.
   */
  selectorIssues: InputIssue[];
}

/** Every field of GenericSelectors, in the order problems are listed. */
export const GENERIC_SELECTOR_FIELDS = ['post', 'text', 'link', 'idAttribute', 'time', 'image', 'nextPage', 'loginWall'] as const;

// A cookie name is an HTTP token; a value has no separators, quotes, spaces or controls (RFC 6265).
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u;
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/u;
const ATTRIBUTE_NAME = /^[^\s"'>/=]+$/u;

/**
 * Checks a generic account before any tab opens: `handle` is an absolute http(s) page URL (or a
 * path under `baseUrl`), `selectors.post` is given, `idAttribute` is an attribute name, every
 * other selector is CSS the page reader understands, and every session cookie is well formed and
 * belongs to the page's host. Throws one InputValidationError listing every problem, by field,
 * unless the only problems are in given selectors: those come back in `selectorIssues`.
 */
export function checkGenericAccount(account: AccountRef, baseUrl: string): GenericAccountInput {
  const issues: InputIssue[] = [];
  const selectorIssues: InputIssue[] = [];
  const pageUrl = pageUrlOf(account.handle, baseUrl);
  if (pageUrl === undefined) {
    issues.push({ path: 'handle', message: `"${account.handle}" is not a page address: give the absolute http(s) URL of the page that lists the posts` });
  }

  const selectors = account.selectors;
  if (selectors?.post === undefined || selectors.post.trim() === '') {
    issues.push({ path: 'selectors.post', message: 'is required: a CSS selector that matches one element per post (e.g. "article.post")' });
  }
  const $ = loadHtml('<!DOCTYPE html><html><body></body></html>');
  for (const field of GENERIC_SELECTOR_FIELDS) {
    const value = selectors?.[field];
    if (value === undefined || (field === 'post' && value.trim() === '')) continue;
    if (value.trim() === '') {
      selectorIssues.push({ path: `selectors.${field}`, message: 'is empty: remove it or give a CSS selector' });
    } else if (field === 'idAttribute') {
      if (!ATTRIBUTE_NAME.test(value)) selectorIssues.push({ path: 'selectors.idAttribute', message: `"${value}" is not an attribute name (e.g. "data-id")` });
    } else {
      try {
        $(value);
      } catch (error) {
        selectorIssues.push({ path: `selectors.${field}`, message: `"${value}" is not a valid CSS selector${detailOf(error)}` });
      }
    }
  }

  const cookies = account.session?.cookies ?? [];
  cookies.forEach((cookie, index) => {
    const at = `session.cookies[${index}]`;
    if (!COOKIE_NAME.test(cookie.name)) issues.push({ path: `${at}.name`, message: `"${cookie.name}" is not a cookie name` });
    if (!COOKIE_VALUE.test(cookie.value)) issues.push({ path: `${at}.value`, message: 'has characters a cookie value cannot carry (spaces, quotes, ";", "," or controls)' });
    if (cookie.path !== undefined && !cookie.path.startsWith('/')) issues.push({ path: `${at}.path`, message: `"${cookie.path}" must start with "/"` });
    // The organisation's session goes to the site it belongs to and nowhere else.
    if (pageUrl !== undefined && !domainMatches(pageUrl.hostname, cookie.domain)) {
      issues.push({ path: `${at}.domain`, message: `"${cookie.domain}" is not the page's host ${pageUrl.hostname} or a parent domain of it` });
    }
  });

  if (issues.length > 0 || pageUrl === undefined || selectors === undefined) {
    throw new InputValidationError('account', sortIssues([...issues, ...selectorIssues]));
  }
  return { pageUrl, selectors, cookies, selectorIssues };
}

const FIELD_ORDER = ['handle', ...GENERIC_SELECTOR_FIELDS.map((field) => `selectors.${field}`)];

/** `issues` by field, in the order of FIELD_ORDER (cookies last), each path once. */
export function sortIssues(issues: readonly InputIssue[]): InputIssue[] {
  const rank = (path: string): number => {
    const index = FIELD_ORDER.indexOf(path);
    return index === -1 ? FIELD_ORDER.length : index;
  };
  const seen = new Set<string>();
  return [...issues]
    .sort((a, b) => rank(a.path) - rank(b.path))
    .filter((issue) => !seen.has(issue.path) && seen.add(issue.path).size > 0);
}

function pageUrlOf(handle: string, baseUrl: string): URL | undefined {
  try {
    const url = baseUrl === '' ? new URL(handle.trim()) : new URL(handle.trim(), `${baseUrl}/`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6265 domain matching: the host itself, or a parent domain of a host name (never of an IP address). */
function domainMatches(host: string, domain: string): boolean {
  const bare = domain.trim().toLowerCase().replace(/^\./u, '');
  if (bare === '') return false;
  if (host === bare) return true;
  const isIp = /^[\d.]+$/u.test(host) || host.startsWith('[');
  return !isIp && bare.includes('.') && host.endsWith(`.${bare}`);
}

function detailOf(error: unknown): string {
  return error instanceof Error && error.message !== '' ? ` (${error.message})` : '';
}
