import type { DemoAccountContent, DemoImage, DemoPost } from './demo-content.js';
import { escapeHtml, statusContentHtml } from './render-demo-pages.js';

/**
 * Mastodon 4's Account and Status entities (docs.joinmastodon.org/entities) for the demo
 * platform's accounts and posts, with the fields Mastodon sends and overshare's crawler reads.
 */

/** Where the demo platform serves things: its origin and the account ids it gave out. */
export interface DemoServerAddress {
  readonly origin: string;
  readonly accountId: (username: string) => string;
}

/** The Account entity of a demo account; its note says it is demo data. */
export function demoAccountJson(account: DemoAccountContent, address: DemoServerAddress) {
  const profileUrl = `${address.origin}/@${account.username}`;
  const newest = account.posts[0];
  return {
    id: address.accountId(account.username),
    username: account.username,
    // A local account's acct is its bare username, as Mastodon gives it.
    acct: account.username,
    display_name: account.displayName,
    locked: false,
    bot: false,
    discoverable: false,
    group: false,
    created_at: '2022-11-05T00:00:00.000Z',
    note: `<p>${escapeHtml(account.note)}</p>`,
    url: profileUrl,
    uri: `${address.origin}/users/${account.username}`,
    followers_count: 0,
    following_count: 0,
    statuses_count: account.posts.length,
    last_status_at: newest === undefined ? null : newest.publishedAt.slice(0, 10),
    emojis: [],
    fields: [{ name: 'Demo data', value: 'Invented for the overshare demo', verified_at: null }],
  };
}

const attachmentJson = (image: DemoImage, index: number, post: DemoPost, origin: string) => {
  const url = `${origin}/media/${image.file}`;
  const size = { width: image.width, height: image.height, size: `${String(image.width)}x${String(image.height)}`, aspect: image.width / image.height };
  return {
    id: `${post.id}${String(index)}`,
    type: 'image',
    url,
    preview_url: url,
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: { original: size, small: size },
    description: image.alt ?? null,
    blurhash: null,
  };
};

const COMMON = {
  in_reply_to_id: null,
  in_reply_to_account_id: null,
  sensitive: false,
  spoiler_text: '',
  visibility: 'public',
  replies_count: 0,
  reblogs_count: 0,
  favourites_count: 0,
  edited_at: null,
  mentions: [],
  tags: [],
  emojis: [],
  card: null,
  poll: null,
} as const;

/** A post as its own Status entity (not a boost). */
const ownStatusJson = (account: DemoAccountContent, post: DemoPost, address: DemoServerAddress) => ({
  id: post.id,
  created_at: post.publishedAt,
  ...COMMON,
  language: post.language,
  uri: `${address.origin}/users/${account.username}/statuses/${post.id}`,
  url: `${address.origin}/@${account.username}/${post.id}`,
  content: statusContentHtml(post.text),
  reblog: null,
  application: { name: 'Web', website: null },
  account: demoAccountJson(account, address),
  media_attachments: post.images.map((image, index) => attachmentJson(image, index, post, address.origin)),
});

/**
 * The Status entity of a demo post; a boost carries the boosted post (`boosted`, with its author)
 * in `reblog` and has no content or media of its own, as on Mastodon.
 */
export function demoStatusJson(
  account: DemoAccountContent,
  post: DemoPost,
  address: DemoServerAddress,
  boosted?: { readonly account: DemoAccountContent; readonly post: DemoPost },
) {
  if (boosted === undefined) return ownStatusJson(account, post, address);
  return {
    id: post.id,
    created_at: post.publishedAt,
    ...COMMON,
    language: null,
    uri: `${address.origin}/users/${account.username}/statuses/${post.id}/activity`,
    url: `${address.origin}/users/${account.username}/statuses/${post.id}/activity`,
    content: '',
    reblog: ownStatusJson(boosted.account, boosted.post, address),
    application: null,
    account: demoAccountJson(account, address),
    media_attachments: [],
  };
}
