import { redactUrl } from '../../../core/config.js';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { AdapterContext, FeedPage, PageRequest, PlatformAdapter, TextResponse } from '../../platform-adapter.js';
import { readablePosts } from '../readable-posts.js';
import { readTelegramPage, type TelegramChannelPage } from './read-telegram-page.js';

/**
 * Telegram public channels through their web preview, `t.me/s/<channel>`: plain HTML, about 20
 * messages a page, oldest first; `?before=<id>` lists the messages older than `<id>`, `?after=<id>`
 * the ones just newer than `<id>` (none when nothing is newer).
 *
 * A rescan starts with `?after=<the cursor's message id>`: a channel with nothing new answers with
 * an empty list, one with a few new posts with exactly those. An empty list is also what a renamed
 * message widget looks like, so the adapter then reads the newest page, which shows the cursor's
 * message again (nothing new) or lists nothing (an empty feed, reported). When t.me says still newer messages
 * follow that page (its `data-after` link), there were more new posts than a page holds, and the
 * adapter reads the channel newest first instead, as on a first scan (`collectPosts` stops at the cursor).
 *
 * How t.me answers for channels it will not preview, and the rule this adapter reads from it:
 * - a channel, group, user or bot without a web preview: `/s/<name>` redirects (302) to `/<name>`,
 *   the account card (its name in `.tgme_page_title`) → PlatformBlockedError;
 * - a name nobody holds: the same redirect, to a bare "contact @name" page with no card → NotFoundError;
 * - a 404 → NotFoundError; a page at the preview address with neither the channel's header nor any
 *   message nor a block → PermanentError (a layout the adapter does not know).
 */

const USERNAME = /^[A-Za-z0-9_]{1,64}$/u;
const TELEGRAM_LINK = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(.*)$/iu;
// A preview page's path ends in /s/<name>; anything else means t.me sent us away from the preview.
const PREVIEW_PATH = /\/s\/[^/]+\/?$/u;

/**
 * The channel name in `handle`: accepts `acme`, `@acme`, `t.me/acme`, `https://t.me/s/acme`,
 * `telegram.me/acme/123`. Throws PlatformBlockedError for invite links (`t.me/+…`, `joinchat/…`:
 * private channels, never previewed) and InputValidationError on the account's `handle` for anything
 * that cannot be a channel name.
 */
