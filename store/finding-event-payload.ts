import { maskText } from '../core/mask-text.js';
import type { CoverageEventPayload } from './coverage-event-payload.js';
import type { EventAccount } from './event-account.js';
import type { CoverageEventType, Evidence, Finding, FindingEventType, FindingState, Resolution } from './schema.js';
import type { Category, Severity } from '../core/policy-schema.js';

export type { EventAccount } from './event-account.js';

/**
 * One finding version as the outbox stores it and every SIEM format is made from: self-contained
 * (it names the account and post), evidence text masked, times as ISO 8601 UTC.
 */
export interface FindingEventPayload {
  id: string;
  version: number;
  title: string | null;
  explain: string | null;
  postId: string;
  postUrl: string | null;
  postPublishedAt: string | null;
  account: EventAccount;
  ruleIds: string[];
  category: Category;
  severity: Severity;
  score: number;
  scoreBreakdown: Record<string, number>;
  evidence: Omit<Evidence, 'text'> & { text: string };
  state: FindingState;
  resolution: Resolution | null;
  resolutionExpiresAt: string | null;
  assigneeId: string | null;
  isCurrent: boolean;
  createdAt: string;
  updatedAt: string;
  /** Set on `finding.purged` only: why the finding was deleted. */
  purgeReason?: PurgeReason;
}

/**
 * Why a finding was deleted: its retention period ended, its person asked for erasure, or its
 * account was removed (with the account's posts and findings).
 */
export type PurgeReason = 'retention' | 'erasure' | 'account_removed';

/** An outbox row about a finding, with its payload, as the feed and the sinks read it. */
export interface FindingOutboxEvent {
  seq: number;
  id: string;
  findingId: string;
  findingVersion: number;
  type: FindingEventType;
  occurredAt: Date;
  payload: FindingEventPayload;
}

/** An outbox row about coverage (`findingId` holds the gap's id; version 1 opens it, 2 closes it). */
export interface CoverageOutboxEvent {
  seq: number;
  id: string;
  findingId: string;
  findingVersion: number;
  type: CoverageEventType;
  occurredAt: Date;
  payload: CoverageEventPayload;
}

/** Any outbox row, as the feed and the sinks read it: branch on `type`. */
export type OutboxEvent = FindingOutboxEvent | CoverageOutboxEvent;

/** What the payload needs beyond the finding row itself. */
export interface EventContext {
  account: EventAccount;
  postUrl: string | null;
  postPublishedAt: Date | null;
}

/** Builds the stored payload of one finding version; the evidence text is masked here, once. */
export function findingEventPayload(finding: Finding, context: EventContext, purgeReason?: PurgeReason): FindingEventPayload {
  const { text, ...evidence } = finding.evidence;
  if (purgeReason === 'erasure') return erasedPayload(finding, context);
  return {
    id: finding.id,
    version: finding.version,
    title: finding.title,
    explain: finding.explain,
    postId: finding.post_id,
    postUrl: context.postUrl,
    postPublishedAt: context.postPublishedAt?.toISOString() ?? null,
    account: context.account,
    ruleIds: finding.rule_ids,
    category: finding.category,
    severity: finding.severity,
    score: finding.score,
    scoreBreakdown: finding.score_breakdown,
    evidence: { ...evidence, text: maskText(text) },
    state: finding.state,
    resolution: finding.resolution,
    resolutionExpiresAt: finding.resolution_expires_at?.toISOString() ?? null,
    assigneeId: finding.assignee_id,
    isCurrent: finding.is_current,
    createdAt: finding.created_at.toISOString(),
    updatedAt: finding.updated_at.toISOString(),
    ...(purgeReason ? { purgeReason } : {}),
  };
}

/**
 * The last event of a finding erased on a data-subject request: the SIEM learns which finding went,
 * and nothing that names or points at the person (handle, owner ids, post URL, evidence, explanation).
 */
function erasedPayload(finding: Finding, context: EventContext): FindingEventPayload {
  return {
    id: finding.id,
    version: finding.version,
    title: finding.title,
    explain: null,
    postId: finding.post_id,
    postUrl: null,
    postPublishedAt: null,
    account: { id: context.account.id, platform: context.account.platform, handle: 'erased', kind: context.account.kind, ownerEmployeeId: null, ownerDepartment: null },
    ruleIds: finding.rule_ids,
    category: finding.category,
    severity: finding.severity,
    score: finding.score,
    scoreBreakdown: finding.score_breakdown,
    evidence: { source: finding.evidence.source, text: '' },
    state: finding.state,
    resolution: finding.resolution,
    resolutionExpiresAt: null,
    assigneeId: null,
    isCurrent: false,
    createdAt: finding.created_at.toISOString(),
    updatedAt: finding.updated_at.toISOString(),
    purgeReason: 'erasure',
  };
}
