import { createHash } from 'node:crypto';
import type { FixtureHelpers, FixtureRequest, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixturePost } from '../fixture-network.js';
import { encodeLegacyCharset, type LegacyCharset } from './encode-legacy-charset.js';
import { escapeMarkup } from './escape-markup.js';

/**
 * Blogs with feeds for the fixture network: account `h` is a blog at `/h/` (`/h` redirects there, as
 * servers do) whose home page names its feed in `<link rel="alternate">` (relative href, after a
 * comments feed). Every blog serves every variant; the home page names one, by account order:
 * - `feed.xml`: RSS 2.0, UTF-8, content:encoded in CDATA, media:content, a tracking pixel;
 * - `feed-1251.xml`: RSS 2.0 in windows-1251 (header and declaration agree), escaped description,
 *   enclosures, times in +0300; characters windows-1251 lacks are numeric references;
 * - `atom.xml`: Atom 1.0, html and xhtml content, enclosure links;
 * - `feed-latin2.xml`: RSS 2.0 in ISO-8859-2, times in +0100;
 * and, for the crawler's own charset test, named by no page:
 * - `feed-unlabelled.xml`: windows-1251 bytes as `text/xml` with no charset parameter: only the XML
 *   declaration tells the charset;
 * - `feed-mislabelled.xml`: ISO-8859-2 bytes whose header claims `charset=utf-8`.
 * Feeds carry Last-Modified (their newest post) and an ETag and answer conditional GETs with 304,
 * as a web server does for a static feed file; the home page is dynamic and answers every GET in full.
 * Reposts are left out: a blog has none. Unknown blogs → 404; login wall → a Cloudflare challenge (403).
 */

type Variant = 'feed.xml' | 'feed-1251.xml' | 'atom.xml' | 'feed-latin2.xml' | 'feed-unlabelled.xml' | 'feed-mislabelled.xml';
const ADVERTISED: readonly Variant[] = ['feed.xml', 'feed-1251.xml', 'atom.xml', 'feed-latin2.xml'];

const HTML_HEADERS = { 'content-type': 'text/html; charset=UTF-8', 'cache-control': 'max-age=600', server: 'nginx' };

const blogOf = (name: string, helpers: FixtureHelpers): FixtureAccount | undefined => helpers.network.accounts.get(name);

/** The variant the blog's home page advertises (accounts take turns). */
export function advertisedRssVariant(handle: string, helpers: FixtureHelpers): Variant {
  const index = [...helpers.network.accounts.keys()].indexOf(handle);
  return ADVERTISED[Math.max(index, 0) % ADVERTISED.length] ?? 'feed.xml';
}

const blogPosts = (account: FixtureAccount): FixturePost[] => account.posts.filter((post) => !post.isRepost);

const permalinkOf = (blog: string, post: FixturePost): string => {
  const date = post.publishedAt.toISOString().slice(0, 10).replace(/-/gu, '/');
  return `${blog}/${date}/post-${post.id}/`;
};

const titleOf = (post: FixturePost): string => {
  const firstLine = post.text.split('\n')[0] ?? '';
  return firstLine.length > 48 ? `${firstLine.slice(0, 47).trimEnd()}…` : firstLine;
};

/** The post body as a blog engine renders it: one paragraph, lines joined by <br />. */
const bodyHtml = (post: FixturePost): string => `<p>${post.text.split('\n').map(escapeMarkup).join('<br />\n')}</p>`;

// RFC 822 dates in a given zone offset, as servers outside UTC write them.
const rfc822 = (date: Date, offsetMinutes = 0): string => {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000).toUTCString().replace(/ GMT$/u, '');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  return `${shifted} ${sign}${hours}${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
};

const channelHead = (account: FixtureAccount, blog: string, feedUrl: string, date: string): string => `
  <channel>
    <title>${escapeMarkup(account.displayName)} — блог / blog</title>
    <atom:link href="${feedUrl}" rel="self" type="application/rss+xml" />
    <link>${blog}/</link>
    <description>Notes &amp; news from ${escapeMarkup(account.displayName)}</description>
    <lastBuildDate>${date}</lastBuildDate>
    <language>en-US</language>
    <sy:updatePeriod>hourly</sy:updatePeriod>
    <sy:updateFrequency>1</sy:updateFrequency>
    <generator>https://wordpress.org/?v=6.8.1</generator>
    <image><url>${blog}/icon.png</url><title>${escapeMarkup(account.displayName)}</title><link>${blog}/</link></image>`;

const RSS_OPEN = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:media="http://search.yahoo.com/mrss/">`;

