import { loadHtml } from '../../load-html.js';
import type { CheerioAPI } from 'cheerio';
import type { ObservedProfile } from '../../../core/coverage.js';
import { redactUrl } from '../../../core/config.js';
import { PermanentError } from '../../../core/errors.js';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import type { UnreadablePost } from '../readable-posts.js';

/**
 * Reads the HTML of Telegram's public channel preview (`t.me/s/<channel>`): the message list,
 * or, for any other page t.me answers with, what kind of page it is.
 */

/** A `t.me/s/<channel>` page: its posts and where the next (older) page starts. */
export interface TelegramChannelPage {
  kind: 'channel';
  /**
   * Posts newest first; service messages ("Channel created", "pinned a message") are left out. A
   * message whose time cannot be read has an empty `publishedAt` (collectPosts skips and counts it).
   */
  posts: CollectedPost[];
  /** Messages skipped because even their id (`data-post`) could not be read. */
  unreadable: UnreadablePost[];
  /** Id of the oldest message on the page, service messages included; undefined when the page lists none. */
  oldestMessageId: number | undefined;
  /**
   * True when t.me says newer messages follow this page (its closing "more" link with `data-after`,
   * shown on `?before=` and `?after=` pages that do not reach the channel's newest message).
   */
  hasNewer: boolean;
  /** The channel's title and photo from the page's header; undefined when the header shows neither. */
  profile: ObservedProfile | undefined;
}

/** Any page that is not a channel preview: t.me's account card, its "contact @name" page, or a block page. */
export interface TelegramOtherPage {
  kind: 'other';
  /** Why the page is a captcha or bot check (for PlatformBlockedError); undefined when it is none. */
  blockReason: string | undefined;
  /** True when the page shows an existing account's card (a name under `.tgme_page_title`). */
  hasAccountCard: boolean;
}

export type TelegramPage = TelegramChannelPage | TelegramOtherPage;

