/// <reference lib="dom" />
import sharp from 'sharp';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoAccountContent } from '../demo/demo-content.js';
import { signIn, startUiHarness, type UiHarness, type UiPage } from './support/ui-harness.js';

// Every payload, if it ever ran, would write its name into window.__xss (or open a dialog).
const POST_SCRIPT = `<script>window.__xss='post-script'</script>`;
const POST_IMG = `<img src=x onerror="window.__xss='post-img'">`;
const POST_LINK = `<a href="javascript:window.__xss='post-link'">details</a>`;
const NAME_PAYLOAD = `<img src=x onerror="window.__xss='display-name'">`;
const OWNER_PAYLOAD = `<script>window.__xss='owner'</script>Mallory`;
const OCR_PAYLOAD = '<img src=x onerror=alert(1)>';

const snowflake = (at: string): string => ((BigInt(Date.parse(at)) << 16n) + 1n).toString();

/** A whiteboard photo as OCR meets it: a CONFIDENTIAL marking above an HTML payload. */
async function drawPayloadImage(): Promise<Buffer> {
  const escape = (text: string) => text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="360">
    <rect width="100%" height="100%" fill="white"/>
    <text x="40" y="130" font-family="DejaVu Sans" font-size="72" font-weight="bold" fill="black">CONFIDENTIAL</text>
    <text x="40" y="260" font-family="DejaVu Sans Mono" font-size="52" fill="black">${escape(OCR_PAYLOAD)}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const MALLORY: DemoAccountContent = {
  username: 'mallory_x',
  kind: 'employee',
  displayName: `DEMO · ${NAME_PAYLOAD}`,
  note: 'DEMO DATA: a test account whose every field carries markup.',
  owner: { employeeId: 'DEMO-6666', name: OWNER_PAYLOAD, email: 'mallory@demo.invalid', department: `<b>Ops</b>` },
  posts: [
    {
      id: snowflake('2026-10-21T09:00:00Z'),
      publishedAt: '2026-10-21T09:00:00.000Z',
      language: 'en',
      text: 'Whiteboard after the planning session',
      images: [{ file: 'mallory-whiteboard.png', width: 1200, height: 360, alt: POST_IMG }],
    },
    {
      id: snowflake('2026-10-20T09:00:00Z'),
      publishedAt: '2026-10-20T09:00:00.000Z',
      language: 'ru',
      text: `Кто-то забыл в переговорке приказ с грифом ДСП ${POST_SCRIPT} ${POST_IMG} ${POST_LINK}`,
      images: [],
    },
  ],
};

/** What would show that markup ran or was made into elements: the xss marker, dialogs, and stray elements. */
async function injectedTraces(ui: UiPage): Promise<Record<string, unknown>> {
  const inPage = await ui.page.evaluate(() => ({
    marker: (window as unknown as { __xss?: string }).__xss ?? null,
    imagesWithSrcX: document.querySelectorAll('img[src="x"]').length,
    foreignScripts: [...document.scripts].filter((script) => !script.src.includes('/assets/')).length,
    javascriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
    inlineHandlers: [...document.querySelectorAll('*')].filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).length,
    boldOps: [...document.querySelectorAll('b')].filter((element) => element.textContent === 'Ops').length,
  }));
  return { ...inPage, dialogs: ui.dialogs, pageErrors: ui.pageErrors };
}

const CLEAN = { marker: null, imagesWithSrcX: 0, foreignScripts: 0, javascriptLinks: 0, inlineHandlers: 0, boldOps: 0, dialogs: [], pageErrors: [] };

async function bodyText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

async function clickButton(page: Page, label: RegExp): Promise<void> {
  const buttons = await page.$$('button');
  for (const button of buttons) {
    const text = await button.evaluate((element) => element.textContent);
    if (label.test(text)) {
      await button.click();
      return;
    }
  }
  throw new Error(`no button matches ${String(label)}`);
}

describe('the review UI shows post text, OCR text and account fields as text, never as markup', () => {
  let harness: UiHarness;
  let findingIds: { text: string; ocr: string };

  beforeAll(async () => {
    harness = await startUiHarness({ accounts: [MALLORY], media: new Map([['mallory-whiteboard.png', await drawPayloadImage()]]) });
    const findings = await harness.db.selectFrom('findings').select(['id', 'evidence']).execute();
    const text = findings.find((finding) => finding.evidence.source === 'text');
    const ocr = findings.find((finding) => finding.evidence.source === 'ocr');
    if (!text || !ocr) throw new Error(`the scan should flag the ДСП post and the CONFIDENTIAL whiteboard; it made ${JSON.stringify(findings)}`);
    findingIds = { text: text.id, ocr: ocr.id };
  }, 300_000);

  afterAll(async () => harness.close());

  it('carried the payloads through the whole pipeline: post text and OCR text hold the markup verbatim', async () => {
    const posts = await harness.db.selectFrom('posts').select('text').where('text', 'is not', null).execute();
    expect(posts.map((post) => post.text).join('\n')).toContain(POST_SCRIPT);
    const media = await harness.db.selectFrom('media').select('ocr_text').execute();
    expect(media.map((image) => image.ocr_text ?? '').join('\n')).toMatch(/<img src=x onerror/u);
  });

  it('renders the queue, both findings (before and after reveal) and the accounts page without running or building any of it, even with the CSP turned off', async () => {
    const ui = await harness.newPage();
    // The CSP would stop inline script anyway; without it, only rendering as text stands in the way.
    await ui.page.setBypassCSP(true);
    await signIn(ui.page, harness.url, harness.users.admin);
    await ui.page.waitForFunction(() => document.body.innerText.includes('mallory_x'));
    expect(await injectedTraces(ui)).toEqual(CLEAN);

    await ui.page.goto(`${harness.url}/findings/${findingIds.text}`);
    await ui.page.waitForFunction((payload) => document.body.innerText.includes(payload), {}, POST_SCRIPT);
    expect(await bodyText(ui.page)).toContain(POST_IMG);
    expect(await bodyText(ui.page)).toContain(OWNER_PAYLOAD);
    await clickButton(ui.page, /reveal/iu);
    await ui.page.waitForFunction(() => document.body.innerText.includes('ДСП'));
    expect(await injectedTraces(ui)).toEqual(CLEAN);

    await ui.page.goto(`${harness.url}/findings/${findingIds.ocr}`);
    await ui.page.waitForFunction(() => document.body.innerText.includes('Whiteboard after the planning session'));
    await clickButton(ui.page, /reveal/iu);
    await ui.page.waitForFunction(() => document.body.innerText.includes('onerror'));
    expect(await injectedTraces(ui)).toEqual(CLEAN);

    await ui.page.goto(`${harness.url}/accounts`);
    await ui.page.waitForFunction((payload) => document.body.innerText.includes(payload), {}, 'mallory_x');
    expect(await injectedTraces(ui)).toEqual(CLEAN);
    await ui.page.close();
  }, 120_000);

  it('serves every page of the app with a CSP that forbids inline script', async () => {
    const response = await fetch(`${harness.url}/findings/${findingIds.text}`, { headers: { accept: 'text/html' } });
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/u);
  });
});
