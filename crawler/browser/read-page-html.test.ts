import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../core/errors.js';
import { launchPlainBrowserTabs } from '../../test/support/plain-browser-tabs.js';
import { readPageHtml } from './read-page-html.js';

let tabs: Awaited<ReturnType<typeof launchPlainBrowserTabs>>;

beforeAll(async () => {
  tabs = await launchPlainBrowserTabs();
});

afterAll(async () => {
  await tabs.close();
});

const failure = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

describe('readPageHtml', () => {
  it('gives the same HTML as page.content() when the page is within the limit', async () => {
    await tabs.withPage(async (page) => {
      await page.setContent('<!DOCTYPE html><html><head><title>T</title></head><body><p>Привет &amp; hello</p></body></html>');
      expect(await readPageHtml(page, 10_000, 'generic')).toBe(await page.content());
    });
  });

  it('refuses a page larger than the limit, naming the platform and the limit', async () => {
    await tabs.withPage(async (page) => {
      await page.setContent(`<!DOCTYPE html><html><body><p>${'x'.repeat(5_000)}</p></body></html>`);
      const error = await failure(readPageHtml(page, 4_096, 'vk'));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toMatch(/^vk: the page .+ rendered \d+ bytes of HTML, more than the 4096-byte limit/u);
    });
  });

  it('counts bytes in UTF-8, so two-byte letters reach the limit at half as many characters', async () => {
    await tabs.withPage(async (page) => {
      // 3,000 Cyrillic letters: 3,000 characters, 6,000 bytes.
      await page.setContent(`<html><body>${'ж'.repeat(3_000)}</body></html>`);
      expect(await failure(readPageHtml(page, 5_000, 'vk'))).toBeInstanceOf(PermanentError);
      expect(await readPageHtml(page, 7_000, 'vk')).toContain('ж'.repeat(3_000));
    });
  });
});
