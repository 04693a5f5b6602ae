import { z } from 'zod';
import type { CollectedMedia, CollectedPost } from '../../platform-adapter.js';
import { absoluteHttpUrl } from '../rss/absolute-http-url.js';
import { decodeEntities, htmlToText } from '../rss/html-to-text.js';
import { mastodonExternalId } from './mastodon-external-id.js';

/**
 * The parts of Mastodon's Status entity (docs.joinmastodon.org/entities/Status) overshare reads;
 * Pleroma, Akkoma, GoToSocial and other compatible servers send the same shape.
 */

const mediaAttachmentSchema = z.object({
  type: z.string(),
  url: z.string().nullish(),
  remote_url: z.string().nullish(),
  preview_url: z.string().nullish(),
  description: z.string().nullish(),
});

const statusBody = {
  id: z.string().min(1),
  created_at: z.string(),
  url: z.string().nullish(),
  uri: z.string(),
  content: z.string().default(''),
  spoiler_text: z.string().nullish(),
  media_attachments: z.array(mediaAttachmentSchema).default([]),
  poll: z.object({ options: z.array(z.object({ title: z.string() })) }).nullish(),
  // display_name and avatar: the account's profile, for takeover signals (a boost's own account is the booster).
  account: z.object({ acct: z.string(), display_name: z.string().nullish(), avatar: z.string().nullish() }),
};

/** A status as the statuses endpoint lists it; a boost carries the boosted status in `reblog`. */
export const mastodonStatusSchema = z.object({ ...statusBody, reblog: z.object(statusBody).nullish() });
export type MastodonStatus = z.infer<typeof mastodonStatusSchema>;

const attachmentMedia = (attachment: z.infer<typeof mediaAttachmentSchema>, pageUrl: string): CollectedMedia | undefined => {
  // `unknown` is a remote file the server did not copy: only its remote_url exists.
  const url = absoluteHttpUrl(attachment.url ?? attachment.remote_url ?? undefined, pageUrl);
  if (url === undefined) return undefined;
  const alt = attachment.description?.trim();
  const withAlt = (kind: CollectedMedia['kind']): CollectedMedia => ({ url, kind, ...(alt === undefined || alt === '' ? {} : { alt }) });
  switch (attachment.type) {
    case 'image':
      return withAlt('image');
    case 'video':
    case 'gifv':
      return withAlt('video');
    case 'unknown':
      if (/\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])/iu.test(url)) return withAlt('image');
      if (/\.(?:mp4|webm|mov)(?:$|[?#])/iu.test(url)) return withAlt('video');
      return undefined;
    default:
      // Audio has nothing to read in it.
      return undefined;
  }
};

/**
 * A status read from the server at `serverUrl` (on the page `pageUrl`) as a collected post: id is
 * `mastodonExternalId` of the status id; text is the content warning, a blank line and the content
 * as plain text (then poll options, one a line); a boost is a repost whose text and media are the
 * boosted status's, whose id and time are the boost's own, and whose permalink is the boosted
 * status. A time that is not ISO 8601 leaves `publishedAt` empty, so `collectPosts` skips and
 * counts the status.
 */
export function mastodonStatusToPost(status: MastodonStatus, pageUrl: string, serverUrl: string): CollectedPost {
  const shown = status.reblog ?? status;
  const publishedMs = Date.parse(status.created_at);
  const pollOptions = shown.poll?.options.map((option) => option.title.trim()).join('\n') ?? '';
  // Mastodon sends the content warning as plain text, Pleroma and Akkoma entity-escaped: decoding serves both.
  const parts = [decodeEntities(shown.spoiler_text?.trim() ?? ''), htmlToText(shown.content), pollOptions];
  const permalink = absoluteHttpUrl(shown.url ?? shown.uri, pageUrl) ?? absoluteHttpUrl(status.uri, pageUrl) ?? pageUrl;
  return {
    platform: 'mastodon',
    externalId: mastodonExternalId(serverUrl, status.id),
    permalink,
    author: status.account.acct,
    publishedAt: Number.isNaN(publishedMs) ? '' : new Date(publishedMs).toISOString(),
    text: parts.filter((part) => part !== '').join('\n\n'),
    isRepost: status.reblog !== null && status.reblog !== undefined,
    media: shown.media_attachments.map((attachment) => attachmentMedia(attachment, pageUrl)).filter((media) => media !== undefined),
  };
}
