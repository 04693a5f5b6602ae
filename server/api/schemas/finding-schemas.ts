import { z } from 'zod';
import { maskText } from '../../../core/mask-text.js';
import { CATEGORIES, SEVERITIES, type Severity } from '../../../core/policy-schema.js';
import { FINDING_SORTS, MAX_FINDING_PAGE, type FindingDetail, type ReviewFinding } from '../../../store/repositories/findings-query.js';
import type { Evidence, FindingComment, FindingEvent, FindingEventType, FindingState, Resolution } from '../../../store/schema.js';

/** Every state a finding can be in. */
export const FINDING_STATES = ['new', 'in_review', 'resolved', 'reopened'] as const satisfies readonly FindingState[];
/** Every resolution of a resolved finding. */
export const RESOLUTIONS = [
  'confirmed_leak',
  'false_positive',
  'authorized',
  'accepted_risk',
  'duplicate',
  'out_of_scope',
] as const satisfies readonly Resolution[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** A multi-valued query filter: `severity=high,critical` or `severity=high&severity=critical`. */
function listOf<T>(item: z.ZodType<T, string>, describe: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item).min(1, 'give at least one value').max(100, 'give at most 100 values'))
    .optional()
    .describe(`${describe} Several values match any of them: comma-separated or the key repeated.`);
}

const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value))
  .describe('YYYY-MM-DD (midnight UTC) or ISO 8601 with a zone.');

