import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchPlainBrowserTabs } from '../../test/support/plain-browser-tabs.js';
import { detectBlockPage } from './detect-block-page.js';

// Literal snippets in the shape of the real pages (trimmed). Every subresource request is aborted:
// the tests must not reach google.com or cloudflare.com, and detection must not need them to load.

const GOOGLE_SORRY = `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"><meta name="viewport" content="initial-scale=1"><title>https://www.youtube.com/@acme/posts</title></head>
<body style="font-family: arial, sans-serif; background-color: #fff; color: #000; padding:20px; font-size:18px;">
<div style="max-width:400px;"><hr noshade size="1" style="color:#ccc; background-color:#ccc;"><br>
<form id="captcha-form" action="index" method="post">
<noscript><div style="font-size:13px;">In order to continue, please enable javascript on your web browser.</div></noscript>
<script src="https://www.google.com/recaptcha/api.js" async defer></script>
<script>var submitCallback = function(response) {document.getElementById('captcha-form').submit();};</script>
<div id="recaptcha" class="g-recaptcha" data-sitekey="6LfwuyUTAAAAAOAmoS0fdqijC2PbbdH4kjq62Y1b" data-callback="submitCallback" data-s="x"></div>
<input type='hidden' name='q' value='EgRkNd'><input type="hidden" name="continue" value="https://www.youtube.com/@acme/posts">
</form><hr noshade size="1" style="color:#ccc; background-color:#ccc;">
<div style="font-size:13px;"><b>About this page</b><br><br>Our systems have detected unusual traffic from your computer network.  This page checks to see if it&#39;s really you sending the requests, and not a robot.<br><br>
IP address: 203.0.113.5<br>Time: 2026-11-20T12:00:00Z<br>URL: https://www.youtube.com/@acme/posts<br></div></div></body></html>`;

const HCAPTCHA = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Security check</title>
<script src="https://js.hcaptcha.com/1/api.js" async defer></script><style>body{font:16px system-ui}main{max-width:30em;margin:4em auto}</style></head>
<body><main><h1>One more step</h1><p>Please complete the security check to access this site.</p>
<form action="/challenge/verify" method="POST"><div class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"></div>
<button type="submit">Continue</button></form></main></body></html>`;

const CLOUDFLARE_JUST_A_MOMENT = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1"><style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15}body{display:flex;flex-direction:column;height:100vh;min-height:100vh}</style></head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content"><noscript><div id="challenge-error-title"><div class="h2"><span class="icon-wrapper"><div class="heading-icon warning-icon"></div></span><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></div></noscript></div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: "example.org",cType: 'managed',cRay: '8f0c3a1b2c3d4e5f',cH: 'Zm9v',cUPMDTk: "\\/?__cf_chl_tk=Zm9v",cFPWv: 'b',cITimeS: '1732100000',cTplC:0,cTplV:5,cTplB: 'cf',cK: "",fa: "\\/?__cf_chl_f_tk=Zm9v",md: "YmFy",mdrd: "YmF6"};var cpo = document.createElement('script');cpo.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f0c3a1b2c3d4e5f';document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>`;

const TURNSTILE = `<!DOCTYPE html><html><head><title>Verifying…</title><script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script></head>
<body><form method="post" action="/continue"><p>Please wait while we check your connection.</p>
<div class="cf-turnstile" data-sitekey="1x00000000000000000000AA" data-callback="done"></div></form></body></html>`;

const CLOUDFLARE_BLOCKED = `<!DOCTYPE html><html class="no-js" lang="en-US"><head><title>Attention Required! | Cloudflare</title><meta charset="UTF-8" /><link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" /></head>
<body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper"><div class="cf-wrapper cf-header cf-error-overview">
<h1 data-translate="block_headline">Sorry, you have been blocked</h1><h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> example.org</h2></div>
<div class="cf-section cf-wrapper"><h2 data-translate="blocked_why_headline">Why have I been blocked?</h2><p data-translate="blocked_why_detail">This website is using a security service to protect itself from online attacks.</p></div>
<div class="cf-error-footer cf-wrapper"><p><span>Cloudflare Ray ID: <strong class="font-semibold">8f0c3a1b2c3d4e5f</strong></span></p></div></div></div></body></html>`;

