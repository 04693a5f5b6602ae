import { z } from 'zod';
import type { FindingPresence } from '../../../store/repositories/post-presence-repository.js';
import { OWNER_NOTICE_LANGUAGES } from '../../notify/owner-notice-templates.js';

/**
 * How the re-check of the post went: a full scan of the account started, one already under way,
 * none possible here, or none because the caller may not start scans.
 */
export const RECHECK_OUTCOMES = ['started', 'already_running', 'unavailable', 'not_permitted'] as const;
export type RecheckOutcome = (typeof RECHECK_OUTCOMES)[number];

export const notifyOwnerBody = z
  .strictObject({
    language: z
      .enum(OWNER_NOTICE_LANGUAGES)
      .optional()
      .describe("The notice's language; default the policy's first language that has a notice, else en."),
  })
  .optional();

/** POST /findings/{id}/owner-notice: the message to send, prepared and nothing more. */
export const ownerNoticeReply = z.object({
  to: z.string().nullable().describe("The account owner's e-mail; null when none is registered (write to them another way)."),
  language: z.enum(OWNER_NOTICE_LANGUAGES),
  subject: z.string(),
  body: z
    .string()
    .describe("Plain text: the post by URL and its date (the UTC calendar date) and its category in plain words, never the evidence."),
  post_url: z.string(),
});
export type OwnerNoticeReply = z.infer<typeof ownerNoticeReply>;

/** POST /findings/{id}/notify-owner: when the notification was recorded, and how the re-check went. */
export const ownerNotifiedReply = z.object({
  owner_notified_at: z.iso.datetime({ offset: true }),
  recheck: z
    .enum(RECHECK_OUTCOMES)
    .describe(
      'started: a full scan of the account is queued; already_running: a scan of it is under way already; ' +
        'unavailable: this server runs without the scan pipeline, or the account is disabled; ' +
        'not_permitted: the caller lacks scans:write, so no scan was started (the notification is still recorded).',
    ),
  recheck_scan_id: z.string().nullable().describe('The scan that re-checks the post (follow it at GET /scans/{id}); null when none was started or found.'),
});
export type OwnerNotifiedReply = z.infer<typeof ownerNotifiedReply>;

export const findingPresenceReply = z.object({
  post_last_seen_at: z.iso.datetime({ offset: true }).describe('When a collection last returned the post.'),
  post_gone_at: z.iso
    .datetime({ offset: true })
    .nullable()
    .describe('When a complete full scan of the account no longer found the post; null while it is there (or not checked since).'),
  owner_notified_at: z.iso.datetime({ offset: true }).nullable(),
  owner_notified_by: z
    .object({ type: z.enum(['user', 'api_key']), id: z.string(), name: z.string().nullable().describe('Null once the user or key is deleted.') })
    .nullable(),
});
export type FindingPresenceReply = z.infer<typeof findingPresenceReply>;

/** The API form of a finding's presence. */
export function toFindingPresenceReply(presence: FindingPresence): FindingPresenceReply {
  const by = presence.ownerNotifiedBy?.match(/^(user|api_key):(.+)$/u);
  return {
    post_last_seen_at: presence.postLastSeenAt.toISOString(),
    post_gone_at: presence.postGoneAt?.toISOString() ?? null,
    owner_notified_at: presence.ownerNotifiedAt?.toISOString() ?? null,
    owner_notified_by: by ? { type: by[1] as 'user' | 'api_key', id: by[2] ?? '', name: presence.ownerNotifiedByName } : null,
  };
}
