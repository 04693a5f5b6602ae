import { createHash } from 'node:crypto';
import type { FixtureHelpers, FixtureRequest, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixturePost } from '../fixture-network.js';

/**
 * The Bluesky AppView's `app.bsky.feed.getAuthorFeed` for the fixture network, in the API's JSON
 * (app.bsky.feed.defs#feedViewPost): cursor paging by sort time (`limit` 1–100, default 50),
 * images and quote-with-media embeds, link cards, repost reasons, pins with `includePins=true`.
 * A network account `acme` is the actor `acme.bsky.social` (or its DID, `did:plc:…`). Besides:
 * - `private.bsky.social` shows its posts to logged-in users only (401 AuthMissing);
 * - `blocker.bsky.social` blocks the requester (400 BlockedByActor);
 * - any other actor gets the AppView's 400 InvalidRequest "Profile not found".
 */

const FILTERS = ['posts_with_replies', 'posts_no_replies', 'posts_with_media', 'posts_and_author_threads', 'posts_with_video'];
const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'atproto-content-labelers': 'did:plc:ar7c4by46qjdydhdevvrndac;redact',
  'ratelimit-limit': '3000',
  'ratelimit-remaining': '2987',
  'ratelimit-policy': '3000;w=300',
  vary: 'Accept-Encoding',
};

/** One entry of the feed and its place in it. */
interface FeedItem {
  sortAt: Date;
  json: Record<string, unknown>;
  hasImages: boolean;
}

/** The Bluesky platform of the fixture server. */
export const blueskyFixture: PlatformFixture = {
  platform: 'bluesky',

  handle(request, helpers) {
    if (request.path === '/xrpc/app.bsky.feed.getAuthorFeed') return authorFeed(request, helpers);
    if (request.path.startsWith('/xrpc/')) return xrpcError(501, 'MethodNotImplemented', 'Method Not Implemented');
    return undefined;
  },

  loginWall() {
    return xrpcError(401, 'AuthMissing', 'Authentication Required');
  },

  malformed(request, helpers) {
    const answer = blueskyFixture.handle(request, helpers);
    const body = answer !== undefined && answer.status === 200 && typeof answer.body === 'string' ? answer.body : '{"feed":[{"post":{"uri":"at://did:plc:x/app.bsky.feed.post/3l';
    return { status: 200, headers: JSON_HEADERS, body: body.slice(0, Math.max(40, body.length >> 1)) };
  },
};

function authorFeed(request: FixtureRequest, helpers: FixtureHelpers): FixtureResponse {
  const actor = request.query.get('actor');
  if (actor === null || actor === '') return xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "actor"');
  if (!/^did:[a-z]+:[A-Za-z0-9._:%-]+$/u.test(actor) && !/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/u.test(actor)) {
    return xrpcError(400, 'InvalidRequest', 'Error: actor must be a valid did or a handle');
  }
  const limitParam = request.query.get('limit');
  const limit = limitParam === null ? 50 : Number(limitParam);
  if (!Number.isInteger(limit)) return xrpcError(400, 'InvalidRequest', 'Error: limit must be an integer');
  if (limit > 100) return xrpcError(400, 'InvalidRequest', 'Error: limit can not be greater than 100');
  if (limit < 1) return xrpcError(400, 'InvalidRequest', 'Error: limit can not be less than 1');
  const filter = request.query.get('filter') ?? 'posts_with_replies';
  if (!FILTERS.includes(filter)) return xrpcError(400, 'InvalidRequest', `Error: filter must be one of (${FILTERS.join('|')})`);

  const lowered = actor.toLowerCase();
  if (lowered === 'private.bsky.social') return xrpcError(401, 'AuthMissing', 'Authentication Required');
  if (lowered === 'blocker.bsky.social') return xrpcError(400, 'BlockedByActor', 'Requester is blocked by actor');
  const account = [...helpers.network.accounts.values()].find((candidate) => actorHandle(candidate.handle) === lowered || didOf(candidate.handle) === actor);
  if (account === undefined) return xrpcError(400, 'InvalidRequest', 'Profile not found');

  const cursor = request.query.get('cursor');
  const cursorMs = cursor === null ? undefined : Date.parse(cursor);
  if (cursorMs !== undefined && Number.isNaN(cursorMs)) return xrpcError(400, 'InvalidRequest', 'Malformed cursor');

  let items = account.posts.map((post) => feedItem(account, post, helpers));
  if (filter === 'posts_with_media') items = items.filter((item) => item.hasImages);
  if (filter === 'posts_with_video') items = [];
  const page = items.filter((item) => cursorMs === undefined || item.sortAt.getTime() < cursorMs).slice(0, limit);
  const feed = page.map((item) => item.json);
  // The oldest post is pinned; the AppView lists a pin first, on the first page, only when asked to.
  const pinned = account.posts.at(-1);
  if (request.query.get('includePins') === 'true' && cursor === null && pinned !== undefined && !pinned.isRepost) {
    feed.unshift({ post: ownPostView(account, pinned, helpers), reason: { $type: 'app.bsky.feed.defs#reasonPin' } });
  }
  // Like the AppView, a non-empty page always carries a cursor; the page after the last one is empty.
  const last = page.at(-1);
  const body = last === undefined ? { feed } : { feed, cursor: last.sortAt.toISOString() };
  return { status: 200, headers: { ...JSON_HEADERS, 'ratelimit-reset': String(Math.floor(Date.now() / 1_000) + 300) }, body: JSON.stringify(body) };
}

