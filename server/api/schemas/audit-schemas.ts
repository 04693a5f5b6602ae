import { z } from 'zod';
import type { AuditEntry } from '../../../store/schema.js';

/** The largest page `GET /audit` returns. */
export const MAX_AUDIT_PAGE = 500;

/** `GET /audit` filters and page. */
export const auditQuery = z
  .strictObject({
    actor_type: z.enum(['user', 'api_key', 'system']).optional(),
    actor_id: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(200).optional().describe('A prefix: `finding.` matches every finding action, `suppression.created` that one.'),
    target_type: z.string().min(1).max(100).optional(),
    target_id: z.string().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional().describe('Entries at or after this instant.'),
    to: z.iso.datetime({ offset: true }).optional().describe('Entries strictly before this instant.'),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,15}$/u, 'must be the next_cursor of the previous page')
      .optional()
      .describe('next_cursor of the previous page: the id of its last entry.'),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
  })
  .refine((query) => query.from === undefined || query.to === undefined || new Date(query.from) < new Date(query.to), {
    path: ['to'],
    message: 'must be after `from`',
  });

/** One audit entry as the API shows it. */
export const auditEntryReply = z.object({
  id: z.number().int(),
  occurred_at: z.string(),
  actor_type: z.enum(['user', 'api_key', 'system']),
  actor_id: z.string().nullable(),
  actor_name: z.string().nullable().describe("The user's username or the API key's name; null for the system or a removed actor."),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
export type AuditEntryReply = z.infer<typeof auditEntryReply>;

/** A page of audit entries, newest first. */
export const auditListReply = z.object({ items: z.array(auditEntryReply), next_cursor: z.string().nullable() });

/** The API form of an audit entry. */
export function toAuditEntryReply(entry: AuditEntry & { actor_name?: string | null }): AuditEntryReply {
  return {
    id: entry.id,
    occurred_at: entry.occurred_at.toISOString(),
    actor_type: entry.actor_type,
    actor_id: entry.actor_id,
    actor_name: entry.actor_name ?? null,
    action: entry.action,
    target_type: entry.target_type,
    target_id: entry.target_id,
    details: entry.details,
    ip: entry.ip,
  };
}
