/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccountContent } from '../demo/demo-content.js';
import { signIn, startUiHarness, type UiHarness } from './support/ui-harness.js';

// A login wall's text as a platform sent it: if it were ever made into elements, the img would run.
const MARKUP_ERROR = `<img src=x onerror="window.__xss='gap'"><b>Sign in to see more</b>`;
const HOUR_MS = 3_600_000;

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.0/2.1 A and AA checks on the page as it is now, as `rule: targets` lines. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(await AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
  });
}

const snowflake = (at: string): string => ((BigInt(Date.parse(at)) << 16n) + 1n).toString();

/** Two small accounts with text posts only: the seeding scan needs no OCR. */
const ACCOUNTS = ['gap_corp', 'gap_anna'].map((username, index): DemoAccountContent => ({
  username,
  kind: index === 0 ? 'corporate' : 'employee',
  displayName: `DEMO · ${username}`,
  note: 'DEMO DATA: a test account for coverage gaps.',
  ...(index === 0 ? {} : { owner: { employeeId: 'DEMO-7001', name: 'Anna Gap', email: 'anna.gap@demo.invalid', department: 'Ops' } }),
  posts: [{ id: snowflake(`2026-10-2${index}T09:00:00Z`), publishedAt: `2026-10-2${index}T09:00:00.000Z`, language: 'en', text: 'Lunch with the team', images: [] }],
}));

