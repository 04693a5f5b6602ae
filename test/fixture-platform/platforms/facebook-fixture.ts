import type { FixtureHelpers, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixtureImage, FixturePost } from '../fixture-network.js';

/**
 * A Facebook public page (`/<page>`) for the fixture network, as a logged-out visitor gets it:
 * 10 posts a page as `[role="article"]` with generated class names, the message in
 * `[data-ad-comet-preview="message"]`, pictures marked `data-visualcompletion="media-vc-image"`,
 * shares as "shared a post." with the original nested as its own article, and a login banner
 * that does not hide the feed. The first page has the www layout (time in the permalink's
 * aria-label); "See more stories" (`?cursor=`) leads to older pages in the classic layout (time in
 * `abbr[data-utime]`). Pages named `*.eu` answer as Facebook does a visitor from the EU without a
 * consent cookie: the feed behind the cookie-consent dialog. Unknown names get "This content
 * isn't available right now" (404). The login wall is the "You must log in to continue" dialog
 * on a first page and, on an older page, a redirect to /login/?next=.
 */

const PAGE_SIZE = 10;
const HTML_HEADERS = {
  'content-type': 'text/html; charset="utf-8"',
  'cache-control': 'private, no-cache, no-store, must-revalidate',
  'x-frame-options': 'DENY',
  'x-fb-debug': 'fixtureDebugToken==',
};

/** The Facebook platform of the fixture server. */
export const facebookFixture: PlatformFixture = {
  platform: 'facebook',

  handle(request, helpers) {
    if (/^\/login(?:\/|\.php)?$/u.test(request.path)) return loginPage();
    const match = /^\/([A-Za-z0-9._-]+)\/?$/u.exec(request.path);
    if (match === null) return undefined;
    const account = helpers.network.accounts.get(match[1] ?? '');
    if (account === undefined) return notFoundPage();
    const cursor = request.query.get('cursor');
    const before = cursor === null ? undefined : Number(/^timeline:(\d+)$/u.exec(Buffer.from(cursor, 'base64url').toString())?.[1]);
    if (before !== undefined && Number.isNaN(before)) return { status: 400, headers: HTML_HEADERS, body: '<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>' };
    return { status: 200, headers: HTML_HEADERS, body: renderPage(account, before, helpers) };
  },

  loginWall(request, helpers) {
    // Older posts need a login: Facebook sends the visitor to the login form and back.
    if (request.query.has('cursor')) {
      return { status: 302, headers: { location: `${helpers.baseUrl}/login/?next=${encodeURIComponent(`${helpers.baseUrl}${request.path}`)}` }, body: '' };
    }
    return loginPage();
  },

  malformed(request, helpers) {
    const answer = facebookFixture.handle(request, helpers);
    if (answer === undefined || typeof answer.body !== 'string' || answer.status !== 200) {
      return { status: 200, headers: HTML_HEADERS, body: '<!DOCTYPE html><html id="facebook"><head><title>Facebook</title></head><body><div role="main"><div role="feed"><div role="art' };
    }
    // Cut inside the first post, before its header, as a dropped connection leaves it.
    const start = answer.body.indexOf('role="article"');
    return { ...answer, body: answer.body.slice(0, start === -1 ? answer.body.length >> 1 : start + 60) };
  },
};