/** `GET /findings` filters, order and page. */
export const findingsQuery = z.strictObject({
  state: listOf(z.enum(FINDING_STATES), 'new, in_review, resolved or reopened.'),
  severity: listOf(z.enum(SEVERITIES), 'info, low, medium, high or critical.'),
  category: listOf(z.enum(CATEGORIES), 'A finding category.'),
  rule: listOf(z.string().min(1).max(200), 'A rule id: findings any of whose rules it is.'),
  platform: listOf(z.string().min(1).max(50), 'A platform name.'),
  account: listOf(z.uuid(), 'An account id.'),
  owner: z.string().trim().min(1).max(500).optional().describe("The account owner's employee id, e-mail or name, whole, ignoring case."),
  assignee: listOf(
    z.string().refine((value) => value === 'me' || value === 'none' || UUID.test(value), 'give a user id, `me` or `none`'),
    'A user id, `me` (the caller, or an API key’s creator) or `none` (unassigned).',
  ),
  created_from: instant.optional().describe('Found at or after this time: YYYY-MM-DD (midnight UTC) or ISO 8601 with a zone.'),
  created_to: instant.optional().describe('Found before this time (exclusive): YYYY-MM-DD (midnight UTC) or ISO 8601 with a zone.'),
  is_current: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true'))
    .describe('false: findings whose evidence is no longer in the (edited) post.'),
  text: z.string().trim().min(1).max(200).optional().describe('Text in the title, explanation or account handle, ignoring case (and in the evidence, for callers who may reveal it).'),
  sort: z.enum(FINDING_SORTS).default('created_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(2_000).optional().describe('next_cursor of the previous page, with the same sort and order.'),
  limit: z.coerce.number().int().min(1).max(MAX_FINDING_PAGE).default(50),
});
export type FindingsQueryInput = z.output<typeof findingsQuery>;

/** `GET /findings/summary` filters: the list's, without its order and page. */
export const findingsSummaryQuery = findingsQuery.omit({ sort: true, order: true, cursor: true, limit: true });
/** The filters of the list and of its summary. */
export type FindingsFilterInput = z.output<typeof findingsSummaryQuery>;

const count = z.number().int().min(0);

/** `GET /findings/summary`: how many findings the same filters list, by state and by severity. */
export const findingsSummaryReply = z.object({
  total: count.describe('Every finding the filters match: the rows of all the pages of GET /findings with the same filters.'),
  by_state: z.object({ new: count, in_review: count, resolved: count, reopened: count }).describe('Every state, 0 when none.'),
  by_severity: z.object({ info: count, low: count, medium: count, high: count, critical: count }).describe('Every severity, 0 when none.'),
}) satisfies z.ZodType<{ by_state: Record<FindingState, number>; by_severity: Record<Severity, number> }>;

/** Evidence with its text masked: the first and last two characters, no length, no offsets. */
export const maskedEvidenceReply = z.object({
  source: z.enum(['text', 'ocr', 'exif']),
  text: z.string().describe('Masked: POST /findings/{id}/reveal shows it whole.'),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional().describe('x, y, width, height in pixels of the upright image.'),
  media_id: z.string().optional(),
});

/** A finding in a list, evidence masked. */
export const findingItemReply = z.object({
  id: z.string(),
  title: z.string().nullable(),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  score: z.number().int().min(0).max(100),
  state: z.enum(FINDING_STATES),
  resolution: z.enum(RESOLUTIONS).nullable(),
  resolution_expires_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  resolved_by: z.string().nullable().describe('user:<id>, api_key:<id> or system.'),
  assignee: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  rule_ids: z.array(z.string()),
  account: z.object({ id: z.string(), platform: z.string(), handle: z.string(), owner_name: z.string().nullable() }),
  post_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int().describe('Send it back as If-Match: "<version>" (or `version`) to change this finding only if nobody else did.'),
  is_current: z.boolean(),
  evidence: maskedEvidenceReply,
});
export type FindingItemReply = z.infer<typeof findingItemReply>;

/** `GET /findings`. */
export const findingListReply = z.object({ items: z.array(findingItemReply), next_cursor: z.string().nullable() });

/** A comment on a finding. */
export const commentReply = z.object({
  id: z.string(),
  body: z.string(),
  author: z.object({ type: z.enum(['user', 'api_key', 'system']), id: z.string().nullable(), name: z.string().nullable() }),
  created_at: z.string(),
});

/** `GET /findings/{id}`: the finding with its post (evidence masked in its text), images, history and comments. */
export const findingDetailReply = findingItemReply.extend({
  explain: z.string().nullable(),
  score_breakdown: z.record(z.string(), z.number()),
  suppression_id: z.string().nullable(),
  post: z.object({
    id: z.string(),
    url: z.string(),
    published_at: z.string().nullable(),
    text: z.string().nullable().describe('Every piece of evidence in it masked; null once the text was dropped.'),
  }),
  media: z.array(
    z.object({
      id: z.string(),
      position: z.number().int(),
      status: z.enum(['pending', 'extracted', 'skipped', 'failed']),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      has_content: z.boolean().describe('false once the image bytes were dropped: it can no longer be shown.'),
    }),
  ),
  history: z
    .array(
      z.object({
        version: z.number().int(),
        type: z.enum(['finding.created', 'finding.updated', 'finding.purged']),
        occurred_at: z.string(),
        state: z.enum(FINDING_STATES),
        resolution: z.enum(RESOLUTIONS).nullable(),
        assignee_id: z.string().nullable(),
      }),
    )
    .describe('One entry per version, as the SIEM feed carries them, oldest first.'),
  audit: z
    .array(
      z.object({
        occurred_at: z.string(),
        action: z.string(),
        actor: z.object({ type: z.enum(['user', 'api_key', 'system']), id: z.string().nullable(), name: z.string().nullable() }),
        details: z.record(z.string(), z.unknown()),
      }),
    )
    .describe('Who did what to this finding (changes, comments, reveals), oldest first.'),
  comments: z.array(commentReply),
});
export type FindingDetailReply = z.infer<typeof findingDetailReply>;

/** `POST /findings/{id}/reveal`: the evidence and the texts around it, whole. */
export const revealReply = z.object({
  finding_id: z.string(),
  evidence: z.object({
    source: z.enum(['text', 'ocr', 'exif']),
    text: z.string(),
    start: z.number().int().optional(),
    end: z.number().int().optional(),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
    media_id: z.string().optional(),
  }),
  post_text: z.string().nullable().describe('null once dropped.'),
  media: z.array(z.object({ id: z.string(), position: z.number().int(), ocr_text: z.string().nullable() })),
});

/** Evidence as lists and the detail view show it. */
export function toMaskedEvidence(evidence: Evidence): z.infer<typeof maskedEvidenceReply> {
  return {
    source: evidence.source,
    text: maskText(evidence.text),
    ...(evidence.box ? { box: evidence.box } : {}),
    ...(evidence.mediaId !== undefined ? { media_id: evidence.mediaId } : {}),
  };
}

/** A finding as lists show it. */
export function toFindingItem(row: ReviewFinding): FindingItemReply {
  return {
    id: row.id,
    title: row.title,
    category: row.category,
    severity: row.severity,
    score: row.score,
    state: row.state,
    resolution: row.resolution,
    resolution_expires_at: row.resolution_expires_at?.toISOString() ?? null,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    resolved_by: row.resolved_by,
    assignee: row.assignee_id === null ? null : { id: row.assignee_id, name: row.assignee_name },
    rule_ids: row.rule_ids,
    account: { id: row.account_id, platform: row.account_platform, handle: row.account_handle, owner_name: row.account_owner_name },
    post_url: row.post_url,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
    is_current: row.is_current,
    evidence: toMaskedEvidence(row.evidence),
  };
}

/** A comment as the API shows it. */
export function toCommentReply(comment: FindingComment): z.infer<typeof commentReply> {
  return {
    id: comment.id,
    body: comment.body,
    author: { type: comment.author_type, id: comment.author_id, name: comment.author_name },
    created_at: comment.created_at.toISOString(),
  };
}

/** The detail view: evidence masked everywhere, in the post text too. */
export function toFindingDetail(detail: FindingDetail): FindingDetailReply {
  const { finding } = detail;
  const ownRange = finding.evidence.source === 'text' ? finding.evidence : undefined;
  return {
    ...toFindingItem(finding),
    explain: finding.explain,
    score_breakdown: finding.score_breakdown,
    suppression_id: finding.suppression_id,
    post: {
      id: finding.post_id,
      url: finding.post_url,
      published_at: finding.post_published_at?.toISOString() ?? null,
      text: detail.postText === null ? null : maskEvidenceIn(detail.postText, detail.postEvidenceTexts, ownRange),
    },
    media: detail.media.map((media) => ({
      id: media.id,
      position: media.position,
      status: media.status,
      width: media.width,
      height: media.height,
      has_content: media.has_content,
    })),
    history: detail.events.filter(isFindingEventRow).map((event) => {
      const payload = event.payload as { state: FindingState; resolution: Resolution | null; assigneeId: string | null };
      return {
        version: event.finding_version,
        type: event.type,
        occurred_at: event.occurred_at.toISOString(),
        state: payload.state,
        resolution: payload.resolution,
        assignee_id: payload.assigneeId,
      };
    }),
    audit: detail.audit.map((entry) => ({
      occurred_at: entry.occurred_at.toISOString(),
      action: entry.action,
      actor: { type: entry.actor_type, id: entry.actor_id, name: entry.actor_name },
      details: entry.details,
    })),
    comments: detail.comments.map(toCommentReply),
  };
}

// The outbox also carries coverage events (keyed by a gap's id, never a finding's): a finding's
// history lists its own versions only.
function isFindingEventRow(event: FindingEvent): event is FindingEvent & { type: FindingEventType } {
  return event.type !== 'coverage.gap' && event.type !== 'coverage.restored';
}

/**
 * A post's text with every occurrence of every evidence text (ignoring case) masked, and the
 * finding's own character range too when it has one, so a match the rules made on normalised text
 * is hidden even where the literal search misses it. The rest of the text is kept as it is.
 */
export function maskEvidenceIn(text: string, evidenceTexts: readonly string[], range?: { start?: number | undefined; end?: number | undefined }): string {
  const ranges: [number, number][] = [];
  const needles = [...new Set(evidenceTexts.filter((needle) => needle.trim() !== ''))].sort((a, b) => b.length - a.length);
  if (needles.length > 0) {
    const pattern = new RegExp(needles.map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|'), 'giu');
    for (const match of text.matchAll(pattern)) ranges.push([match.index, match.index + match[0].length]);
  }
  if (range?.start !== undefined && range.end !== undefined && range.start >= 0 && range.end <= text.length && range.start < range.end) {
    ranges.push([range.start, range.end]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let masked = '';
  let position = 0;
  for (const [start, end] of mergeRanges(ranges)) {
    masked += text.slice(position, start) + maskText(text.slice(start, end));
    position = end;
  }
  return masked + text.slice(position);
}

function mergeRanges(sorted: readonly [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
