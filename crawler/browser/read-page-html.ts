import type { Page } from 'puppeteer-core';
import { redactUrl } from '../../core/config.js';
import { PermanentError } from '../../core/errors.js';
import type { PlatformName } from '../platform-adapter.js';

// Serialised in the page as `page.content()` does (doctype, then the root element), measured there
// in UTF-8 bytes, and handed over only when within the limit: one round trip, so a DOM that grows
// between a size check and the read cannot slip past the cap. A string, not a function: the
// project compiles without DOM types.
const serializeWithin = (maxBytes: number): string => `(() => {
  const doctype = document.doctype === null ? '' : new XMLSerializer().serializeToString(document.doctype);
  const root = document.documentElement;
  const html = doctype + (root === null ? '' : root.outerHTML);
  const bytes = new Blob([html]).size;
  return bytes > ${maxBytes} ? bytes : html;
})()`;

/**
 * The rendered HTML of `page` (what `page.content()` gives), read only when it is at most
 * `maxBytes` bytes in UTF-8 (BrowserTabs.maxPageBytes): a larger document stays in the browser and
 * a PermanentError names the platform, the page (redacted) and the limit.
 */
export async function readPageHtml(page: Page, maxBytes: number, platform: PlatformName): Promise<string> {
  const answer: unknown = await page.evaluate(serializeWithin(Math.floor(maxBytes)));
  if (typeof answer === 'string') return answer;
  const where = redactUrl(page.url());
  if (typeof answer !== 'number') throw new PermanentError(`${platform}: the page ${where} gave no HTML to read; the tab may have crashed`);
  throw new PermanentError(
    `${platform}: the page ${where} rendered ${answer} bytes of HTML, more than the ${maxBytes}-byte limit (CRAWL_MAX_PAGE_BYTES); raise the limit if the page is genuine`,
  );
}
