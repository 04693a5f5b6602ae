import { z } from 'zod';
import { InputValidationError } from '../../../core/errors.js';
import type { ErasureCounts, ExportedAuditEntry, PersonExport, PersonIdentifier } from '../../../store/repositories/person-data-repository.js';
import type { Account, Finding, FindingComment } from '../../../store/schema.js';

const identifierFields = {
  employee_id: z.string().trim().min(1).max(200).optional().describe('The employee id the accounts are registered with.'),
  email: z.string().trim().min(3).max(320).optional().describe('The e-mail the accounts are registered with.'),
};

/** `POST /people/export` body: one identifier (it may come in the query instead; the body keeps it out of access logs). */
export const exportBody = z.strictObject(identifierFields).optional();
/** `POST /people/erase` body: one identifier and `confirm: true`. */
export const eraseBody = z.strictObject({ ...identifierFields, confirm: z.literal(true).optional() }).optional();
/** The identifier in the query string, for clients that cannot send a body. */
export const identifierQuery = z.strictObject(identifierFields);
/** The erase query: also takes `confirm=true`. */
export const eraseQuery = z.strictObject({ ...identifierFields, confirm: z.literal('true').optional() });

/**
 * The one identifier of a request, from the body or the query; InputValidationError when there is
 * none, or more than one.
 */
export function personIdentifierOf(...sources: ReadonlyArray<{ employee_id?: string | undefined; email?: string | undefined } | undefined>): PersonIdentifier {
  const given: PersonIdentifier[] = [];
  for (const source of sources) {
    if (source?.employee_id !== undefined) given.push({ kind: 'employee_id', value: source.employee_id });
    if (source?.email !== undefined) given.push({ kind: 'email', value: source.email });
  }
  const [identifier] = given;
  if (given.length !== 1 || !identifier) {
    throw new InputValidationError('the request', [
      { path: 'body', message: `name the person by exactly one of employee_id or email (${given.length === 0 ? 'none was' : 'more than one was'} given)` },
    ]);
  }
  return identifier;
}

const timestamp = z.string().nullable();

const exportedAccount = z.object({
  id: z.string(),
  platform: z.string(),
  handle: z.string(),
  url: z.string().nullable(),
  display_name: z.string().nullable(),
  kind: z.enum(['corporate', 'employee']),
  owner_employee_id: z.string().nullable(),
  owner_name: z.string().nullable(),
  owner_email: z.string().nullable(),
  owner_department: z.string().nullable(),
  notice_given_at: timestamp,
  legal_basis: z.string().nullable(),
  legal_basis_at: timestamp,
  is_active: z.boolean(),
  status: z.string(),
  last_scanned_at: timestamp,
  created_at: z.string(),
  updated_at: z.string(),
});

const exportedMedia = z.object({
  id: z.string(),
  position: z.number().int(),
  source_url: z.string(),
  status: z.string(),
  mime_type: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  ocr_text: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});

const exportedPost = z.object({
  id: z.string(),
  account_id: z.string(),
  platform: z.string(),
  external_id: z.string(),
  url: z.string(),
  author: z.string().nullable(),
  published_at: timestamp,
  collected_at: z.string(),
  is_repost: z.boolean(),
  text: z.string().nullable().describe('Null once dropped (a post with no finding keeps no text).'),
  analyzed_at: timestamp,
  content_dropped_at: timestamp,
  media: z.array(exportedMedia),
});

const exportedFinding = z.object({
  id: z.string(),
  post_id: z.string(),
  account_id: z.string(),
  rule_ids: z.array(z.string()),
  category: z.string(),
  severity: z.string(),
  score: z.number().int(),
  title: z.string().nullable(),
  explain: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()).describe('Unmasked: the matched text as found.'),
  state: z.string(),
  resolution: z.string().nullable(),
  resolution_expires_at: timestamp,
  is_current: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  resolved_at: timestamp,
});

const exportedComment = z.object({
  id: z.string(),
  finding_id: z.string(),
  author_type: z.string(),
  author_name: z.string().nullable(),
  body: z.string(),
  created_at: z.string(),
});

/** An audit entry about the person: what was done to which record and when, never by whom on the staff nor from where. */
const exportedAuditEntry = z.object({
  occurred_at: z.string(),
  actor_type: z.enum(['user', 'api_key', 'system']),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
});