// Only a page without channel markup is judged a block page, so a post that quotes "verify you
// are human" is never taken for one.
const CHANNEL_MARKUP = '.tgme_channel_history, .tgme_channel_info, .tgme_widget_message';
const CHALLENGE_WIDGETS = '.g-recaptcha, .h-captcha, .cf-turnstile, [data-sitekey], #challenge-form, form[action*="captcha" i], iframe[src*="captcha" i]';
const CHALLENGE_PHRASES = /verify (?:that )?you are (?:a )?human|are you a robot|not a robot|captcha|unusual traffic|just a moment|attention required|access denied/iu;
const DATA_POST = /^([A-Za-z0-9_]+)\/(\d+)$/u;
const BACKGROUND_URL = /background-image\s*:\s*url\(\s*(['"]?)(.*?)\1\s*\)/iu;

/** A cheerio selection of the loaded page. */
type Selection = ReturnType<CheerioAPI>;

/**
 * Reads one page t.me answered with. `pageUrl` is the address that answered (after redirects);
 * relative and protocol-relative URLs are resolved against it. Throws PermanentError when a channel
 * page is cut off (no `</html>`).
 */
export function readTelegramPage(html: string, pageUrl: string): TelegramPage {
  const $ = loadHtml(html);
  if ($(CHANNEL_MARKUP).length === 0) {
    return { kind: 'other', blockReason: blockReasonOf($), hasAccountCard: $('.tgme_page_title').text().trim() !== '' };
  }
  // t.me lists messages oldest first, so a page cut off in transfer loses the newest posts: refuse it
  // rather than let the next scan's cursor step over them.
  if (!/<\/html\s*>/iu.test(html)) {
    throw new PermanentError(`telegram: the page ${redactUrl(pageUrl)} ends before </html> (cut off in transfer); the scan will read it again next time`);
  }
  const posts: CollectedPost[] = [];
  const unreadable: UnreadablePost[] = [];
  let oldestMessageId: number | undefined;
  $('.tgme_widget_message[data-post]').each((_, element) => {
    const message = $(element);
    const dataPost = message.attr('data-post') ?? '';
    const match = DATA_POST.exec(dataPost);
    if (match === null) {
      unreadable.push({ reason: 'a message without a readable data-post id (channel/123)' });
      return;
    }
    const [, channel = '', idText = ''] = match;
    const id = Number(idText);
    oldestMessageId = oldestMessageId === undefined ? id : Math.min(oldestMessageId, id);
    if (message.hasClass('service_message')) return;
    posts.push(readMessage($, message, channel, id, pageUrl));
  });
  // Ids grow with time within a channel: the largest id is the newest post.
  posts.sort((a, b) => messageIdOf(b) - messageIdOf(a));
  const hasNewer = $('a.js-messages_more[data-after], a.tme_messages_more[data-after]').length > 0;
  return { kind: 'channel', posts, unreadable, oldestMessageId, hasNewer, profile: profileOf($, pageUrl) };
}

/**
 * The channel's title and photo from the channel card beside the messages (`.tgme_channel_info`);
 * a channel without a photo shows its initial there instead, and has no avatar.
 */
function profileOf($: CheerioAPI, pageUrl: string): ObservedProfile | undefined {
  const header = $('.tgme_channel_info').first();
  const title = header.find('.tgme_channel_info_header_title').first().text().trim().replace(/\s+/gu, ' ');
  const photo = header.find('.tgme_page_photo_image img[src]').first().attr('src')?.trim();
  const profile: ObservedProfile = {};
  if (title !== '') profile.displayName = title;
  if (photo !== undefined && photo !== '' && URL.canParse(photo, pageUrl)) profile.avatarUrl = new URL(photo, pageUrl).href;
  return profile.displayName === undefined && profile.avatarUrl === undefined ? undefined : profile;
}

function readMessage($: CheerioAPI, message: Selection, channel: string, id: number, pageUrl: string): CollectedPost {
  const dateLink = message.find('a.tgme_widget_message_date').first();
  const datetime = dateLink.find('time[datetime]').attr('datetime') ?? message.find('time[datetime]').first().attr('datetime');
  // Without a readable time the message is still listed, undated: collectPosts skips and counts it.
  const publishedMs = datetime === undefined ? Number.NaN : Date.parse(datetime);
  const href = dateLink.attr('href');
  // The date links to the post; t.me always prints it, the fallback only covers a bare excerpt.
  const permalink = href === undefined ? new URL(`../${channel}/${id}`, pageUrl).href : new URL(href, pageUrl).href;
  return {
    platform: 'telegram',
    externalId: `${channel}/${id}`,
    permalink,
    author: channel,
    publishedAt: Number.isNaN(publishedMs) ? '' : new Date(publishedMs).toISOString(),
    text: textOf($, message),
    isRepost: message.find('.tgme_widget_message_forwarded_from').length > 0,
    media: mediaOf($, message, pageUrl),
  };
}

function textOf($: CheerioAPI, message: Selection): string {
  // A reply quotes the message it answers inside `.tgme_widget_message_reply`; that text is not this post's.
  const body = message
    .find('.tgme_widget_message_text')
    .filter((_, element) => $(element).closest('.tgme_widget_message_reply').length === 0)
    .first();
  if (body.length === 0) return '';
  const copy = body.clone();
  copy.find('br').replaceWith('\n');
  // Emoji arrive as <i class="emoji" style="background-image:…"><b>🔥</b></i>: their text is the emoji itself.
  return copy.text().trim();
}

function mediaOf($: CheerioAPI, message: Selection, pageUrl: string): CollectedMedia[] {
  const media: CollectedMedia[] = [];
  const seen = new Set<string>();
  const add = (raw: string | undefined, kind: CollectedMedia['kind']): void => {
    if (raw === undefined || raw.trim() === '' || !URL.canParse(raw.trim(), pageUrl)) return;
    const url = new URL(raw.trim(), pageUrl).href;
    if (seen.has(url)) return;
    seen.add(url);
    media.push({ url, kind });
  };
  // Photos (single or in an album) are backgrounds of their link; link-preview images are the linked site's, not the post's.
  message.find('a.tgme_widget_message_photo_wrap').each((_, element) => {
    add(BACKGROUND_URL.exec($(element).attr('style') ?? '')?.[2], 'image');
  });
  message.find('video.tgme_widget_message_video[src], .tgme_widget_message_video_player video[src]').each((_, element) => {
    add($(element).attr('src'), 'video');
  });
  return media;
}

function blockReasonOf($: CheerioAPI): string | undefined {
  if ($(CHALLENGE_WIDGETS).length > 0) return 'a captcha challenge';
  const headings = [$('title').first().text(), ...$('h1, h2').map((_, element) => $(element).text()).get()];
  const phrase = headings.map((text) => CHALLENGE_PHRASES.exec(text)?.[0]).find((found) => found !== undefined);
  return phrase === undefined ? undefined : `a bot check ("${phrase}")`;
}

function messageIdOf(post: CollectedPost): number {
  return Number(post.externalId.slice(post.externalId.lastIndexOf('/') + 1));
}
