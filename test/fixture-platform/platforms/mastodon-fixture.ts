import type { FixtureHelpers, FixtureRequest, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixtureImage, FixtureNetwork, FixturePost } from '../fixture-network.js';
import { escapeMarkup } from './escape-markup.js';

/**
 * A Mastodon server for the fixture network, answering the public REST API as Mastodon 4 does:
 * `/api/v1/accounts/lookup?acct=`, `/api/v1/accounts/:id` and `/api/v1/accounts/:id/statuses`
 * (newest first; `limit` default 20, at most 40; `max_id`, `since_id`, `min_id`; `Link` with
 * rel="next" when the page is full and rel="prev"), X-RateLimit-* headers on every API answer,
 * boosts of a remote account's statuses, image attachments; `/@user.rss`, the profile's RSS (its
 * newest 20 own posts, no boosts). Unknown accounts get `{"error":"Record not found"}` (404).
 * Under `/limited` the same accounts live on a server in limited (authorized-fetch) mode: every API
 * call answers 401 `{"error":"This API requires an authenticated user"}`, the RSS still works.
 * `lookup` accepts `user` and `user@<this server's host>`.
 */

const API_PAGE_DEFAULT = 20;
const API_PAGE_MAX = 40;
const RSS_ITEMS = 20;
const RATE_LIMIT = 300;
const REMOTE_SERVER = 'https://social.example';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store', vary: 'Accept, Origin' };
const NOT_FOUND: FixtureResponse = { status: 404, headers: JSON_HEADERS, body: '{"error":"Record not found"}' };
const LOGIN_REQUIRED: FixtureResponse = { status: 401, headers: JSON_HEADERS, body: '{"error":"This API requires an authenticated user"}' };

const requestCounts = new WeakMap<FixtureNetwork, number>();

/** X-RateLimit-* as Mastodon sends them: 300 calls per 5-minute window, the reset at the window's end. */
const rateLimitHeaders = (network: FixtureNetwork): Record<string, string> => {
  const count = (requestCounts.get(network) ?? 0) + 1;
  requestCounts.set(network, count);
  const windowMs = 5 * 60_000;
  return {
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(Math.max(RATE_LIMIT - (count % RATE_LIMIT), 0)),
    'x-ratelimit-reset': new Date(Math.ceil(Date.now() / windowMs) * windowMs).toISOString(),
  };
};

const accountIndex = (network: FixtureNetwork, handle: string): number => [...network.accounts.keys()].indexOf(handle);
const accountId = (network: FixtureNetwork, handle: string): string => String(109_245_000_000_000_000n + BigInt(accountIndex(network, handle) + 1));

// Mastodon ids are snowflakes: milliseconds since the epoch, shifted 16 bits, plus a sequence.
const snowflake = (at: Date, sequence: number): string => ((BigInt(at.getTime()) << 16n) + BigInt(sequence & 0xffff)).toString();
const statusId = (post: FixturePost): string => snowflake(post.publishedAt, post.id);
const boostedId = (post: FixturePost): string => snowflake(new Date(post.publishedAt.getTime() - 2 * 86_400_000), post.id + 7);

/** Status HTML as Mastodon renders it: a paragraph, <br /> between lines, hashtags linked (letters, digits and _ only). */
export function mastodonContentHtml(text: string, server: string): string {
  const lines = text.split('\n').map((line) =>
    escapeMarkup(line).replace(
      /(^|[^&\w])#([\p{L}\p{N}_]+)/gu,
      (_, before: string, tag: string) => `${before}<a href="${server}/tags/${tag.toLowerCase()}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>`,
    ),
  );
  return `<p>${lines.join('<br />')}</p>`;
}

