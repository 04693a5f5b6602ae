import { z } from 'zod';
import { InputValidationError } from '../../../core/errors.js';
import { isSuppressionActive } from '../../../store/repositories/suppressions-repository.js';
import type { Suppression } from '../../../store/schema.js';

const SCOPES = ['rule_account', 'evidence', 'evidence_account', 'rule'] as const;
const SUPPRESSION_RESOLUTIONS = ['false_positive', 'authorized', 'accepted_risk', 'out_of_scope'] as const;
const NEEDS_COMMENT = new Set<string>(['false_positive', 'accepted_risk']);

/** The largest page `GET /suppressions` returns. */
export const MAX_SUPPRESSION_PAGE = 500;

/** `POST /findings/{id}/suppress`: how wide the suppression reaches and how the covered findings are resolved. */
export const suppressBody = z
  .strictObject({
    scope: z
      .enum(SCOPES)
      .describe(
        'rule_account: this rule on this account; evidence: this evidence text (case-insensitive) anywhere; ' +
          'evidence_account: this evidence on this account; rule: the whole rule everywhere (admins only).',
      ),
    reason: z.string().trim().min(1, 'say why these findings are harmless').max(2_000),
    resolution: z.enum(SUPPRESSION_RESOLUTIONS).default('false_positive'),
    comment: z.string().max(10_000).optional().describe('Required for false_positive and accepted_risk; stored on every finding resolved.'),
    expires_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the suppression stops applying (required for accepted_risk, whose findings reopen then); never when left out.'),
  })
  .superRefine((body, context) => {
    if (NEEDS_COMMENT.has(body.resolution) && !body.comment?.trim()) {
      context.addIssue({ code: 'custom', path: ['comment'], message: `${body.resolution} needs a comment saying why` });
    }
    if (body.resolution === 'accepted_risk' && body.expires_at === undefined) {
      context.addIssue({ code: 'custom', path: ['expires_at'], message: 'accepted_risk needs expires_at: when the risk is to be looked at again' });
    }
  });

/** `GET /suppressions` filters and page. */
export const suppressionsQuery = z.strictObject({
  status: z.enum(['active', 'revoked', 'expired', 'all']).default('all').describe('active: in force now; expired: past expires_at and not revoked.'),
  scope: z.enum(SCOPES).optional(),
  rule_id: z.string().min(1).max(200).optional(),
  account_id: z.uuid().optional(),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(MAX_SUPPRESSION_PAGE).default(100),
});

/** A suppression as the API shows it. */
export const suppressionReply = z.object({
  id: z.string(),
  scope: z.enum(SCOPES),
  rule_id: z.string().nullable(),
  account_id: z.string().nullable(),
  evidence_sha256: z.string().nullable().describe('SHA-256 of the evidence text in NFC, case-folded.'),
  reason: z.string(),
  source_finding_id: z.string().nullable(),
  created_by: z.string().nullable().describe('user:<id> or api_key:<id>.'),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  is_active: z.boolean().describe('Whether it applies now: not revoked and not expired.'),
});
export type SuppressionReply = z.infer<typeof suppressionReply>;

/** `POST /findings/{id}/suppress` reply: the suppression and every finding it resolved (the source first when it was open). */
export const suppressReply = z.object({
  suppression: suppressionReply,
  resolved_finding_ids: z.array(z.string()),
});

/** A page of suppressions. */
export const suppressionListReply = z.object({ items: z.array(suppressionReply), next_cursor: z.string().nullable() });

/** The API form of a stored suppression at `now`. */
export function toSuppressionReply(row: Suppression, now: Date): SuppressionReply {
  return {
    id: row.id,
    scope: row.scope,
    rule_id: row.rule_id,
    account_id: row.account_id,
    evidence_sha256: row.evidence_sha256,
    reason: row.reason,
    source_finding_id: row.source_finding_id,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    is_active: isSuppressionActive(row, now),
  };
}

/** The cursor after a row: its creation time (milliseconds, as written) and id. */
export function suppressionCursor(row: Suppression): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

/** Reads a cursor made by `suppressionCursor`; InputValidationError for anything else. */
export function parseSuppressionCursor(cursor: string): { createdAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const shape = z.tuple([z.iso.datetime(), z.uuid()]).safeParse(parsed);
  if (!shape.success) {
    throw new InputValidationError('the list cursor', [{ path: 'query.cursor', message: 'is malformed: pass next_cursor as the previous page gave it, or leave it out to start again' }]);
  }
  return { createdAt: new Date(shape.data[0]), id: shape.data[1] };
}