function feedItem(account: FixtureAccount, post: FixturePost, helpers: FixtureHelpers): FeedItem {
  if (!post.isRepost) return { sortAt: post.publishedAt, json: { post: ownPostView(account, post, helpers) }, hasImages: post.images.length > 0 };
  const original = post.originalAuthor ?? 'somebody_else';
  const originalAccount: FixtureAccount = { handle: original, displayName: original.replace(/_/gu, ' '), posts: [] };
  // The reposted post is two days older than the repost, which is what places it in the feed.
  const originalPost: FixturePost = { ...post, publishedAt: new Date(post.publishedAt.getTime() - 2 * 86_400_000), isRepost: false };
  const did = didOf(account.handle);
  return {
    sortAt: post.publishedAt,
    hasImages: false,
    json: {
      post: ownPostView(originalAccount, originalPost, helpers),
      reason: {
        $type: 'app.bsky.feed.defs#reasonRepost',
        by: profileView(account, helpers),
        uri: `at://${did}/app.bsky.feed.repost/${tidOf(post.publishedAt, post.id)}`,
        cid: cidOf(`repost-${account.handle}-${post.id}`),
        indexedAt: post.publishedAt.toISOString(),
      },
    },
  };
}

function ownPostView(account: FixtureAccount, post: FixturePost, helpers: FixtureHelpers): Record<string, unknown> {
  const did = didOf(account.handle);
  const createdAt = post.publishedAt.toISOString();
  const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', createdAt, langs: ['en'], text: post.text, facets: tagFacets(post.text) };
  const view: Record<string, unknown> = {
    uri: `at://${did}/app.bsky.feed.post/${tidOf(post.publishedAt, post.id)}`,
    cid: cidOf(`post-${account.handle}-${post.id}`),
    author: profileView(account, helpers),
    record,
    bookmarkCount: 0,
    replyCount: post.id % 4,
    repostCount: post.id % 3,
    likeCount: post.id % 17,
    quoteCount: 0,
    // The AppView indexes a post a moment after its client stamps it.
    indexedAt: new Date(post.publishedAt.getTime() + 417).toISOString(),
    viewer: { bookmarked: false, threadMuted: false, embeddingDisabled: false },
    labels: [],
  };
  const images = post.images.map((image, index) => ({
    view: { thumb: `${helpers.origin}/media/thumb-${image.id}.jpg`, fullsize: helpers.mediaUrl(image), alt: image.alt ?? '', aspectRatio: { width: 64, height: 48 } },
    blob: { alt: image.alt ?? '', aspectRatio: { width: 64, height: 48 }, image: { $type: 'blob', ref: { $link: cidOf(`${image.id}-${index}`) }, mimeType: 'image/jpeg', size: 18_204 } },
  }));
  const imagesView = { $type: 'app.bsky.embed.images#view', images: images.map((image) => image.view) };
  const imagesRecord = { $type: 'app.bsky.embed.images', images: images.map((image) => image.blob) };
  if (images.length > 0 && post.id % 2 === 0) {
    // A quote post with pictures: the quoted post's own picture is not this post's media.
    const quoted = quotedPost(post, helpers);
    record.embed = { $type: 'app.bsky.embed.recordWithMedia', record: { $type: 'app.bsky.embed.record', record: { uri: quoted.uri, cid: quoted.cid } }, media: imagesRecord };
    view.embed = { $type: 'app.bsky.embed.recordWithMedia#view', record: { $type: 'app.bsky.embed.record#view', record: quoted }, media: imagesView };
  } else if (images.length > 0) {
    record.embed = imagesRecord;
    view.embed = imagesView;
  } else if (post.id % 5 === 0) {
    // A link card: its thumbnail is the linked page's, not the post's.
    const card = { uri: 'https://example.com/news/launch', title: 'Launch news', description: 'All about the launch' };
    record.embed = { $type: 'app.bsky.embed.external', external: card };
    view.embed = { $type: 'app.bsky.embed.external#view', external: { ...card, thumb: `${helpers.origin}/media/card-${post.id}.jpg` } };
  }
  return view;
}

