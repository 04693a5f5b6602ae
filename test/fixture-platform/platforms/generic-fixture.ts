import type { FixtureHelpers, FixtureRequest, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixtureImage, FixturePost } from '../fixture-network.js';

/**
 * A WordPress-style blog per account of the fixture network, for the generic CSS-selector adapter:
 * `/<handle>/` lists 10 `article.post` a page (`data-id`, an `h2 a` permalink, `time[datetime]`,
 * the text in `.entry-content`, a srcset picture and a CSS-background cover), `a.next` leads to
 * `/<handle>/page/<n>/`, and `/<handle>/members/` shows the same feed only to a request carrying
 * the cookie `session=<genericFixtureSession(handle)>` (anyone else gets the `form.login` page).
 * Reposts are "Reblogged from …" notes outside the text. Unknown blogs and pages are 404.
 * Selectors that fit: post `article.post`, text `.entry-content`, link `h2 a`, idAttribute
 * `data-id`, time `time`, image `img, .cover`, nextPage `a.next`, loginWall `form.login`.
 */

const PAGE_SIZE = 10;
const HTML_HEADERS = { 'content-type': 'text/html; charset=UTF-8', 'cache-control': 'max-age=0, no-cache', link: '<https://api.w.org/>; rel="https://api.w.org/"' };

/** The session cookie value that opens `/<handle>/members/`: what the organisation would supply. */
export function genericFixtureSession(handle: string): string {
  return `wp-member-${handle}-7f3c9a`;
}

/** The generic (any site) platform of the fixture server. */
export const genericFixture: PlatformFixture = {
  platform: 'generic',

  handle(request, helpers) {
    const match = /^\/([A-Za-z0-9._-]+)\/(?:(members)\/|page\/(\d+)\/)?$/u.exec(request.path);
    if (match === null) return notFoundPage();
    const account = helpers.network.accounts.get(match[1] ?? '');
    if (account === undefined) return notFoundPage();
    if (match[2] === 'members') {
      const sent = cookieOf(request, 'session');
      if (sent !== genericFixtureSession(account.handle)) return loginPage(helpers);
      return { status: 200, headers: { ...HTML_HEADERS, 'cache-control': 'private, no-store' }, body: renderBlog(account, 1, helpers, true) };
    }
    const page = match[3] === undefined ? 1 : Number(match[3]);
    if (page < 1 || (page - 1) * PAGE_SIZE >= account.posts.length) return notFoundPage();
    return { status: 200, headers: HTML_HEADERS, body: renderBlog(account, page, helpers, false) };
  },

  loginWall(_request, helpers) {
    return loginPage(helpers);
  },

  malformed(request, helpers) {
    const answer = genericFixture.handle(request, helpers);
    if (answer === undefined || typeof answer.body !== 'string' || answer.status !== 200) {
      return { status: 200, headers: HTML_HEADERS, body: '<!DOCTYPE html><html><head><title>Blog</title></head><body><main id="ma' };
    }
    // Cut before the first post, as a crashed PHP worker leaves a page.
    const start = answer.body.indexOf('<article');
    return { ...answer, body: answer.body.slice(0, start === -1 ? answer.body.length >> 1 : start - 10) };
  },
};