export function normalizeTelegramChannel(handle: string): string {
  let name = handle.trim().replace(/^@/u, '');
  const link = TELEGRAM_LINK.exec(name);
  if (link !== null) {
    const segments = (link[1] ?? '').split(/[?#]/u)[0]?.split('/').filter((segment) => segment !== '') ?? [];
    const [first = '', second = ''] = segments;
    if (first.startsWith('+') || first === 'joinchat') {
      // The invite hash admits anyone who has it: it stays out of the message.
      throw new PlatformBlockedError('telegram', "the handle is an invite link to a private channel, which has no public web preview; register the channel's public @name instead");
    }
    name = first === 's' ? second : first;
  }
  name = name.replace(/^@/u, '');
  if (!USERNAME.test(name)) {
    throw new InputValidationError('account', [{ path: 'handle', message: `${JSON.stringify(handle)} is not a Telegram channel name: use acme, @acme or https://t.me/acme` }]);
  }
  return name;
}

/** Telegram public channels read from t.me's HTML web preview; pages go back with `?before=<oldest message id>`. */
export const telegramAdapter: PlatformAdapter = {
  platform: 'telegram',
  route: 'http',
  defaultBaseUrl: 'https://t.me',

  async fetchPage(request: PageRequest, context): Promise<FeedPage> {
    const channel = normalizeTelegramChannel(request.account.handle);
    const before = beforeIdOf(request.pageToken);
    const after = request.pageToken === undefined ? cursorMessageIdOf(request.cursor?.externalId) : undefined;
    let page: TelegramChannelPage | undefined;
    if (after !== undefined) {
      const newer = await readChannelPage(request.baseUrl, channel, { after }, context);
      // A page listing the cursor's message or older ones means t.me ignored ?after= and sent the
      // newest page: page on from it as from any newest page.
      const isNewestPage = newer.oldestMessageId !== undefined && newer.oldestMessageId <= after && !newer.hasNewer;
      // An empty answer cannot tell "nothing new" from markup this adapter no longer reads: the
      // newest page then shows the cursor's message again, or nothing, which is an empty feed.
      if (!isNewestPage && !newer.hasNewer && newer.posts.length > 0) return withProfile(newer, { posts: newer.posts });
      if (isNewestPage) page = newer;
      else if (newer.hasNewer) context.log.debug({ channel, after }, 'more new messages than one page: reading the channel newest first');
    }

    page ??= await readChannelPage(request.baseUrl, channel, before === undefined ? {} : { before }, context);
    const oldest = page.oldestMessageId;
    // Message 1 opens every channel, so nothing is older; a page that did not go back (an ignored
    // ?before) would loop, so paging stops there too.
    const hasOlder = oldest !== undefined && oldest > 1 && (before === undefined || oldest < before);
    if (hasOlder) return withProfile(page, { posts: page.posts, nextPage: String(oldest) });
    return withProfile(page, oldest === 1 ? { posts: page.posts, isHistoryEnd: true } : { posts: page.posts });
  },
};

/** The feed page with the channel's title and photo, as every preview page's header shows them. */
function withProfile(page: TelegramChannelPage, feedPage: FeedPage): FeedPage {
  return page.profile === undefined ? feedPage : { ...feedPage, profile: page.profile };
}

/** Reads one preview page (`?before=` or `?after=` a message id, or the newest); throws for anything that is not the channel's preview. */
async function readChannelPage(baseUrl: string, channel: string, from: { before?: number; after?: number }, context: AdapterContext): Promise<TelegramChannelPage> {
  const url = new URL(`${baseUrl}/s/${channel}`);
  if (from.before !== undefined) url.searchParams.set('before', String(from.before));
  if (from.after !== undefined) url.searchParams.set('after', String(from.after));
  const response = await context.http.getText(url);
  judgeStatus(response, channel);

  const page = readTelegramPage(response.text, response.url);
  if (page.kind === 'channel') {
    return { ...page, posts: readablePosts(page, { platform: 'telegram', where: response.url, log: context.log }), unreadable: [] };
  }
  if (page.blockReason !== undefined) {
    throw new PlatformBlockedError('telegram', `t.me answered ${channel}'s page with ${page.blockReason}; overshare does not solve captchas, try again later`);
  }
  if (!PREVIEW_PATH.test(new URL(response.url).pathname) && page.hasAccountCard) {
    throw new PlatformBlockedError(
      'telegram',
      `channel has no public web preview: t.me/s/${channel} redirects to the account's card (a private channel, a group, a user or a bot, or a channel that turned the preview off)`,
    );
  }
  // t.me sends names it will not preview away from /s/; a page at the preview address itself that
  // shows neither the channel nor a block is one the adapter does not know (a redesign): never
  // "not found", which would read as the account being gone rather than us being unable to read it.
  if (PREVIEW_PATH.test(new URL(response.url).pathname)) {
    throw new PermanentError(
      `telegram: t.me answered ${redactUrl(response.url)} with a page that has neither the channel's header nor any message; t.me may have changed its layout and the adapter needs updating`,
    );
  }
  throw new NotFoundError('telegram channel', channel);
}

/** The message id in a cursor's `channel/123`; undefined for anything else (then the rescan reads newest first). */
function cursorMessageIdOf(externalId: string | undefined): number | undefined {
  const id = /\/([1-9]\d{0,15})$/u.exec(externalId ?? '')?.[1];
  return id === undefined ? undefined : Number(id);
}

function beforeIdOf(pageToken: string | undefined): number | undefined {
  if (pageToken === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/u.test(pageToken)) {
    throw new PermanentError(`telegram: page token "${pageToken}" is not a message id; it did not come from this adapter`);
  }
  return Number(pageToken);
}

function judgeStatus(response: TextResponse, channel: string): void {
  if (response.status >= 200 && response.status < 300) return;
  if (response.status === 404 || response.status === 410) throw new NotFoundError('telegram channel', channel);
  if (response.status === 401 || response.status === 403 || response.status === 451) {
    throw new PlatformBlockedError('telegram', `t.me answered HTTP ${response.status} for ${channel}'s preview; it refuses this client for now`);
  }
  throw new PermanentError(`telegram: t.me answered HTTP ${response.status} for ${redactUrl(response.url)}; expected the channel preview page`);
}
