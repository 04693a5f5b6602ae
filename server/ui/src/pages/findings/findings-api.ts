import { apiRequest, type QueryValue } from '../../api/api-client.js';
import type {
  AccountList,
  BulkTriageRequest,
  BulkTriageResult,
  FindingComment,
  FindingDetail,
  FindingItem,
  FindingList,
  FindingPresence,
  FindingsSummary,
  NoticeLanguage,
  OwnerNotice,
  OwnerNotified,
  RevealedEvidence,
  RuleList,
  SuppressRequest,
  SuppressResult,
  TransitionRequest,
  UserList,
} from '../../api/api-types.js';

/** The react-query keys of the findings pages: invalidating `all` refreshes every list, count and detail. */
export const findingKeys = {
  all: ['findings'] as const,
  list: (query: Record<string, QueryValue>) => ['findings', 'list', query] as const,
  summary: (query: Record<string, QueryValue>) => ['findings', 'summary', query] as const,
  detail: (id: string) => ['findings', 'detail', id] as const,
  presence: (id: string) => ['findings', 'presence', id] as const,
};

/** GET /findings: one page of the queue. */
export function fetchFindings(query: Record<string, QueryValue>, signal?: AbortSignal): Promise<FindingList> {
  return apiRequest<FindingList>('GET', '/findings', { query, signal });
}

/** GET /findings/summary: how many findings the filters match. */
export function fetchFindingsSummary(query: Record<string, QueryValue>, signal?: AbortSignal): Promise<FindingsSummary> {
  return apiRequest<FindingsSummary>('GET', '/findings/summary', { query, signal });
}

/** GET /findings/{id}: the finding with its post (masked), images, history, audit trail and comments. */
export function fetchFinding(id: string, signal?: AbortSignal): Promise<FindingDetail> {
  return apiRequest<FindingDetail>('GET', `/findings/${encodeURIComponent(id)}`, { signal });
}

/** POST /findings/{id}/transition, refused with 412 unless the finding is still at `version`. */
export function transitionFinding(id: string, version: number, body: TransitionRequest): Promise<FindingItem> {
  return apiRequest<FindingItem>('POST', `/findings/${encodeURIComponent(id)}/transition`, { body, ifMatch: version });
}

/** POST /findings/{id}/assign-to-me, refused with 412 unless the finding is still at `version`. */
export function assignFindingToMe(id: string, version: number): Promise<FindingItem> {
  return apiRequest<FindingItem>('POST', `/findings/${encodeURIComponent(id)}/assign-to-me`, { ifMatch: version });
}

/** POST /findings/{id}/assign: an active admin or reviewer, or null to unassign. */
export function assignFinding(id: string, version: number, assigneeId: string | null): Promise<FindingItem> {
  return apiRequest<FindingItem>('POST', `/findings/${encodeURIComponent(id)}/assign`, { body: { assignee_id: assigneeId }, ifMatch: version });
}

/** POST /findings/bulk: each finding changed on its own; the reply says which failed and why. */
export function bulkTriageFindings(body: BulkTriageRequest): Promise<BulkTriageResult> {
  return apiRequest<BulkTriageResult>('POST', '/findings/bulk', { body });
}

/** POST /findings/{id}/comments. */
export function commentFinding(id: string, body: string): Promise<FindingComment> {
  return apiRequest<FindingComment>('POST', `/findings/${encodeURIComponent(id)}/comments`, { body: { body } });
}

/** POST /findings/{id}/reveal: the evidence whole; the API records it in the audit log. */
export function revealFinding(id: string): Promise<RevealedEvidence> {
  return apiRequest<RevealedEvidence>('POST', `/findings/${encodeURIComponent(id)}/reveal`);
}

/** POST /findings/{id}/suppress: resolves this finding and every open one the suppression covers. */
export function suppressFinding(id: string, body: SuppressRequest): Promise<SuppressResult> {
  return apiRequest<SuppressResult>('POST', `/findings/${encodeURIComponent(id)}/suppress`, { body });
}

/** POST /findings/{id}/owner-notice: the notice to send, in `language`; records nothing. */
export function prepareOwnerNotice(id: string, language: NoticeLanguage): Promise<OwnerNotice> {
  return apiRequest<OwnerNotice>('POST', `/findings/${encodeURIComponent(id)}/owner-notice`, { body: { language } });
}

/** POST /findings/{id}/notify-owner: records that the notice in `language` was sent, and starts the re-check. */
export function markOwnerNotified(id: string, language: NoticeLanguage): Promise<OwnerNotified> {
  return apiRequest<OwnerNotified>('POST', `/findings/${encodeURIComponent(id)}/notify-owner`, { body: { language } });
}

/** GET /findings/{id}/presence: whether the post is still online and whether its owner was told. */
export function fetchFindingPresence(id: string, signal?: AbortSignal): Promise<FindingPresence> {
  return apiRequest<FindingPresence>('GET', `/findings/${encodeURIComponent(id)}/presence`, { signal });
}

/** The URL of one of the finding's images: blurred with the evidence outlined, or clear (audited) when revealed. */
export function findingImageUrl(findingId: string, mediaId: string, isRevealed: boolean): string {
  const path = `/api/v1/findings/${encodeURIComponent(findingId)}/media/${encodeURIComponent(mediaId)}`;
  return isRevealed ? `${path}?reveal=true` : path;
}

/** GET /rules: every rule in force, for titles and the rule filter. */
export function fetchRules(signal?: AbortSignal): Promise<RuleList> {
  return apiRequest<RuleList>('GET', '/rules', { signal });
}

/** GET /accounts: the first 500 accounts, for the account filter. */
export function fetchAccounts(signal?: AbortSignal): Promise<AccountList> {
  return apiRequest<AccountList>('GET', '/accounts', { query: { limit: 500 }, signal });
}

/** GET /users (admins only): whom a finding can be assigned to. */
export function fetchUsers(signal?: AbortSignal): Promise<UserList> {
  return apiRequest<UserList>('GET', '/users', { signal });
}
