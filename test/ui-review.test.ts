/// <reference lib="dom" />
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startUiHarness, type UiHarness } from './support/ui-harness.js';

/** Polls `read` until it returns something `isDone` accepts (the UI's change reaching the database). */
async function eventually<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!isDone(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** The finding ids of the queue's rows, top to bottom, and the highlighted one. */
async function queueRows(page: Page): Promise<{ ids: string[]; active: string | null }> {
  return page.evaluate(() => ({
    ids: [...document.querySelectorAll('tr[data-finding-id]')].map((row) => row.getAttribute('data-finding-id') ?? ''),
    active: document.querySelector('tr[data-finding-id][aria-current="true"]')?.getAttribute('data-finding-id') ?? null,
  }));
}

async function pressKey(page: Page, key: 'j' | 'k' | 'x' | 'c' | 'f' | 'a' | 'Enter'): Promise<void> {
  // Shortcuts are ignored while a field has focus: start from the page itself.
  await page.evaluate(() => (document.activeElement instanceof HTMLInputElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press(key);
}

describe('triage in the review UI, end to end in Chromium', () => {
  let harness: UiHarness;

  beforeAll(async () => {
    harness = await startUiHarness();
  }, 300_000);

  afterAll(async () => harness.close());

  const findingRow = (id: string) =>
    harness.db.selectFrom('findings').select(['state', 'resolution', 'assignee_id', 'version']).where('id', '=', id).executeTakeFirstOrThrow();

  it('refuses a wrong password with a clear message, then signs in', async () => {
    const { page } = await harness.newPage();
    await page.goto(`${harness.url}/findings`);
    await page.locator('input#username').fill(harness.users.reviewer.username);
    await page.locator('input#password').fill('not the password');
    await page.locator('form button[type=submit]').click();
    const alert = await page.waitForSelector('[role=alert]');
    expect(await alert?.evaluate((element) => element.textContent)).toMatch(/username or password is wrong/u);
    await signIn(page, harness.url, harness.users.reviewer);
    expect(await page.$$eval('nav[aria-label] a', (links) => links.map((link) => link.getAttribute('href')))).not.toContain('/audit');
    await page.close();
  }, 60_000);

  it('triages with the keyboard: j moves, c confirms, f asks for the comment, a assigns, Enter opens', async () => {
    const { page, pageErrors } = await harness.newPage();
    await signIn(page, harness.url, harness.users.reviewer);
    await page.waitForSelector('tr[data-finding-id]');
    const { ids } = await queueRows(page);
    expect(ids.length).toBeGreaterThanOrEqual(5);

    await pressKey(page, 'j');
    const first = (await queueRows(page)).active;
    expect(first).toBe(ids[0]);
    await pressKey(page, 'c');
    expect(await eventually(() => findingRow(first!), (row) => row.state === 'resolved')).toMatchObject({ state: 'resolved', resolution: 'confirmed_leak' });

    // The highlight moved on to the next finding; f asks why it is not a leak before resolving.
    const second = await eventually(() => queueRows(page).then((rows) => rows.active), (active) => active !== null && active !== first);
    await pressKey(page, 'f');
    const dialog = await page.waitForSelector('dialog[open]');
    await dialog!.$eval('textarea', (element) => element.focus());
    await page.keyboard.type('A stock photo: the badge number is printed on every sample badge.');
    await dialog!.$eval('form', (form) => form.requestSubmit());
    expect(await eventually(() => findingRow(second!), (row) => row.state === 'resolved')).toMatchObject({ resolution: 'false_positive' });
    const comments = await harness.db.selectFrom('finding_comments').select('body').where('finding_id', '=', second!).execute();
    expect(comments.map((comment) => comment.body)).toContain('A stock photo: the badge number is printed on every sample badge.');

    const third = await eventually(() => queueRows(page).then((rows) => rows.active), (active) => active !== null && active !== second);
    await pressKey(page, 'a');
    expect(await eventually(() => findingRow(third!), (row) => row.assignee_id !== null)).toMatchObject({ assignee_id: harness.users.reviewer.id });
    await page.waitForFunction(
      (id, name) => document.querySelector(`tr[data-finding-id="${id}"]`)?.textContent.includes(name) === true,
      {},
      third!,
      harness.users.reviewer.username,
    );

    await pressKey(page, 'Enter');
    await page.waitForFunction((id) => location.pathname === `/findings/${id}`, {}, third!);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('reveals evidence only on request, and the reveal is in the audit log', async () => {
    // A finding whose evidence is in no fixed text of the page (a rule's title can name a marking like ДСП).
    const candidates = await harness.db
      .selectFrom('findings')
      .innerJoin('accounts', 'accounts.id', 'findings.account_id')
      .select(['findings.id', 'findings.evidence', 'findings.title', 'accounts.handle', 'accounts.owner_employee_id', 'accounts.owner_name', 'accounts.owner_email'])
      .where((eb) => eb(eb.ref('findings.evidence', '->>').key('source'), '=', 'text'))
      .execute();
    const finding = candidates.find(
      (candidate) =>
        candidate.evidence.text.length >= 8 &&
        ![candidate.title, candidate.handle, candidate.owner_employee_id, candidate.owner_name, candidate.owner_email].some((shown) => (shown ?? '').includes(candidate.evidence.text)),
    );
    if (!finding) throw new Error(`no text finding with evidence of 8 characters or more outside its title: ${JSON.stringify(candidates.map((c) => c.title))}`);
    const evidenceText = finding.evidence.text;
    const { page } = await harness.newPage();
    await signIn(page, harness.url, harness.users.reviewer, `/findings/${finding.id}`);
    await page.waitForSelector('mark');
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(evidenceText);
    const revealsBefore = await harness.db.selectFrom('audit_log').select('id').where('action', '=', 'evidence.revealed').where('target_id', '=', finding.id).execute();
    expect(revealsBefore).toEqual([]);

    await page.locator('::-p-aria(Reveal evidence)').click();
    await page.waitForFunction((text) => document.body.innerText.includes(text), {}, evidenceText);
    const reveals = await eventually(
      () => harness.db.selectFrom('audit_log').select(['actor_id', 'details']).where('action', '=', 'evidence.revealed').where('target_id', '=', finding.id).execute(),
      (rows) => rows.length > 0,
    );
    expect(reveals[0]?.actor_id).toBe(harness.users.reviewer.id);
    // The audit entry says that it was revealed, never what.
    expect(JSON.stringify(reveals)).not.toContain(evidenceText);
    await page.close();
  }, 60_000);

  it('resolves a selection in bulk', async () => {
    const { page } = await harness.newPage();
    await signIn(page, harness.url, harness.users.reviewer);
    await page.waitForSelector('tr[data-finding-id]');
    const { ids } = await queueRows(page);
    const chosen = ids.slice(0, 2);
    await pressKey(page, 'j');
    await pressKey(page, 'x');
    await pressKey(page, 'j');
    await pressKey(page, 'x');
    const bulk = page.locator('::-p-aria([name="Actions on the selected findings"][role="region"]) ::-p-aria(Confirm leak)');
    await bulk.click();
    for (const id of chosen) {
      expect(await eventually(() => findingRow(id), (row) => row.state === 'resolved')).toMatchObject({ state: 'resolved', resolution: 'confirmed_leak' });
    }
    const untouched = ids.slice(2);
    for (const id of untouched) expect((await findingRow(id)).state).not.toBe('resolved');
    await page.close();
  }, 60_000);

  it('imports accounts from a CSV with a bad row: the good rows are added and the bad line is named with its problem', async () => {
    const { page } = await harness.newPage();
    await signIn(page, harness.url, harness.users.admin, '/accounts');
    await page.locator('::-p-aria(Import CSV)').click();
    const csv = ['platform,handle,kind,owner_name,owner_employee_id', 'telegram,orbital_news_ui,corporate,,', 'myspace,bad_row,corporate,,', 'mastodon,eve_ui@social.example,employee,Eve Adams,E-7'].join('\n');
    await page.locator('::-p-aria(Or paste the CSV text)').click();
    await page.keyboard.type(csv);
    await page.locator('[data-testid="import-accounts-form"] button[type=submit]').click();
    const result = await page.waitForSelector('[data-testid="import-result"]');
    const text = await result!.evaluate((element) => element.textContent);
    expect(text).toMatch(/3/u);
    expect(text).toContain('myspace');
    const handles = (await harness.db.selectFrom('accounts').select('handle').execute()).map((account) => account.handle);
    expect(handles).toEqual(expect.arrayContaining(['orbital_news_ui', 'eve_ui@social.example']));
    expect(handles).not.toContain('bad_row');
    await page.close();
  }, 60_000);

  it("prepares the owner's notice without the evidence, and records that the owner was notified only once it is marked sent", async () => {
    const finding = await harness.db
      .selectFrom('findings')
      .innerJoin('accounts', 'accounts.id', 'findings.account_id')
      .select(['findings.id', 'findings.evidence', 'accounts.owner_email'])
      .where('accounts.owner_email', 'is not', null)
      .executeTakeFirstOrThrow();
    const { page } = await harness.newPage();
    await signIn(page, harness.url, harness.users.reviewer, `/findings/${finding.id}`);
    await page.locator('::-p-aria(Notify owner…)').click();
    const dialog = await page.waitForSelector('dialog[open]');
    await page.locator('::-p-aria(Write the message)').click();
    await page.waitForFunction(() => [...document.querySelectorAll('dialog[open] textarea')].some((area) => (area as HTMLTextAreaElement).value.length > 40));
    const message = await dialog!.$$eval('textarea, input[readonly]', (fields) => fields.map((field) => (field as HTMLTextAreaElement).value).join('\n'));
    expect(message).not.toContain(finding.evidence.text);
    const mailto = await dialog!.$eval('a[href^="mailto:"]', (link) => link.getAttribute('href'));
    expect(decodeURIComponent(mailto ?? '')).toContain(`mailto:${finding.owner_email!}`);
    const notifiedAt = () => harness.db.selectFrom('findings').select('owner_notified_at').where('id', '=', finding.id).executeTakeFirstOrThrow();
    // Writing the message is not sending it: nothing is recorded yet.
    expect((await notifiedAt()).owner_notified_at).toBeNull();
    expect(await page.$eval('[data-testid="finding-owner-notified"]', (item) => item.textContent)).toBe('The owner has not been notified.');

    await page.locator('::-p-aria(Mark as sent)').click();
    const notified = await eventually(notifiedAt, (row) => row.owner_notified_at !== null);
    expect(notified.owner_notified_at).not.toBeNull();
    await page.waitForFunction(() => document.querySelector('dialog[open]')?.textContent.includes('Marked as sent') === true);
    await page.waitForFunction(() => document.querySelector('[data-testid="finding-owner-notified"]')?.textContent.startsWith('The owner was notified') === true);
    await page.close();
  }, 60_000);
});