const attachment = (image: FixtureImage, helpers: FixtureHelpers, isRemote: boolean) => ({
  id: String(110_000_000_000_000_000n + BigInt(image.id.replace(/\D/gu, '') || '0')),
  type: 'image',
  url: helpers.mediaUrl(image),
  preview_url: helpers.mediaUrl(image),
  remote_url: isRemote ? `${REMOTE_SERVER}/system/media_attachments/files/${image.id}.jpg` : null,
  preview_remote_url: null,
  text_url: null,
  meta: { original: { width: 64, height: 48, size: '64x48', aspect: 1.3333333333333333 }, small: { width: 64, height: 48, size: '64x48', aspect: 1.3333333333333333 } },
  description: image.alt ?? null,
  blurhash: 'UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$',
});

const accountJson = (account: FixtureAccount, helpers: FixtureHelpers) => ({
  id: accountId(helpers.network, account.handle),
  username: account.handle,
  acct: account.handle,
  display_name: account.displayName,
  locked: false,
  bot: false,
  discoverable: true,
  group: false,
  created_at: '2022-11-05T00:00:00.000Z',
  note: `<p>Posts from ${escapeMarkup(account.displayName)} &amp; friends</p>`,
  url: `${helpers.baseUrl}/@${account.handle}`,
  uri: `${helpers.baseUrl}/users/${account.handle}`,
  avatar: account.avatarUrl ?? `${helpers.origin}/media/avatar-${account.handle}.jpg`,
  avatar_static: account.avatarUrl ?? `${helpers.origin}/media/avatar-${account.handle}.jpg`,
  header: `${helpers.origin}/media/header-${account.handle}.jpg`,
  followers_count: 42,
  following_count: 17,
  statuses_count: account.posts.length,
  last_status_at: account.posts[0]?.publishedAt.toISOString().slice(0, 10) ?? null,
  emojis: [],
  fields: [{ name: 'Web', value: '<a href="https://blog.example" rel="nofollow noopener" target="_blank">blog.example</a>', verified_at: null }],
});

const REMOTE_ACCOUNT = {
  id: '109300000000000001',
  username: 'somebody_else',
  acct: 'somebody_else@social.example',
  display_name: 'Somebody Else',
  url: `${REMOTE_SERVER}/@somebody_else`,
  uri: `${REMOTE_SERVER}/users/somebody_else`,
};

const statusJson = (account: FixtureAccount, post: FixturePost, helpers: FixtureHelpers) => {
  const self = accountJson(account, helpers);
  const common = {
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    edited_at: null,
    mentions: [],
    emojis: [],
    card: null,
    poll: null,
  };
  if (!post.isRepost) {
    const id = statusId(post);
    return {
      id,
      created_at: post.publishedAt.toISOString(),
      ...common,
      uri: `${helpers.baseUrl}/users/${account.handle}/statuses/${id}`,
      url: `${helpers.baseUrl}/@${account.handle}/${id}`,
      content: mastodonContentHtml(post.text, helpers.baseUrl),
      reblog: null,
      application: { name: 'Web', website: null },
      account: self,
      media_attachments: post.images.map((image) => attachment(image, helpers, false)),
      tags: [{ name: account.handle.toLowerCase(), url: `${helpers.baseUrl}/tags/${account.handle.toLowerCase()}` }],
    };
  }
  const id = statusId(post);
  const originalId = boostedId(post);
  return {
    id,
    created_at: post.publishedAt.toISOString(),
    ...common,
    uri: `${helpers.baseUrl}/users/${account.handle}/statuses/${id}/activity`,
    url: `${helpers.baseUrl}/users/${account.handle}/statuses/${id}/activity`,
    content: '',
    reblog: {
      id: originalId,
      created_at: new Date(post.publishedAt.getTime() - 2 * 86_400_000).toISOString(),
      ...common,
      uri: `${REMOTE_SERVER}/users/somebody_else/statuses/${originalId}`,
      url: `${REMOTE_SERVER}/@somebody_else/${originalId}`,
      content: mastodonContentHtml(post.text, REMOTE_SERVER),
      reblog: null,
      account: REMOTE_ACCOUNT,
      media_attachments: post.images.map((image) => attachment(image, helpers, true)),
      tags: [],
    },
    application: null,
    account: self,
    media_attachments: [],
    tags: [],
  };
};