function renderPage(account: FixtureAccount, before: number | undefined, helpers: FixtureHelpers): string {
  const root = new URL(helpers.baseUrl).pathname;
  const older = before === undefined ? account.posts : account.posts.filter((post) => post.id < before);
  const posts = older.slice(0, PAGE_SIZE);
  const last = posts.at(-1);
  const hasMore = last !== undefined && older.length > PAGE_SIZE;
  const isClassic = before !== undefined;
  const articles = posts.map((post, index) => renderArticle(account, post, index + 1, isClassic, helpers)).join('\n');
  const seeMore = hasMore
    ? `<div id="see_more_stories" class="x1yztbdb"><a href="${root}/${account.handle}?cursor=${Buffer.from(`timeline:${last.id}`).toString('base64url')}&amp;refid=17" role="link">See more stories</a></div>`
    : '';
  const consent = account.handle.endsWith('.eu') ? consentDialog() : '';
  return `<!DOCTYPE html><html id="facebook" class="__fb-light-mode" lang="en" dir="ltr"><head><meta charset="utf-8">
<meta name="referrer" content="origin-when-crossorigin" id="meta_referrer"><title>${escapeHtml(account.displayName)} | Facebook</title>
<meta property="og:title" content="${escapeHtml(account.displayName)}"><meta property="og:url" content="https://www.facebook.com/${account.handle}/">
<style nonce="fx1">.x1yztbdb{margin-bottom:16px}.x9f619{box-sizing:border-box}.x1n2onr6{position:relative}</style>
<script nonce="fx1">requireLazy(["Bootloader"],function(b){b.handlePayload({"consistency":{"rev":1019245178}});});</script>
<script type="application/json" data-content-len="120" data-sjs>{"require":[["ScheduledServerJS","handle",null,[{"__bbox":{"define":[["CurrentUserInitialData",[],{"ACCOUNT_ID":"0","USER_ID":"0","NAME":""},270]]}}]]]}</script>
</head><body class="_6s5d _71pn system-fonts--body segoe">
<div id="mount_0_0_Fx" class="x9f619 x1n2onr6 x1ja2u2z">
<div role="banner" class="x78zum5"><a href="${root}/" aria-label="Facebook" role="link"><svg viewBox="0 0 36 36" height="40" width="40"><path d="M20.181 35.87C29.094 34.791 36 27.202 36 18"></path></svg></a>
<a href="${root}/login/?next=${encodeURIComponent(`https://www.facebook.com/${account.handle}`)}" role="link">Log in</a> <a href="${root}/r.php" role="link">Create new account</a></div>
<div role="main" class="x9f619 x1n2onr6"><div class="x1e56ztr"><h1 class="html-h1">${escapeHtml(account.displayName)}</h1><span class="x193iq5w">1.2K likes &#xb7; 1.3K followers</span></div>
<div role="feed" class="x1yztbdb">
${articles}
</div>
${seeMore}
</div></div>
<div role="complementary" class="x1n2onr6 xzkaem6"><span>Log in or sign up for Facebook to connect with friends, family and people you know.</span>
<a href="${root}/login/" role="link">Log in</a> or <a href="${root}/r.php" role="link">Create new account</a></div>
${consent}
<script nonce="fx1">requireLazy(["Run"],function(r){r.onAfterLoad(function(){window.__fbLoaded=1;});});</script>
</body></html>`;
}

function renderArticle(account: FixtureAccount, post: FixturePost, position: number, isClassic: boolean, helpers: FixtureHelpers): string {
  const root = new URL(helpers.baseUrl).pathname;
  const permalink = `${root}/${account.handle}/posts/${pfbid(account.handle, post.id)}`;
  const time = timeLink(`${permalink}?__cft__[0]=AZWfixture${post.id}&amp;__tn__=%2CO%2CP-R`, post.publishedAt, isClassic);
  const author = `<strong><a href="${root}/${account.handle}" role="link"><span>${escapeHtml(account.displayName)}</span></a></strong>`;
  if (post.isRepost) {
    // A share: the sharer's header and time, no words of its own, the original nested inside.
    const original = post.originalAuthor ?? 'somebody_else';
    const originalAt = new Date(post.publishedAt.getTime() - 86_400_000);
    return `<div class="x1yztbdb x1n2onr6 xh8yej3 x1ja2u2z"><div aria-posinset="${position}" class="x1a2a7pz" role="article">
<div class="x78zum5">${avatar(helpers)}<div><h2 class="html-h2"><span>${author} shared a post.</span></h2><span class="x4k7w5x">${time}</span></div></div>
<div class="x1n2onr6 x1ja2u2z"><div role="article" class="x1a2a7pz">
<div class="x78zum5"><h3><strong><a href="${root}/${original}" role="link">${original}</a></strong></h3>${timeLink(`${root}/${original}/posts/${pfbid(original, post.id)}`, originalAt, isClassic)}</div>
${message(post.text)}${images(post.images, helpers)}</div></div>
${toolbar()}</div></div>`;
  }
  return `<div class="x1yztbdb x1n2onr6 xh8yej3 x1ja2u2z"><div aria-posinset="${position}" aria-labelledby=":r${position}:" class="x1a2a7pz" role="article">
<div class="x78zum5">${avatar(helpers)}<div><h2 id=":r${position}:" class="html-h2"><span>${author}</span></h2><span class="x4k7w5x">${time} &#xb7; <span aria-hidden="true">&#x1f310;</span></span></div></div>
${message(post.text)}${images(post.images, helpers)}
${toolbar()}</div></div>`;
}

function timeLink(href: string, at: Date, isClassic: boolean): string {
  const label = longLabel(at);
  if (isClassic) return `<a href="${href}" role="link"><abbr data-utime="${Math.floor(at.getTime() / 1_000)}" title="${label}">${shortLabel(at)}</abbr></a>`;
  // The www layout shows an age; the full time is the link's label (and tooltip).
  return `<a href="${href}" role="link" aria-label="${label}" tabindex="0"><span>${shortLabel(at)}</span></a>`;
}

function message(text: string): string {
  const lines = text.split('\n').map((line) => `<div dir="auto" style="text-align: start;">${escapeHtml(line)}</div>`).join('');
  return `<div dir="auto" class="x1iorvi4"><div data-ad-comet-preview="message" data-ad-preview="message" class="xdj266r x11i5rnm"><div class="xdj266r x1vvkbs">${lines}</div></div></div>`;
}

function images(list: FixtureImage[], helpers: FixtureHelpers): string {
  if (list.length === 0) return '';
  const root = new URL(helpers.baseUrl).pathname;
  return `<div class="x10l6tqk x13vifvy">${list
    .map(
      (image, index) =>
        `<a href="${root}/photo/?fbid=${900_000 + index}&amp;set=a.123" role="link"><img alt="${escapeHtml(image.alt ?? 'May be an image')}" class="x1ey2m1c xds687c" src="${helpers.mediaUrl(image)}" data-visualcompletion="media-vc-image" width="500" height="375"></a>`,
    )
    .join('')}</div>`;
}

function avatar(helpers: FixtureHelpers): string {
  // Profile pictures are SVG <image>s on www; a small <img> must not count as a post's picture either.
  return `<div><svg aria-hidden="true" class="x3ajldb" height="40" width="40"><image style="height:40px;width:40px" xlink:href="${helpers.origin}/media/avatar.jpg"></image></svg><img src="${helpers.origin}/media/avatar-small.jpg?_nc_cat=scontent" width="40" height="40" alt=""></div>`;
}

function toolbar(): string {
  return `<div role="toolbar" class="x9f619"><div aria-label="Like" role="button" tabindex="0">Like</div><div aria-label="Leave a comment" role="button" tabindex="0">Comment</div><div aria-label="Send this to friends or post it on your profile." role="button" tabindex="0">Share</div></div>`;
}

function consentDialog(): string {
  return `<div class="x1n2onr6 x1vjfegm"><div role="dialog" aria-label="Allow the use of cookies from Facebook on this browser?" data-testid="cookie-policy-manage-dialog">
<h2>Allow the use of cookies from Facebook on this browser?</h2><span>We use cookies and similar technologies to help provide and improve content on Meta Products.</span>
<div role="button" tabindex="0" aria-label="Decline optional cookies">Decline optional cookies</div>
<div role="button" tabindex="0" aria-label="Allow all cookies" data-cookiebanner="accept_button">Allow all cookies</div></div></div>`;
}

function loginPage(): FixtureResponse {
  return {
    status: 200,
    headers: HTML_HEADERS,
    body: `<!DOCTYPE html><html id="facebook" lang="en"><head><meta charset="utf-8"><title>Log in to Facebook</title>
<style nonce="fx1">._9ay7{color:#1c1e21}</style></head><body class="UIPage_LoggedOut">
<div role="dialog" aria-label="Log in to Facebook" class="_9ay7"><h2>You must log in to continue.</h2>
<form id="login_form" action="/login/device-based/regular/login/?login_attempt=1" method="post" data-testid="royal_login_form">
<input type="hidden" name="lsd" value="AVqFixture"><input type="text" name="email" placeholder="Email address or phone number">
<input type="password" name="pass" placeholder="Password"><button name="login" type="submit">Log in</button></form>
<a href="/recover/initiate/">Forgotten account?</a></div></body></html>`,
  };
}

function notFoundPage(): FixtureResponse {
  return {
    status: 404,
    headers: HTML_HEADERS,
    body: `<!DOCTYPE html><html id="facebook" lang="en"><head><meta charset="utf-8"><title>Facebook</title></head><body>
<div role="main"><h2>This content isn't available right now</h2><span>When this happens, it's usually because the owner only shared it with a small group of people, changed who can see it or it's been deleted.</span>
<a href="/">Go to News Feed</a></div></body></html>`,
  };
}

/** A stable pfbid-style post id: Facebook's opaque ids are base-58-ish strings starting "pfbid0". */
function pfbid(handle: string, id: number): string {
  let hash = 2_166_136_261;
  for (const char of `${handle}:${id}`) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16_777_619) >>> 0;
  return `pfbid0${hash.toString(36)}${id.toString(36)}Fx${(hash % 9_973).toString(36)}l`;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Friday, November 20, 2026 at 12:00 PM", in UTC as our tab asks. */
function longLabel(at: Date): string {
  const hour = at.getUTCHours() % 12 === 0 ? 12 : at.getUTCHours() % 12;
  const minute = `${at.getUTCMinutes()}`.padStart(2, '0');
  return `${DAY_NAMES[at.getUTCDay()] ?? ''}, ${MONTH_NAMES[at.getUTCMonth()] ?? ''} ${at.getUTCDate()}, ${at.getUTCFullYear()} at ${hour}:${minute} ${at.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function shortLabel(at: Date): string {
  return `${at.getUTCDate()} ${MONTH_NAMES[at.getUTCMonth()] ?? ''} at ${`${at.getUTCHours()}`.padStart(2, '0')}:${`${at.getUTCMinutes()}`.padStart(2, '0')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#039;');
}