const NGINX_403 = `<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>`;
const NGINX_429 = `<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>`;
const VERIFY_HUMAN = `<!doctype html><html><head><title>example.org</title></head><body><div id="px-captcha-wrapper"><h1>Before we continue…</h1><p>Press &amp; hold to confirm you are a human (and not a bot).</p><p>Please verify you are human to continue.</p></div></body></html>`;

const longArticle = (extra: string) => `<!doctype html><html><head><title>Field notes | Acme blog</title>
<script src="https://www.google.com/recaptcha/api.js?render=explicit" async></script></head>
<body><nav><a href="/">Home</a> <a href="/blog">Blog</a></nav><article><h1>Ten things we learned shipping the release</h1>
${Array.from({ length: 30 }, (_, index) => `<p>Paragraph ${index + 1}: the team wrote tests first, then code, and kept the pages small so reviews stayed quick.</p>`).join('\n')}
${extra}</article>
<section id="comments"><h2>Leave a comment</h2><form action="/wp-comments-post.php" method="post"><textarea name="comment"></textarea>
<div class="g-recaptcha" data-sitekey="6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI"></div><button>Post comment</button></form></section></body></html>`;

describe('detectBlockPage', () => {
  let tabs: Awaited<ReturnType<typeof launchPlainBrowserTabs>>;
  beforeAll(async () => {
    tabs = await launchPlainBrowserTabs();
  });
  afterAll(async () => {
    await tabs.close();
  });

  const offline = async (page: Page, documents: Record<string, string> = {}) => {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const body = documents[request.url()];
      void (body === undefined ? request.abort() : request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body }));
    });
  };
  const detectIn = (html: string) =>
    tabs.withPage(async (page) => {
      await offline(page);
      await page.setContent(html, { waitUntil: 'load' });
      return detectBlockPage(page);
    });

  it('recognises Google\'s reCAPTCHA "unusual traffic" page', async () => {
    expect(await detectIn(GOOGLE_SORRY)).toBe('a reCAPTCHA challenge');
  });

  it('recognises Google\'s /sorry/ address whatever the page says', async () => {
    const url = 'https://www.google.com/sorry/index?continue=https://www.youtube.com/%40acme/posts&q=EgRkNd';
    const reason = await tabs.withPage(async (page) => {
      await offline(page, { [url]: '<html><body>…</body></html>' });
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      return detectBlockPage(page);
    });
    expect(reason).toBe('an unusual-traffic block (google.com/sorry)');
  });

  it('recognises an hCaptcha page', async () => {
    expect(await detectIn(HCAPTCHA)).toBe('an hCaptcha challenge');
  });

  it('recognises Cloudflare\'s "Just a moment..." challenge', async () => {
    expect(await detectIn(CLOUDFLARE_JUST_A_MOMENT)).toBe('a Cloudflare challenge');
  });

  it('recognises a Cloudflare Turnstile widget', async () => {
    expect(await detectIn(TURNSTILE)).toBe('a Cloudflare Turnstile challenge');
  });

  it('recognises Cloudflare\'s "you have been blocked" page', async () => {
    expect(await detectIn(CLOUDFLARE_BLOCKED)).toBe('a Cloudflare block page');
  });

  it('recognises plain HTTP 403 and 429 block pages', async () => {
    expect(await detectIn(NGINX_403)).toBe('an HTTP 403 block page');
    expect(await detectIn(NGINX_429)).toBe('an HTTP 429 rate-limit page');
  });

  it('recognises a "verify you are human" page', async () => {
    expect(await detectIn(VERIFY_HUMAN)).toBe('a "verify you are human" check');
  });

  it('passes a long article whose comment form carries a reCAPTCHA', async () => {
    expect(await detectIn(longArticle(''))).toBeUndefined();
  });

  it('passes a long page that quotes block phrases in its text', async () => {
    expect(await detectIn(longArticle('<p>Our bot check used to say "verify you are human"; now it says 429 Too Many Requests.</p>'))).toBeUndefined();
  });

  it('passes a short ordinary page', async () => {
    expect(await detectIn('<!doctype html><html><head><title>Acme</title></head><body><h1>Acme</h1><p>We make anvils.</p></body></html>')).toBeUndefined();
  });
});
