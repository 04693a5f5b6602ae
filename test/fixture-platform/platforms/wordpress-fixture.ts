import { createHash } from 'node:crypto';
import type { FixtureHelpers, FixtureRequest, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixturePost } from '../fixture-network.js';
import { escapeMarkup } from './escape-markup.js';

/**
 * WordPress sites for the fixture network: account `h` is the site `/h` with the REST API at
 * `/h/wp-json/wp/v2/posts` (`per_page` default 10, at most 100; `page`; `_embed`; `after` and
 * `before`, exclusive, compared with the post's local time as WordPress ≥ 5.3 does: a time with a
 * zone is converted to the site's zone (UTC+1, no daylight saving), one without is local; X-WP-Total,
 * X-WP-TotalPages and Link headers over the filtered posts; a page past the last → 400
 * `rest_post_invalid_page_number`) and its RSS feed at `/h/feed/` (10 items a page, `?paged=N`, past
 * the last → 404; Last-Modified and ETag of its newest post). Two variants
 * of every site:
 * - `/rest-disabled/h`: a plugin closed the REST API to visitors (401 `rest_cannot_access`); the
 *   feed works;
 * - `/plain-permalinks/h`: no pretty permalinks, so `/wp-json/` and `/feed/` are 404 and the API
 *   and feed answer at `/?rest_route=/wp/v2/posts` and `/?feed=rss2`.
 * A post's first image is its featured image (not in the feed, as in WordPress's own feed), the
 * second sits in the content. Reposts are left out: a blog has none. Unknown sites → 404 pages.
 */

const FEED_PAGE_SIZE = 10;
/** The sites' time zone: UTC+1 all year; `date` is the local time, `date_gmt` UTC. */
const SITE_UTC_OFFSET_MS = 3_600_000;
// rest_parse_date's RFC 3339 date-time: the zone is optional.
const REST_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/u;
const REST_DEFAULT_PAGE_SIZE = 10;
const REST_MAX_PAGE_SIZE = 100;

type Variant = 'normal' | 'rest-disabled' | 'plain-permalinks';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=UTF-8',
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff',
  'access-control-expose-headers': 'X-WP-Total, X-WP-TotalPages, Link',
  'access-control-allow-headers': 'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type',
  allow: 'GET',
  vary: 'Origin',
};

const NOT_FOUND_PAGE: FixtureResponse = {
  status: 404,
  headers: { 'content-type': 'text/html; charset=UTF-8' },
  body: `<!DOCTYPE html><html lang="en-US"><head><title>Page not found &#8211; Blog</title><script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script></head>
<body class="error404"><main><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1><p>It looks like nothing was found at this location.</p></main></body></html>`,
};

const restError = (status: number, code: string, message: string): FixtureResponse => ({
  status,
  headers: JSON_HEADERS,
  body: JSON.stringify({ code, message, data: { status } }),
});

const REST_DISABLED = restError(401, 'rest_cannot_access', 'Only authenticated users can access the REST API.');

const sitePosts = (account: FixtureAccount): FixturePost[] => account.posts.filter((post) => !post.isRepost);

const permalinkOf = (site: string, variant: Variant, post: FixturePost): string =>
  variant === 'plain-permalinks' ? `${site}/?p=${post.id}` : `${site}/${post.publishedAt.toISOString().slice(0, 10).replace(/-/gu, '/')}/post-${post.id}/`;

const firstLine = (post: FixturePost): string => post.text.split('\n')[0] ?? '';