const json = (body: unknown, helpers: FixtureHelpers, extra: Record<string, string> = {}): FixtureResponse => ({
  status: 200,
  headers: { ...JSON_HEADERS, ...rateLimitHeaders(helpers.network), ...extra },
  body: JSON.stringify(body),
});

const accountByLookup = (acct: string, helpers: FixtureHelpers): FixtureAccount | undefined => {
  const [username = '', domain] = acct.replace(/^@/u, '').split('@');
  if (domain !== undefined && domain.toLowerCase() !== new URL(helpers.origin).host) return undefined;
  return helpers.network.accounts.get(username);
};

const accountById = (id: string, helpers: FixtureHelpers): FixtureAccount | undefined =>
  [...helpers.network.accounts.values()].find((account) => accountId(helpers.network, account.handle) === id);

const statusesAnswer = (account: FixtureAccount, request: FixtureRequest, helpers: FixtureHelpers): FixtureResponse => {
  const requested = Number.parseInt(request.query.get('limit') ?? '', 10);
  const limit = Number.isNaN(requested) || requested < 1 ? API_PAGE_DEFAULT : Math.min(requested, API_PAGE_MAX);
  const bound = (name: string): bigint | undefined => {
    const value = request.query.get(name);
    return value !== null && /^\d+$/u.test(value) ? BigInt(value) : undefined;
  };
  const [maxId, sinceId, minId] = [bound('max_id'), bound('since_id'), bound('min_id')];
  let statuses = account.posts
    .map((post) => ({ id: BigInt(statusId(post)), post }))
    .filter(({ id }) => (maxId === undefined || id < maxId) && (sinceId === undefined || id > sinceId) && (minId === undefined || id > minId));
  // min_id asks for the page just above it: the oldest `limit` of the newer statuses, still listed newest first.
  statuses = minId === undefined ? statuses.slice(0, limit) : statuses.slice(-limit);
  const page = statuses.map(({ post }) => statusJson(account, post, helpers));
  const base = `${helpers.baseUrl}/api/v1/accounts/${accountId(helpers.network, account.handle)}/statuses`;
  const keep = `limit=${limit}${request.query.get('exclude_replies') === null ? '' : `&exclude_replies=${request.query.get('exclude_replies') ?? ''}`}`;
  const links: string[] = [];
  const last = page.at(-1);
  const first = page[0];
  if (last !== undefined && page.length === limit) links.push(`<${base}?${keep}&max_id=${last.id}>; rel="next"`);
  if (first !== undefined) links.push(`<${base}?${keep}&min_id=${first.id}>; rel="prev"`);
  return json(page, helpers, links.length === 0 ? {} : { link: links.join(', ') });
};