/** Everything stored about a person. */
export const personExportReply = z.object({
  identifier: z.object({ kind: z.enum(['employee_id', 'email']), sha256: z.string() }),
  exported_at: z.string(),
  accounts: z.array(exportedAccount),
  posts: z.array(exportedPost),
  findings: z.array(exportedFinding),
  comments: z.array(exportedComment),
  audit: z.array(exportedAuditEntry).describe('Audit entries about their accounts, posts, findings and comments, without who on the staff made them or from where.'),
});
type PersonExportReply = z.infer<typeof personExportReply>;

/** What an erasure deleted. */
export const erasureReply = z.object({
  identifier: z.object({ kind: z.enum(['employee_id', 'email']), sha256: z.string() }),
  erased: z.object({
    accounts: z.number().int(),
    posts: z.number().int(),
    findings: z.number().int(),
    comments: z.number().int(),
    events: z.number().int(),
    suppressions: z.number().int(),
    audit_entries: z.number().int(),
    failed_jobs: z.number().int(),
    stored_replies: z.number().int().describe('Idempotent replies kept for retries, of every caller: all are dropped, as any may quote the person.'),
  }),
});

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** The API form of an export. */
export function toPersonExportReply(data: PersonExport, identifier: PersonExportReply['identifier'], now: Date): PersonExportReply {
  return {
    identifier,
    exported_at: now.toISOString(),
    accounts: data.accounts.map(toExportedAccount),
    posts: data.posts.map((post) => ({
      id: post.id,
      account_id: post.account_id,
      platform: post.platform,
      external_id: post.external_id,
      url: post.url,
      author: post.author,
      published_at: iso(post.published_at),
      collected_at: post.collected_at.toISOString(),
      is_repost: post.is_repost,
      text: post.text,
      analyzed_at: iso(post.analyzed_at),
      content_dropped_at: iso(post.content_dropped_at),
      media: post.media.map((media) => ({ ...media, created_at: media.created_at.toISOString() })),
    })),
    findings: data.findings.map(toExportedFinding),
    comments: data.comments.map(toExportedComment),
    audit: data.audit.map(toExportedAuditEntry),
  };
}

/** The API form of erasure counts. */
export function toErasureReply(counts: ErasureCounts, identifier: PersonExportReply['identifier']): z.infer<typeof erasureReply> {
  return {
    identifier,
    erased: {
      accounts: counts.accounts,
      posts: counts.posts,
      findings: counts.findings,
      comments: counts.comments,
      events: counts.events,
      suppressions: counts.suppressions,
      audit_entries: counts.auditEntries,
      failed_jobs: counts.failedJobs,
      stored_replies: counts.storedReplies,
    },
  };
}

function toExportedAccount(account: Account): z.infer<typeof exportedAccount> {
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    url: account.url,
    display_name: account.display_name,
    kind: account.kind,
    owner_employee_id: account.owner_employee_id,
    owner_name: account.owner_name,
    owner_email: account.owner_email,
    owner_department: account.owner_department,
    notice_given_at: iso(account.notice_given_at),
    legal_basis: account.legal_basis,
    legal_basis_at: iso(account.legal_basis_at),
    is_active: account.is_active,
    status: account.status,
    last_scanned_at: iso(account.last_scanned_at),
    created_at: account.created_at.toISOString(),
    updated_at: account.updated_at.toISOString(),
  };
}

function toExportedFinding(finding: Finding): z.infer<typeof exportedFinding> {
  return {
    id: finding.id,
    post_id: finding.post_id,
    account_id: finding.account_id,
    rule_ids: finding.rule_ids,
    category: finding.category,
    severity: finding.severity,
    score: finding.score,
    title: finding.title,
    explain: finding.explain,
    evidence: { ...finding.evidence },
    state: finding.state,
    resolution: finding.resolution,
    resolution_expires_at: iso(finding.resolution_expires_at),
    is_current: finding.is_current,
    created_at: finding.created_at.toISOString(),
    updated_at: finding.updated_at.toISOString(),
    resolved_at: iso(finding.resolved_at),
  };
}

function toExportedComment(comment: FindingComment): z.infer<typeof exportedComment> {
  return {
    id: comment.id,
    finding_id: comment.finding_id,
    author_type: comment.author_type,
    author_name: comment.author_name,
    body: comment.body,
    created_at: comment.created_at.toISOString(),
  };
}

function toExportedAuditEntry(entry: ExportedAuditEntry): z.infer<typeof exportedAuditEntry> {
  return { occurred_at: entry.occurred_at.toISOString(), actor_type: entry.actor_type, action: entry.action, target_type: entry.target_type, target_id: entry.target_id };
}
