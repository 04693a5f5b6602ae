import type { DemoAccountContent, DemoPost } from './demo-content.js';

/**
 * The demo platform's HTML: a status's content as Mastodon renders it, and the pages a person
 * opens from a finding's link (a profile, a status), each under a banner saying it is demo data.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe inside HTML text and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (character) => ENTITIES[character] ?? character);
}

/** A status's `content` as Mastodon writes it: a paragraph per blank-line-separated block, `<br />` between lines. */
export function statusContentHtml(text: string): string {
  if (text === '') return '';
  return text
    .split(/\n{2,}/u)
    .map((block) => `<p>${block.split('\n').map(escapeHtml).join('<br />')}</p>`)
    .join('');
}

/** A post as a page shows it: whose it is, its own or boosted content, and where its pictures are. */
export interface ShownPost {
  readonly account: DemoAccountContent;
  readonly post: DemoPost;
  /** The post whose text and pictures are shown: the boosted one for a boost. */
  readonly shown: DemoPost;
  readonly shownAuthor: DemoAccountContent;
  readonly mediaUrl: (file: string) => string;
  readonly statusUrl: (username: string, id: string) => string;
}

const BANNER =
  '<p style="background:#fff3cd;border:2px solid #b8860b;padding:.6em 1em;font-weight:bold">' +
  'DEMO DATA — the overshare demo platform. Every account, person, post and picture here is invented.</p>';

const page = (title: string, body: string): string =>
  `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} (demo data)</title></head>` +
  `<body style="font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em">${BANNER}${body}</body></html>\n`;

const article = (item: ShownPost): string => {
  const boosted = item.post.boostOf === undefined ? '' : `<p><em>Boosted from @${escapeHtml(item.shownAuthor.username)}</em></p>`;
  const images = item.shown.images
    .map((image) => `<p><img src="${escapeHtml(item.mediaUrl(image.file))}" alt="${escapeHtml(image.alt ?? '')}" width="${String(image.width / 2)}"></p>`)
    .join('');
  const link = escapeHtml(item.statusUrl(item.account.username, item.post.id));
  return `<article style="border-top:1px solid #ccc;padding:.5em 0">${boosted}${statusContentHtml(item.shown.text)}${images}<p><a href="${link}"><time datetime="${item.post.publishedAt}">${item.post.publishedAt}</time></a></p></article>`;
};

/** A profile page: the account's name, its note and its posts, newest first. */
export function renderProfilePage(account: DemoAccountContent, items: readonly ShownPost[]): string {
  return page(
    account.displayName,
    `<h1>${escapeHtml(account.displayName)}</h1><p>@${escapeHtml(account.username)}</p><p>${escapeHtml(account.note)}</p>${items.map(article).join('')}`,
  );
}

/** A status page: one post under its account's name. */
export function renderStatusPage(item: ShownPost): string {
  return page(`${item.account.displayName}: post ${item.post.id}`, `<h1>${escapeHtml(item.account.displayName)}</h1>${article(item)}`);
}