describe('coverage in the review UI, end to end in Chromium', () => {
  let harness: UiHarness;
  let accounts: { id: string; handle: string }[];

  beforeAll(async () => {
    harness = await startUiHarness({ accounts: ACCOUNTS });
    accounts = await harness.db.selectFrom('accounts').select(['id', 'handle']).orderBy('handle').execute();
  }, 300_000);

  afterAll(async () => harness.close());

  /** Opens a login-wall gap on an account, as the collector leaves it: started `hoursAgo`, the account blocked. */
  async function openGap(accountId: string, hoursAgo: number): Promise<{ id: string; startedAt: Date }> {
    const now = Date.now();
    const startedAt = new Date(now - hoursAgo * HOUR_MS);
    const gap = await harness.db
      .insertInto('coverage_gaps')
      .values({
        account_id: accountId,
        platform: 'mastodon',
        started_at: startedAt,
        detected_at: new Date(startedAt.getTime() + 10 * 60_000),
        last_failed_at: new Date(now - 5 * 60_000),
        reason: 'login_wall',
        last_error: MARKUP_ERROR,
        failures: 4,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await harness.db
      .updateTable('accounts')
      .set({ status: 'blocked', last_error: MARKUP_ERROR, last_error_at: new Date(now - 5 * 60_000), consecutive_failures: 4 })
      .where('id', '=', accountId)
      .execute();
    return { id: gap.id, startedAt };
  }

  /** Ends a gap as a restoring collection does: two posts caught up, the first hour never collected. */
  async function closeGap(gap: { id: string; startedAt: Date }, accountId: string): Promise<void> {
    const now = new Date();
    await harness.db
      .updateTable('coverage_gaps')
      .set({ ended_at: now, caught_up_posts: 2, uncovered_until: new Date(gap.startedAt.getTime() + HOUR_MS) })
      .where('id', '=', gap.id)
      .execute();
    await harness.db.updateTable('accounts').set({ status: 'ok', consecutive_failures: 0, last_success_at: now }).where('id', '=', accountId).execute();
  }

  const textOf = (page: Page, selector: string) => page.$eval(selector, (element) => (element as HTMLElement).innerText);

  it('shows the banner with the count on the findings page, and its link leads to the gap with its span, reason and error as text', async () => {
    const [gapped] = accounts;
    if (gapped === undefined) throw new Error('the harness registered no account');
    const gap = await openGap(gapped.id, 3);
    try {
      const { page, pageErrors, dialogs } = await harness.newPage();
      await signIn(page, harness.url, harness.users.reviewer, '/findings');
      await page.waitForSelector('[data-testid=coverage-banner]');
      expect(await textOf(page, '[data-testid=coverage-banner]')).toMatch(/^1 account not covered since .+ — findings may be missing\./u);
      expect(await page.$eval('[data-testid=coverage-banner]', (element) => element.closest('[role=status]') !== null)).toBe(true);

      await page.locator('[data-testid=coverage-banner] a[href="/coverage"]').click();
      const row = `[data-testid=open-gaps] tr[data-gap-id="${gap.id}"]`;
      await page.waitForSelector(row);
      expect(page.url()).toBe(`${harness.url}/coverage`);
      expect(await textOf(page, `${row} .coverage-handle`)).toBe(gapped.handle);
      expect(await page.$eval(`${row} time`, (element) => element.getAttribute('datetime'))).toBe(gap.startedAt.toISOString());
      expect(await textOf(page, `${row} .coverage-duration`)).toMatch(/^3 hr( \d+ min)?$/u);
      expect(await textOf(page, `${row} .coverage-reason`)).toBe('Login wall');
      expect(await page.$eval(`${row} .coverage-error-text`, (element) => element.textContent)).toBe(MARKUP_ERROR);
      expect(await textOf(page, '[data-testid=coverage-totals]')).toMatch(/Accounts not covered\s+1\b/u);
      // The banner (a live region) and the open gap's table as assistive technology meets them.
      await page.waitForSelector('[data-testid=closed-gaps], [data-testid=closed-gaps-empty]');
      expect(await accessibilityViolations(page)).toEqual([]);

      // The accounts list offers the uncovered ones alone, each saying since when and why.
      await page.goto(`${harness.url}/accounts?coverage=uncovered`);
      await page.waitForSelector('tr[data-account-id]');
      expect(await page.$$eval('tr[data-account-id]', (rows) => rows.map((element) => element.getAttribute('data-account-id')))).toEqual([gapped.id]);
      expect(await textOf(page, `tr[data-account-id="${gapped.id}"] .accounts-not-covered`)).toMatch(/^Not covered since .+ \(for 3 hr( \d+ min)?\): Login wall$/u);

      const traces = await page.evaluate(() => ({
        marker: (window as unknown as { __xss?: string }).__xss ?? null,
        imagesWithSrcX: document.querySelectorAll('img[src="x"]').length,
        boldSignIn: [...document.querySelectorAll('b')].filter((element) => element.textContent === 'Sign in to see more').length,
      }));
      expect({ ...traces, pageErrors, dialogs }).toEqual({ marker: null, imagesWithSrcX: 0, boldSignIn: 0, pageErrors: [], dialogs: [] });
      await page.close();
    } finally {
      await closeGap(gap, gapped.id);
    }
  }, 90_000);

  it('takes the banner away once the gap has ended, and lists the gap as ended with the posts never collected', async () => {
    const [gapped] = accounts;
    if (gapped === undefined) throw new Error('the harness registered no account');
    const gap = await openGap(gapped.id, 5);
    const { page, pageErrors } = await harness.newPage();
    await signIn(page, harness.url, harness.users.reviewer, '/findings');
    await page.waitForSelector('[data-testid=coverage-banner]');
    await closeGap(gap, gapped.id);

    // The coverage page and the banner read the same reply: once the totals say 0, the banner has had its say.
    await page.goto(`${harness.url}/coverage`);
    await page.waitForFunction(() => /Accounts not covered\s+0\b/u.test(document.querySelector<HTMLElement>('[data-testid=coverage-totals]')?.innerText ?? ''));
    expect(await page.$('[data-testid=coverage-banner]')).toBeNull();
    const row = `[data-testid=closed-gaps] tr[data-gap-id="${gap.id}"]`;
    await page.waitForSelector(row);
    const rowText = await textOf(page, row);
    expect(rowText).toContain('2 posts collected');
    expect(rowText).toMatch(/Posts from .+ to .+ were not collected\./u);
    expect(rowText).toContain('for 5 hr');
    await page.waitForSelector('[data-testid=open-gaps-empty]');

    await page.locator('nav a[href="/findings"]').click();
    await page.waitForFunction(() => window.location.pathname === '/findings');
    await page.waitForSelector('main h1');
    expect(await page.$('[data-testid=coverage-banner]')).toBeNull();
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows an auditor the coverage page with the gap and no button that changes anything', async () => {
    const gapped = accounts[1];
    if (gapped === undefined) throw new Error('the harness registered no second account');
    const gap = await openGap(gapped.id, 2);
    try {
      const { page, pageErrors } = await harness.newPage();
      await signIn(page, harness.url, harness.users.auditor, '/coverage');
      expect(await page.$$eval('header nav a', (links) => links.map((link) => link.getAttribute('href')))).toContain('/coverage');
      await page.waitForSelector(`[data-testid=open-gaps] tr[data-gap-id="${gap.id}"]`);
      await page.waitForSelector('[data-testid=closed-gaps], [data-testid=closed-gaps-empty]');
      await page.waitForSelector('[data-testid=coverage-banner]');
      const buttons = await page.$$eval('main button', (elements) => elements.map((element) => element.textContent.trim()));
      expect(buttons.filter((text) => !/^(load more|try again)$/iu.test(text))).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.close();
    } finally {
      await closeGap(gap, gapped.id);
    }
  }, 90_000);
});