const profileRss = (account: FixtureAccount, server: string, helpers: FixtureHelpers): FixtureResponse => {
  const posts = account.posts.filter((post) => !post.isRepost).slice(0, RSS_ITEMS);
  const items = posts.map((post) => {
    const url = `${server}/@${account.handle}/${statusId(post)}`;
    const media = post.images
      .map(
        (image) => `
      <media:content url="${helpers.mediaUrl(image)}" type="image/jpeg" fileSize="2048" medium="image">
        <media:rating scheme="urn:simple">nonadult</media:rating>${image.alt === undefined ? '' : `
        <media:description type="plain">${escapeMarkup(image.alt)}</media:description>`}
      </media:content>`,
      )
      .join('');
    return `
    <item>
      <guid isPermaLink="true">${url}</guid>
      <link>${url}</link>
      <pubDate>${post.publishedAt.toUTCString().replace(/GMT$/u, '+0000')}</pubDate>
      <description>${escapeMarkup(mastodonContentHtml(post.text, server))}</description>${media}
      <category>${account.handle.toLowerCase()}</category>
    </item>`;
  });
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>${escapeMarkup(account.displayName)}</title>
    <description>Public posts from @${account.handle}@${new URL(helpers.origin).host}</description>
    <link>${server}/@${account.handle}</link>
    <image>
      <url>${helpers.origin}/media/avatar-${account.handle}.jpg</url>
      <title>${escapeMarkup(account.displayName)}</title>
      <link>${server}/@${account.handle}</link>
    </image>
    <lastBuildDate>${(posts[0]?.publishedAt ?? new Date(0)).toUTCString().replace(/GMT$/u, '+0000')}</lastBuildDate>
    <webfeeds:icon>${helpers.origin}/media/avatar-${account.handle}.jpg</webfeeds:icon>
    <generator>Mastodon v4.3.2</generator>${items.join('')}
  </channel>
</rss>
`;
  return { status: 200, headers: { 'content-type': 'application/rss+xml; charset=utf-8', 'cache-control': 'max-age=60, public', vary: 'Accept, Accept-Language, Cookie' }, body };
};

const SIGN_IN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in - Mastodon</title><link rel="stylesheet" href="/packs/css/common-8ad2a5a5.css"></head>
<body class="app-body no-reduce-motion"><div class="container-alt"><div class="form-container">
<form class="simple_form new_user" id="new_user" novalidate="novalidate" action="/auth/sign_in" accept-charset="UTF-8" method="post">
<input type="hidden" name="authenticity_token" value="x9f2kq" autocomplete="off" />
<div class="input email required user_email"><input class="string email required" type="email" name="user[email]" id="user_email" /></div>
<div class="input password required user_password"><input class="password required" type="password" name="user[password]" id="user_password" /></div>
<button name="button" type="submit" class="btn">Log in</button></form></div></div></body></html>`;

/** The Mastodon platform of the fixture server. */
export const mastodonFixture: PlatformFixture = {
  platform: 'mastodon',

  handle(request, helpers) {
    const isLimited = request.path === '/limited' || request.path.startsWith('/limited/');
    const path = isLimited ? request.path.slice('/limited'.length) : request.path;
    const server = isLimited ? `${helpers.baseUrl}/limited` : helpers.baseUrl;
    if (path.startsWith('/api/')) {
      if (isLimited) return LOGIN_REQUIRED;
      if (path === '/api/v1/accounts/lookup') {
        const account = accountByLookup(request.query.get('acct') ?? '', helpers);
        return account === undefined ? NOT_FOUND : json(accountJson(account, helpers), helpers);
      }
      const byId = /^\/api\/v1\/accounts\/(\d+)(\/statuses)?$/u.exec(path);
      const account = byId?.[1] === undefined ? undefined : accountById(byId[1], helpers);
      if (byId === null) return { status: 404, headers: JSON_HEADERS, body: '{"error":"Not Found"}' };
      if (account === undefined) return NOT_FOUND;
      return byId[2] === undefined ? json(accountJson(account, helpers), helpers) : statusesAnswer(account, request, helpers);
    }
    const rss = /^\/@([A-Za-z0-9_]+)\.rss$/u.exec(path);
    if (rss !== null) {
      const account = helpers.network.accounts.get(rss[1] ?? '');
      return account === undefined ? undefined : profileRss(account, server, helpers);
    }
    return undefined;
  },

  loginWall(request) {
    // The API's refusal, or for pages and feeds the sign-in form a server in limited mode shows.
    if (request.path.includes('/api/')) return LOGIN_REQUIRED;
    return { status: 401, headers: { 'content-type': 'text/html; charset=utf-8' }, body: SIGN_IN_PAGE };
  },

  malformed(request, helpers) {
    if (request.path.endsWith('.rss')) {
      return { status: 200, headers: { 'content-type': 'application/rss+xml; charset=utf-8' }, body: '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Broken</title><item><guid>' };
    }
    // A status list cut off mid-object, as a proxy that dropped the connection leaves it.
    return {
      status: 200,
      headers: { ...JSON_HEADERS, ...rateLimitHeaders(helpers.network) },
      body: '[{"id":"115520000000000001","created_at":"2026-11-20T12:00:00.000Z","in_reply_to_id":null,"content":"<p>Cut off',
    };
  },
};
