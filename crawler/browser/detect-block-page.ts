import { loadHtml } from '../load-html.js';
import type { Page } from 'puppeteer-core';

/**
 * Generic captcha, bot-check and block pages, recognised in a loaded tab so a browser adapter can
 * report them (PlatformBlockedError) instead of reading them as an empty feed. Detection only:
 * nothing here clicks, solves or waits out a challenge.
 */

// A challenge or block page says little besides the challenge. Widgets and phrases count only on
// a page with less readable text than this (characters), so a blog whose comment form carries a
// reCAPTCHA, or a post that quotes "verify you are human", is not taken for a block page.
const SHORT_PAGE_CHARS = 1_500;

interface Marker {
  reason: string;
  test: RegExp;
}

// Addresses of challenge widgets, seen in iframe/script `src` and in the tab's frame URLs.
const WIDGET_URLS: readonly Marker[] = [
  { reason: 'a reCAPTCHA challenge', test: /(?:google\.com|recaptcha\.net|gstatic\.com)\/recaptcha\//iu },
  { reason: 'an hCaptcha challenge', test: /(?:^|[/.])hcaptcha\.com\//iu },
  { reason: 'a Cloudflare Turnstile challenge', test: /challenges\.cloudflare\.com\/(?:turnstile|cdn-cgi)/iu },
];

// Widget containers the challenge scripts render into.
const WIDGET_SELECTORS: readonly { reason: string; selector: string }[] = [
  { reason: 'a reCAPTCHA challenge', selector: '.g-recaptcha, #recaptcha, iframe[title*="reCAPTCHA" i]' },
  { reason: 'an hCaptcha challenge', selector: '.h-captcha, iframe[title*="hCaptcha" i]' },
  { reason: 'a Cloudflare Turnstile challenge', selector: '.cf-turnstile' },
];

// Cloudflare's interstitial ("Just a moment…") carries these whatever its length; no ordinary page does.
const CLOUDFLARE_CHALLENGE: readonly RegExp[] = [
  /window\._cf_chl_opt\b/u,
  /\/cdn-cgi\/challenge-platform\//u,
  /\bcf-browser-verification\b/u,
  /\bcf-challenge-running\b/u,
  /\bid=["']?challenge-error-text\b/u,
];

// Phrases of bot checks and HTTP block pages, matched in the title, the headings and the readable
// text of a short page (headings first: `^forbidden` means a heading that starts with it).
const BLOCK_PHRASES: readonly Marker[] = [
  { reason: 'a "verify you are human" check', test: /verify (?:that )?you are (?:a )?human|are you a robot|confirm you are not a robot|i'?m not a robot/iu },
  { reason: 'a browser check', test: /checking (?:if the site connection is secure|your browser before accessing)|just a moment\.\.\.|just a moment…/iu },
  { reason: 'an unusual-traffic block', test: /unusual traffic from your (?:computer )?network|automated (?:queries|requests)/iu },
  { reason: 'a Cloudflare block page', test: /attention required!? \| cloudflare|sorry, you have been blocked/iu },
  { reason: 'an HTTP 429 rate-limit page', test: /\b429\b.{0,20}too many requests|^too many requests\b|rate limit(?:ed| exceeded)/iu },
  { reason: 'an HTTP 403 block page', test: /\b403\b.{0,20}forbidden|^forbidden\b|^access denied\b|you don'?t have permission to access/iu },
];

// Google's own bot check, which YouTube and others redirect to.
const BLOCK_URLS: readonly Marker[] = [
  { reason: 'an unusual-traffic block (google.com/sorry)', test: /^https?:\/\/(?:www\.|ipv4\.|ipv6\.)?google\.[a-z.]+\/sorry\//iu },
  { reason: 'a Cloudflare challenge', test: /\/cdn-cgi\/challenge-platform\//iu },
];

/**
 * Returns why the page in `page` is a captcha, bot-check or block page (a short reason for
 * PlatformBlockedError), or undefined for an ordinary page. Widgets (reCAPTCHA, hCaptcha,
 * Turnstile) and block phrases count only on a short page (under 1,500 characters of text);
 * Cloudflare's challenge markers and Google's /sorry/ address count on any page.
 */
export async function detectBlockPage(page: Page): Promise<string | undefined> {
  const url = page.url();
  for (const marker of BLOCK_URLS) if (marker.test.test(url)) return marker.reason;

  const html = await page.content();
  const frameUrls = page.frames().map((frame) => frame.url());
  return detectBlockHtml(html, frameUrls);
}

function detectBlockHtml(html: string, frameUrls: readonly string[]): string | undefined {
  const $ = loadHtml(html);
  for (const marker of CLOUDFLARE_CHALLENGE) if (marker.test(html)) return 'a Cloudflare challenge';

  const sources = [
    ...frameUrls,
    ...$('iframe[src], script[src]')
      .map((_, element) => $(element).attr('src') ?? '')
      .get(),
  ];
  const title = collapse($('title').first().text());
  $('script, style, noscript, template').remove();
  const bodyText = collapse($('body').text());
  if (bodyText.length >= SHORT_PAGE_CHARS) return undefined;

  for (const marker of WIDGET_URLS) {
    if (sources.some((source) => marker.test.test(source))) return marker.reason;
  }
  for (const widget of WIDGET_SELECTORS) {
    if ($(widget.selector).length > 0) return widget.reason;
  }
  const headings = [title, ...$('h1, h2').map((_, element) => collapse($(element).text())).get()].filter((text) => text !== '');
  for (const marker of BLOCK_PHRASES) {
    if (headings.some((heading) => marker.test.test(heading)) || marker.test.test(bodyText)) return marker.reason;
  }
  return undefined;
}

function collapse(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