function renderBlog(account: FixtureAccount, page: number, helpers: FixtureHelpers, isMembers: boolean): string {
  const root = `${new URL(helpers.baseUrl).pathname}/${account.handle}`;
  const posts = account.posts.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const hasOlder = page * PAGE_SIZE < account.posts.length;
  const newer = page === 1 ? '' : `<a class="prev page-numbers" href="${root}/${page === 2 ? '' : `page/${page - 1}/`}">&laquo; Newer posts</a>`;
  const older = hasOlder && !isMembers ? `<a class="next page-numbers" href="${root}/page/${page + 1}/">Older posts &raquo;</a>` : '';
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(account.displayName)} &#8211; ${isMembers ? 'Members' : 'News'}</title>
<link rel="alternate" type="application/rss+xml" title="${escapeHtml(account.displayName)} &raquo; Feed" href="${root}/feed/">
<style id="wp-block-library-inline-css">.wp-block-image img{height:auto;max-width:100%}.cover{aspect-ratio:4/3;background-size:cover}</style>
<script>window._wpemojiSettings={"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/","ext":".png"};</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Blog","name":${JSON.stringify(account.displayName).replace(/</gu, '\\u003c')}}</script>
</head><body class="${page === 1 ? 'home ' : ''}blog wp-embed-responsive">
<a class="skip-link screen-reader-text" href="#main">Skip to content</a>
<header class="site-header"><p class="site-title"><a href="${root}/" rel="home">${escapeHtml(account.displayName)}</a></p>
<nav class="main-navigation"><ul><li><a href="${root}/about/">About</a></li><li><a href="${root}/members/">Members</a></li></ul></nav></header>
<main id="main" class="site-main">
${isMembers ? '<p class="welcome">Welcome back! <a href="/wp-login.php?action=logout">Log out</a></p>' : ''}
${posts.map((post) => renderPost(root, post, helpers)).join('\n')}
<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">${newer}${older}</div></nav>
</main>
<footer class="site-footer"><a class="powered" href="https://wordpress.org/">Proudly powered by WordPress</a></footer>
<script src="${root}/wp-includes/js/comment-reply.min.js?ver=6.4.2" id="comment-reply-js" async></script>
</body></html>`;
}

function renderPost(root: string, post: FixturePost, helpers: FixtureHelpers): string {
  const title = escapeHtml(post.text.split('\n')[0]?.slice(0, 40) ?? '');
  const body = escapeHtml(post.text).replace(/\n/gu, '<br>\n');
  const reblog = post.isRepost
    ? `<p class="reblog-note">Reblogged from <a href="https://${post.originalAuthor ?? 'somebody_else'}.example/">${post.originalAuthor ?? 'somebody_else'}</a></p>`
    : '';
  return `<article id="post-${post.id}" class="post post-${post.id} type-post status-publish format-standard hentry" data-id="post-${post.id}">
<header class="entry-header"><h2 class="entry-title"><a href="${root}/${post.publishedAt.toISOString().slice(0, 10).replace(/-/gu, '/')}/post-${post.id}/" rel="bookmark">${title}</a></h2>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="${post.publishedAt.toISOString().replace('.000Z', '+00:00')}">${longDate(post.publishedAt)}</time></span>
<span class="byline"> by <span class="author vcard">${escapeHtml(root.split('/').at(-1) ?? '')}</span></span></div>${reblog}</header>
<div class="entry-content"><p>${body}</p></div>
${post.images.map((image, index) => (index === 0 ? figure(image, helpers) : cover(image, helpers))).join('\n')}
<footer class="entry-footer"><span class="comments-link"><a href="${root}/post-${post.id}/#respond">Leave a comment</a></span></footer>
</article>`;
}

function figure(image: FixtureImage, helpers: FixtureHelpers): string {
  const path = new URL(helpers.mediaUrl(image)).pathname;
  // Site-relative URLs, renditions out of order: the largest (1024w) is the original picture.
  return `<figure class="wp-block-image size-large"><img decoding="async" loading="lazy" width="1024" height="768" src="${path}?w=640" srcset="${path}?w=320 320w, ${path} 1024w, ${path}?w=640 640w" sizes="(max-width: 1024px) 100vw, 1024px" alt="${escapeHtml(image.alt ?? '')}"></figure>`;
}

function cover(image: FixtureImage, helpers: FixtureHelpers): string {
  return `<div class="cover" style="background-image: url('${new URL(helpers.mediaUrl(image)).pathname}'); background-position: 50% 50%"></div>`;
}

function loginPage(helpers: FixtureHelpers): FixtureResponse {
  const root = new URL(helpers.baseUrl).pathname;
  return {
    status: 200,
    headers: { ...HTML_HEADERS, 'cache-control': 'private, no-store' },
    body: `<!DOCTYPE html><html lang="en-GB"><head><meta charset="UTF-8"><title>Log In &lsaquo; Members</title></head>
<body class="login"><div id="login"><h1>Members only</h1><p class="message">Please log in to read members' posts.</p>
<form name="loginform" class="login" id="loginform" action="${root}/wp-login.php" method="post">
<label for="user_login">Username or Email Address</label><input type="text" name="log" id="user_login">
<label for="user_pass">Password</label><input type="password" name="pwd" id="user_pass">
<input type="submit" name="wp-submit" value="Log In"></form></div></body></html>`,
  };
}

function notFoundPage(): FixtureResponse {
  return {
    status: 404,
    headers: HTML_HEADERS,
    body: '<!DOCTYPE html><html lang="en-GB"><head><title>Page not found</title></head><body class="error404"><main><h1>Oops! That page can&rsquo;t be found.</h1></main></body></html>',
  };
}

function cookieOf(request: FixtureRequest, name: string): string | undefined {
  const header = request.headers.cookie ?? '';
  return header
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === name)?.[1];
}

function longDate(at: Date): string {
  return at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#039;');
}