function quotedPost(post: FixturePost, helpers: FixtureHelpers): Record<string, unknown> & { uri: string; cid: string } {
  const author: FixtureAccount = { handle: 'newsdesk', displayName: 'News Desk', posts: [] };
  const at = new Date(post.publishedAt.getTime() - 86_400_000);
  const image = { thumb: `${helpers.origin}/media/thumb-quoted-${post.id}.jpg`, fullsize: `${helpers.origin}/media/quoted-${post.id}.jpg`, alt: 'Quoted picture' };
  return {
    $type: 'app.bsky.embed.record#viewRecord',
    uri: `at://${didOf(author.handle)}/app.bsky.feed.post/${tidOf(at, post.id)}`,
    cid: cidOf(`quoted-${post.id}`),
    author: profileView(author, helpers),
    value: { $type: 'app.bsky.feed.post', createdAt: at.toISOString(), langs: ['en'], text: 'Our booth plan for the fair.' },
    labels: [],
    likeCount: 4,
    replyCount: 0,
    repostCount: 1,
    quoteCount: 1,
    indexedAt: at.toISOString(),
    embeds: [{ $type: 'app.bsky.embed.images#view', images: [image] }],
  };
}

function profileView(account: FixtureAccount, helpers: FixtureHelpers): Record<string, unknown> {
  return {
    did: didOf(account.handle),
    handle: actorHandle(account.handle),
    displayName: account.displayName,
    avatar: account.avatarUrl ?? `${helpers.origin}/media/avatar-${account.handle}.jpg`,
    associated: { chat: { allowIncoming: 'following' }, activitySubscription: { allowSubscriptions: 'followers' } },
    labels: [],
    createdAt: '2024-02-01T10:00:00.000Z',
  };
}

/** Tag facets over UTF-8 byte offsets, as Bluesky clients write them (`#acme-1003` is the tag `acme-1003`). */
function tagFacets(text: string): Record<string, unknown>[] {
  return [...text.matchAll(/#([^\s#]+)/gu)].map((match) => {
    const byteStart = Buffer.byteLength(text.slice(0, match.index));
    return {
      $type: 'app.bsky.richtext.facet',
      index: { byteStart, byteEnd: byteStart + Buffer.byteLength(match[0]) },
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag: match[1] }],
    };
  });
}

function actorHandle(handle: string): string {
  const lowered = handle.toLowerCase();
  return lowered.includes('.') ? lowered : `${lowered}.bsky.social`;
}

function didOf(handle: string): string {
  return `did:plc:${base32(createHash('sha256').update(`did-${handle}`).digest()).slice(0, 24)}`;
}

function cidOf(seed: string): string {
  return `bafyrei${base32(createHash('sha256').update(seed).digest()).slice(0, 52)}`;
}

/** A record key as atproto clients make them: microseconds since 1970 and a clock id, in sortable base32. */
function tidOf(at: Date, clockId: number): string {
  let value = (BigInt(at.getTime()) * 1_000n << 10n) | BigInt(clockId & 1_023);
  let tid = '';
  for (let index = 0; index < 13; index += 1) {
    tid = (BASE32_SORTABLE[Number(value & 31n)] ?? '2') + tid;
    value >>= 5n;
  }
  return tid;
}

function base32(bytes: Buffer): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return (bits.match(/.{1,5}/gu) ?? []).map((chunk) => 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(chunk.padEnd(5, '0'), 2)] ?? 'a').join('');
}

function xrpcError(status: number, error: string, message: string): FixtureResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify({ error, message }) };
}