/** A title as wptexturize renders it: curly quotes and apostrophes as numeric entities. */
const renderedTitle = (post: FixturePost): string => {
  const words = firstLine(post).split(' ');
  const title = words.length > 6 ? `${words.slice(0, 6).join(' ')}…` : firstLine(post);
  return title
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/(^|\s)"/gu, '$1&#8220;')
    .replace(/"/gu, '&#8221;')
    .replace(/'/gu, '&#8217;')
    .replace(/…/gu, '&#8230;');
};

const featuredId = (post: FixturePost): number => (post.images[0] === undefined ? 0 : 50_000 + post.id);

/** Content as the block editor stores and wpautop renders it. */
const renderedContent = (post: FixturePost, helpers: FixtureHelpers): string => {
  const paragraph = `<p>${post.text.split('\n').map((line) => line.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;')).join('<br />\n')}</p>\n`;
  const figures = post.images
    .slice(1)
    .map(
      (image, index) =>
        `\n<figure class="wp-block-image size-large"><img decoding="async" width="64" height="48" src="${helpers.mediaUrl(image)}" alt="${escapeMarkup(image.alt ?? '')}" class="wp-image-${60_000 + post.id + index}" srcset="${helpers.mediaUrl(image)} 64w" sizes="(max-width: 64px) 100vw, 64px" /></figure>\n`,
    )
    .join('');
  return paragraph + figures;
};

const postJson = (account: FixtureAccount, post: FixturePost, site: string, variant: Variant, embed: string | null, helpers: FixtureHelpers) => {
  const [featured] = post.images;
  const date = post.publishedAt.toISOString().slice(0, 19);
  // `_embed` with no value embeds everything; with a list, only what it names.
  const wants = (relation: string): boolean => embed !== null && (embed === '' || embed === '1' || embed.split(',').includes(relation));
  const embedded = {
    ...(wants('author') ? { author: [{ id: 1, name: account.displayName, url: '', description: '', link: `${site}/author/${account.handle}/`, slug: account.handle, avatar_urls: { '24': `${helpers.origin}/media/avatar-24.jpg` } }] } : {}),
    ...(wants('wp:featuredmedia') && featured !== undefined
      ? {
          'wp:featuredmedia': [
            {
              id: featuredId(post),
              date,
              slug: `image-${featured.id}`,
              type: 'attachment',
              link: `${site}/image-${featured.id}/`,
              title: { rendered: `image-${featured.id}` },
              author: 1,
              caption: { rendered: '' },
              alt_text: featured.alt ?? '',
              media_type: 'image',
              mime_type: 'image/jpeg',
              media_details: { width: 64, height: 48, file: `2026/11/${featured.id}.jpg`, filesize: 2048, sizes: {} },
              source_url: helpers.mediaUrl(featured),
            },
          ],
        }
      : {}),
  };
  const link = permalinkOf(site, variant, post);
  return {
    id: post.id,
    date: new Date(post.publishedAt.getTime() + SITE_UTC_OFFSET_MS).toISOString().slice(0, 19),
    date_gmt: date,
    guid: { rendered: `${site}/?p=${post.id}` },
    modified: date,
    modified_gmt: date,
    slug: `post-${post.id}`,
    status: 'publish',
    type: 'post',
    link,
    title: { rendered: renderedTitle(post) },
    content: { rendered: renderedContent(post, helpers), protected: false },
    excerpt: { rendered: `<p>${escapeMarkup(firstLine(post))} [&hellip;]</p>\n`, protected: false },
    author: 1,
    featured_media: featuredId(post),
    comment_status: 'open',
    ping_status: 'open',
    sticky: false,
    template: '',
    format: 'standard',
    meta: { footnotes: '' },
    categories: [1],
    tags: [],
    class_list: [`post-${post.id}`, 'post', 'type-post', 'status-publish', 'format-standard', 'hentry', 'category-uncategorized'],
    _links: { self: [{ href: `${site}/wp-json/wp/v2/posts/${post.id}` }], collection: [{ href: `${site}/wp-json/wp/v2/posts` }] },
    ...(Object.keys(embedded).length === 0 ? {} : { _embedded: embedded }),
  };
};

/**
 * A `date-time` parameter as WP_Date_Query reads it for `post_date`: the site's local time in
 * milliseconds (as if it were UTC), whole seconds; undefined when the value is not a date-time.
 */
const localTimeOf = (value: string): number | undefined => {
  const match = REST_DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, day = '', time = '', zone] = match;
  let localMs: number;
  if (zone === undefined) {
    localMs = Date.parse(`${day}T${time}Z`);
  } else {
    const isoZone = /^[Zz]$/u.test(zone) ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    localMs = Date.parse(`${day}T${time}${isoZone}`) + SITE_UTC_OFFSET_MS;
  }
  return Number.isNaN(localMs) ? undefined : localMs;
};

const localTimeOfPost = (post: FixturePost): number => Math.floor(post.publishedAt.getTime() / 1_000) * 1_000 + SITE_UTC_OFFSET_MS;

const restAnswer = (account: FixtureAccount, request: FixtureRequest, site: string, variant: Variant, helpers: FixtureHelpers): FixtureResponse => {
  const perPage = Number.parseInt(request.query.get('per_page') ?? String(REST_DEFAULT_PAGE_SIZE), 10);
  const page = Number.parseInt(request.query.get('page') ?? '1', 10);
  if (Number.isNaN(perPage) || perPage < 1 || perPage > REST_MAX_PAGE_SIZE) {
    return restError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
  }
  if (Number.isNaN(page) || page < 1) return restError(400, 'rest_invalid_param', 'Invalid parameter(s): page');
  const bounds: Partial<Record<'after' | 'before', number>> = {};
  for (const name of ['after', 'before'] as const) {
    const value = request.query.get(name);
    if (value === null) continue;
    const localMs = localTimeOf(value);
    if (localMs === undefined) return restError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`);
    bounds[name] = localMs;
  }
  // date_query's after and before are exclusive.
  const posts = sitePosts(account).filter(
    (post) => (bounds.after === undefined || localTimeOfPost(post) > bounds.after) && (bounds.before === undefined || localTimeOfPost(post) < bounds.before),
  );
  const totalPages = Math.ceil(posts.length / perPage);
  if (page > Math.max(totalPages, 1)) {
    return restError(400, 'rest_post_invalid_page_number', 'The page number requested is larger than the number of pages available.');
  }
  const slice = posts.slice((page - 1) * perPage, page * perPage);
  // WordPress's Link headers repeat the request's filters.
  const filters = ['after', 'before']
    .map((name) => [name, request.query.get(name)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== null)
    .map(([name, value]) => `&${name}=${encodeURIComponent(value)}`)
    .join('');
  const collection = `${variant === 'plain-permalinks' ? `${site}/?rest_route=/wp/v2/posts&per_page=${perPage}` : `${site}/wp-json/wp/v2/posts?per_page=${perPage}`}${filters}`;
  const links = [
    ...(page > 1 ? [`<${collection}&page=${page - 1}>; rel="prev"`] : []),
    ...(page < totalPages ? [`<${collection}&page=${page + 1}>; rel="next"`] : []),
  ];
  return {
    status: 200,
    headers: { ...JSON_HEADERS, 'x-wp-total': String(posts.length), 'x-wp-totalpages': String(totalPages), ...(links.length === 0 ? {} : { link: links.join(', ') }) },
    body: JSON.stringify(slice.map((post) => postJson(account, post, site, variant, request.query.get('_embed'), helpers))),
  };
};

const feedAnswer = (account: FixtureAccount, request: FixtureRequest, site: string, variant: Variant, helpers: FixtureHelpers): FixtureResponse => {
  const page = Number.parseInt(request.query.get('paged') ?? '1', 10);
  const posts = sitePosts(account).slice((page - 1) * FEED_PAGE_SIZE, page * FEED_PAGE_SIZE);
  if (Number.isNaN(page) || page < 1 || (posts.length === 0 && page > 1)) return NOT_FOUND_PAGE;
  const rfc822 = (date: Date): string => date.toUTCString().replace(/GMT$/u, '+0000');
  const items = posts.map(
    (post) => `
	<item>
		<title>${renderedTitle(post)}</title>
		<link>${escapeMarkup(permalinkOf(site, variant, post))}</link>
		<comments>${escapeMarkup(permalinkOf(site, variant, post))}#respond</comments>
		<dc:creator><![CDATA[${account.displayName}]]></dc:creator>
		<pubDate>${rfc822(post.publishedAt)}</pubDate>
		<category><![CDATA[Uncategorized]]></category>
		<guid isPermaLink="false">${site}/?p=${post.id}</guid>
		<description><![CDATA[${escapeMarkup(firstLine(post))} [&#8230;]]]></description>
		<content:encoded><![CDATA[${renderedContent(post, helpers)}]]></content:encoded>
		<wfw:commentRss>${escapeMarkup(permalinkOf(site, variant, post))}feed/</wfw:commentRss>
		<slash:comments>0</slash:comments>
	</item>`,
  );
  const body = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>${escapeMarkup(account.displayName)}</title>
	<atom:link href="${site}/feed/" rel="self" type="application/rss+xml" />
	<link>${site}</link>
	<description>Just another WordPress site</description>
	<lastBuildDate>${rfc822(sitePosts(account)[0]?.publishedAt ?? new Date(0))}</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.8.1</generator>${items.join('')}
	</channel>
</rss>
`;
  // WordPress's feed validators: the newest post's time, and an ETag made of it.
  const newestAt = sitePosts(account)[0]?.publishedAt ?? new Date(0);
  return {
    status: 200,
    headers: { 'content-type': 'application/rss+xml; charset=UTF-8', 'last-modified': newestAt.toUTCString(), etag: `"${createHash('md5').update(newestAt.toUTCString()).digest('hex')}"` },
    body,
  };
};

/** The WordPress platform of the fixture server. */
export const wordpressFixture: PlatformFixture = {
  platform: 'wordpress',

  handle(request, helpers) {
    const match = /^\/(?:(rest-disabled|plain-permalinks)\/)?([A-Za-z0-9_-]+)(\/.*)?$/u.exec(request.path);
    const account = match?.[2] === undefined ? undefined : helpers.network.accounts.get(match[2]);
    if (match === null || account === undefined) return NOT_FOUND_PAGE;
    const variant: Variant = match[1] === 'rest-disabled' ? 'rest-disabled' : match[1] === 'plain-permalinks' ? 'plain-permalinks' : 'normal';
    const site = `${helpers.baseUrl}${match[1] === undefined ? '' : `/${match[1]}`}/${account.handle}`;
    const rest = match[3] ?? '/';
    const restRoute = request.query.get('rest_route');
    if (rest === '/' && restRoute !== null) {
      if (variant === 'rest-disabled') return REST_DISABLED;
      return restRoute === '/wp/v2/posts' ? restAnswer(account, request, site, variant, helpers) : restError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
    if (rest.startsWith('/wp-json/')) {
      if (variant === 'plain-permalinks') return NOT_FOUND_PAGE;
      if (variant === 'rest-disabled') return REST_DISABLED;
      return rest === '/wp-json/wp/v2/posts' ? restAnswer(account, request, site, variant, helpers) : restError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
    if (rest === '/' && request.query.get('feed') === 'rss2') return feedAnswer(account, request, site, variant, helpers);
    if (rest === '/feed/' && variant !== 'plain-permalinks') return feedAnswer(account, request, site, variant, helpers);
    return NOT_FOUND_PAGE;
  },

  loginWall() {
    // Wordfence's block page, which some sites put in front of everything for unknown visitors.
    return {
      status: 403,
      headers: { 'content-type': 'text/html; charset=UTF-8' },
      body: `<!DOCTYPE html><html><head><title>Your access to this site has been limited by the site owner</title></head>
<body><h1>Your access to this site has been limited by the site owner</h1><p>If you think you have been blocked in error, contact the owner of this site for assistance.</p>
<p>Block Technical Data: Block Reason: Access from your area has been temporarily limited for security reasons.</p><p>Generated by Wordfence</p></body></html>`,
    };
  },

  malformed(request) {
    if (request.path.includes('/feed') || request.query.get('feed') !== null) {
      return { status: 200, headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Blog</title><item><title>Cut' };
    }
    return { status: 200, headers: JSON_HEADERS, body: '[{"id":1234,"date":"2026-11-20T13:00:00","date_gmt":"2026-11-20T12:00:00","title":{"rendered":"Cut of' };
  },
};