const utf8Feed = (account: FixtureAccount, blog: string, helpers: FixtureHelpers): string => {
  const posts = blogPosts(account);
  const items = posts.map((post) => {
    const [first, ...rest] = post.images;
    const media = first === undefined ? '' : `
      <media:content url="${helpers.mediaUrl(first)}" type="image/jpeg" medium="image" width="64" height="48">
        ${first.alt === undefined ? '' : `<media:description type="plain">${escapeMarkup(first.alt)}</media:description>`}
      </media:content>`;
    const inline = rest.map((image) => `<figure><img src="${helpers.mediaUrl(image)}" alt="${escapeMarkup(image.alt ?? '')}" loading="lazy" /></figure>`).join('');
    return `
    <item>
      <title>${escapeMarkup(titleOf(post))}</title>
      <link>${permalinkOf(blog, post)}</link>
      <dc:creator><![CDATA[${account.handle}]]></dc:creator>
      <pubDate>${rfc822(post.publishedAt)}</pubDate>
      <category><![CDATA[News]]></category>
      <guid isPermaLink="false">${blog}/?p=${post.id}</guid>
      <description><![CDATA[<p>${escapeMarkup(titleOf(post))} [&#8230;]</p>]]></description>
      <content:encoded><![CDATA[${bodyHtml(post)}${inline}<img src="${helpers.origin}/rss/pixel.gif?p=${post.id}" width="1" height="1" alt="" />]]></content:encoded>${media}
    </item>`;
  });
  const newest = posts[0]?.publishedAt ?? new Date(0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${RSS_OPEN}${channelHead(account, blog, `${blog}/feed.xml`, rfc822(newest))}${items.join('')}
  </channel>
</rss>
`;
};

/** RSS in a legacy charset: description escaped (no CDATA, so references work), first image as enclosure, the rest inline. */
const legacyFeed = (account: FixtureAccount, blog: string, helpers: FixtureHelpers, charset: LegacyCharset, offsetMinutes: number, name: string): string => {
  const posts = blogPosts(account);
  const items = posts.map((post) => {
    const [first, ...rest] = post.images;
    const inline = rest.map((image) => `<p><img src="${helpers.mediaUrl(image)}" alt="${escapeMarkup(image.alt ?? '')}" /></p>`).join('');
    return `
    <item>
      <title>${escapeMarkup(titleOf(post))}</title>
      <link>${permalinkOf(blog, post)}</link>
      <guid isPermaLink="true">${permalinkOf(blog, post)}</guid>
      <pubDate>${rfc822(post.publishedAt, offsetMinutes)}</pubDate>
      <author>editor@blog.example (${escapeMarkup(account.handle)})</author>
      <description>${escapeMarkup(bodyHtml(post) + inline)}</description>${first === undefined ? '' : `
      <enclosure url="${helpers.mediaUrl(first)}" length="2048" type="image/jpeg" />`}
    </item>`;
  });
  const newest = posts[0]?.publishedAt ?? new Date(0);
  return `<?xml version="1.0" encoding="${charset}"?>\n${RSS_OPEN}${channelHead(account, blog, `${blog}/${name}`, rfc822(newest, offsetMinutes))}${items.join('')}
  </channel>
</rss>
`;
};

const atomFeed = (account: FixtureAccount, blog: string, helpers: FixtureHelpers): string => {
  const posts = blogPosts(account);
  const host = new URL(helpers.origin).hostname;
  const entries = posts.map((post) => {
    const enclosures = post.images.map((image) => `<link rel="enclosure" type="image/jpeg" length="2048" href="${helpers.mediaUrl(image)}" />`).join('\n      ');
    const alts = post.images.map((image) => `<img src="${helpers.mediaUrl(image)}" alt="${escapeMarkup(image.alt ?? '')}" />`).join('');
    // Odd posts carry inline XHTML, even ones escaped HTML: both are common.
    const content =
      post.id % 2 === 1
        ? `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>${post.text.split('\n').map(escapeMarkup).join('<br/>')}</p>${alts}</div></content>`
        : `<content type="html">${escapeMarkup(bodyHtml(post) + alts)}</content>`;
    return `
  <entry>
    <id>tag:${host},2026:${account.handle}/${post.id}</id>
    <title type="text">${escapeMarkup(titleOf(post))}</title>
    <link rel="alternate" type="text/html" href="${permalinkOf(blog, post)}" />
    <link rel="replies" type="application/atom+xml" href="${blog}/${post.id}/comments.atom" />
    ${enclosures}
    <published>${post.publishedAt.toISOString()}</published>
    <updated>${new Date(post.publishedAt.getTime() + 600_000).toISOString()}</updated>
    <author><name>${escapeMarkup(account.handle)}</name><uri>${blog}/</uri></author>
    <summary type="text">${escapeMarkup(titleOf(post))}</summary>
    ${content}
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">${escapeMarkup(account.displayName)}</title>
  <subtitle type="html">Notes &amp;amp; news</subtitle>
  <id>tag:${host},2026:${account.handle}</id>
  <link rel="self" type="application/atom+xml" href="${blog}/atom.xml" />
  <link rel="alternate" type="text/html" href="${blog}/" />
  <updated>${(posts[0]?.publishedAt ?? new Date(0)).toISOString()}</updated>
  <generator uri="https://gohugo.io/" version="0.140.0">Hugo</generator>${entries.join('')}
</feed>
`;
};

const COMMENTED_AT = new Date('2026-01-01T00:00:00Z');

const commentsFeed = (account: FixtureAccount, blog: string): string => `<?xml version="1.0" encoding="UTF-8"?>
${RSS_OPEN}
  <channel>
    <title>Comments on ${escapeMarkup(account.displayName)}</title>
    <link>${blog}/</link>
    <description>Comments</description>
    <item><title>Comment by a reader</title><link>${blog}/#comment-1</link><guid isPermaLink="false">${blog}/?c=1</guid><pubDate>${rfc822(COMMENTED_AT)}</pubDate><description>Nice post!</description></item>
  </channel>
</rss>
`;

const homePage = (account: FixtureAccount, blog: string, variant: Variant): string => {
  const type = variant === 'atom.xml' ? 'application/atom+xml' : 'application/rss+xml';
  const list = blogPosts(account)
    .slice(0, 5)
    .map((post) => `<article class="post"><h2><a href="${permalinkOf(blog, post)}">${escapeMarkup(titleOf(post))}</a></h2></article>`)
    .join('\n      ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeMarkup(account.displayName)} &#8211; Blog</title>
    <link rel="alternate" hreflang="uk" href="${blog}/uk/" />
    <link rel="alternate" type="application/rss+xml" title="${escapeMarkup(account.displayName)} &raquo; Comments Feed" href="comments/feed.xml" />
    <link rel="alternate" type="${type}" title="${escapeMarkup(account.displayName)} &raquo; Feed" href="${variant}" />
    <link rel="stylesheet" href="/wp-content/themes/twentytwentyfour/style.css?ver=1.3" />
    <style>.post h2 { font-size: 1.4rem; }</style>
    <script>window.dataLayer = window.dataLayer || []; function gtag(){ dataLayer.push(arguments); }</script>
  </head>
  <body class="home blog">
    <header><a href="${blog}/">${escapeMarkup(account.displayName)}</a></header>
    <main>
      ${list}
    </main>
    <footer>Proudly powered by WordPress</footer>
  </body>
</html>
`;
};

const newestAt = (account: FixtureAccount): Date => blogPosts(account)[0]?.publishedAt ?? new Date(0);

/**
 * A feed file as a web server serves it: Last-Modified (the feed's newest post, as the blog engine
 * writes the file then) and a strong ETag of its bytes; a conditional GET answers 304 with the
 * validators and no body when If-None-Match names the ETag or, without If-None-Match, when the file
 * is not newer than If-Modified-Since (RFC 9110 §13.2.2).
 */
const xmlAnswer = (request: FixtureRequest, body: string | Buffer, contentType: string, modifiedAt: Date): FixtureResponse => {
  const validators = {
    etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
    'last-modified': modifiedAt.toUTCString(),
  };
  const headers = { 'cache-control': 'max-age=300', server: 'nginx', ...validators };
  const noneMatch = request.headers['if-none-match'];
  const modifiedSince = Date.parse(request.headers['if-modified-since'] ?? '');
  const isUnchanged =
    noneMatch === undefined
      ? !Number.isNaN(modifiedSince) && Math.floor(modifiedAt.getTime() / 1_000) * 1_000 <= modifiedSince
      : noneMatch.split(',').some((tag) => ['*', validators.etag].includes(tag.trim().replace(/^W\//u, '')));
  if (isUnchanged) return { status: 304, headers, body: '' };
  return { status: 200, headers: { 'content-type': contentType, ...headers }, body };
};

/** The blogs-with-feeds platform of the fixture server. */
export const rssFixture: PlatformFixture = {
  platform: 'rss',

  handle(request, helpers) {
    const match = /^\/([A-Za-z0-9_.-]+)(\/(?:comments\/)?(?:[a-z0-9-]+\.xml)?)?$/u.exec(request.path);
    const name = match?.[1];
    const account = name === undefined ? undefined : blogOf(name, helpers);
    if (match === null || name === undefined || account === undefined) return undefined;
    const blog = `${helpers.baseUrl}/${name}`;
    const rest = match[2];
    if (rest === undefined) return { status: 301, headers: { location: `${blog}/`, 'content-type': 'text/html' }, body: '<a href="./">Moved</a>' };
    switch (rest) {
      case '/':
        return { status: 200, headers: HTML_HEADERS, body: homePage(account, blog, advertisedRssVariant(name, helpers)) };
      case '/comments/feed.xml':
        return xmlAnswer(request, commentsFeed(account, blog), 'application/rss+xml; charset=UTF-8', COMMENTED_AT);
      case '/feed.xml':
        return xmlAnswer(request, utf8Feed(account, blog, helpers), 'application/rss+xml; charset=UTF-8', newestAt(account));
      case '/atom.xml':
        return xmlAnswer(request, atomFeed(account, blog, helpers), 'application/atom+xml; charset=utf-8', newestAt(account));
      case '/feed-1251.xml':
        return xmlAnswer(request, encodeLegacyCharset(legacyFeed(account, blog, helpers, 'windows-1251', 180, 'feed-1251.xml'), 'windows-1251'), 'text/xml; charset=windows-1251', newestAt(account));
      case '/feed-latin2.xml':
        return xmlAnswer(request, encodeLegacyCharset(legacyFeed(account, blog, helpers, 'iso-8859-2', 60, 'feed-latin2.xml'), 'iso-8859-2'), 'application/rss+xml; charset=ISO-8859-2', newestAt(account));
      case '/feed-unlabelled.xml':
        return xmlAnswer(request, encodeLegacyCharset(legacyFeed(account, blog, helpers, 'windows-1251', 180, 'feed-unlabelled.xml'), 'windows-1251'), 'text/xml', newestAt(account));
      case '/feed-mislabelled.xml':
        return xmlAnswer(request, encodeLegacyCharset(legacyFeed(account, blog, helpers, 'iso-8859-2', 60, 'feed-mislabelled.xml'), 'iso-8859-2'), 'application/rss+xml; charset=utf-8', newestAt(account));
      default:
        return undefined;
    }
  },

  loginWall() {
    // A blog behind Cloudflare's bot check: 403 and the interstitial instead of the feed.
    return {
      status: 403,
      headers: { 'content-type': 'text/html; charset=UTF-8', 'cf-mitigated': 'challenge', server: 'cloudflare' },
      body: `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta name="robots" content="noindex,nofollow"></head>
<body><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">blog.example</h1>
<h2 id="challenge-running" class="h2">Checking if the site connection is secure</h2><noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript></div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "blog.example",cType: 'managed'};}());</script></body></html>`,
    };
  },

  malformed(request, helpers) {
    // A feed cut off mid-item, as a dropped connection or a full disk on the blog leaves it.
    return {
      status: 200,
      headers: { 'content-type': 'application/rss+xml; charset=UTF-8', 'cache-control': 'max-age=300', server: 'nginx' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n${RSS_OPEN}\n  <channel>\n    <title>Broken</title>\n    <link>${helpers.baseUrl}${request.path}</link>\n    <item>\n      <title>Half a post</title>\n      <description>&lt;p&gt;Cut off he`,
    };
  },
};
