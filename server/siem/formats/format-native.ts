import type { CoverageEventPayload } from '../../../store/coverage-event-payload.js';
import type { CoverageEventType, FindingEventType } from '../../../store/schema.js';
import type { CoverageOutboxEvent, EventAccount, FindingEventPayload, FindingOutboxEvent, OutboxEvent } from '../../../store/finding-event-payload.js';
import { isCoverageEvent } from './is-coverage-event.js';
import type { JsonObject } from './json-value.js';
import { toSortedJson } from './to-sorted-json.js';

/**
 * overshare's own event shape: the event's id, type and time, and the finding version or the
 * coverage gap it carries. The outbox's `seq` is left out on purpose: the pull feed's cursor is
 * opaque and each push sink keeps its own, so publishing the sequence number would turn a storage
 * detail into an API.
 */
export type NativeFindingEvent = {
  id: string;
  type: FindingEventType;
  /** ISO 8601 UTC with milliseconds. */
  occurred_at: string;
  /** The finding version, in the API's snake_case, keys in code-point order at every depth. */
  finding: JsonObject;
};

/** A `coverage.gap` or `coverage.restored` event natively: as NativeFindingEvent, with the gap under `coverage`. */
export type NativeCoverageEvent = {
  id: string;
  type: CoverageEventType;
  /** ISO 8601 UTC with milliseconds. */
  occurred_at: string;
  /** The gap (`gap_id`, account, reason, span, catch-up), in the API's snake_case, keys in code-point order. */
  coverage: JsonObject;
};

/** Any outbox event natively: branch on `type`. */
export type NativeEvent = NativeFindingEvent | NativeCoverageEvent;

/**
 * Formats one outbox event natively. Stable: the same event always gives the same bytes under
 * `JSON.stringify`, because the payload's keys are sorted (jsonb returns them in its own order).
 */
export function formatNative(event: FindingOutboxEvent): NativeFindingEvent;
export function formatNative(event: CoverageOutboxEvent): NativeCoverageEvent;
export function formatNative(event: OutboxEvent): NativeEvent;
export function formatNative(event: OutboxEvent): NativeEvent {
  const occurredAt = event.occurredAt.toISOString();
  if (isCoverageEvent(event)) {
    return { id: event.id, type: event.type, occurred_at: occurredAt, coverage: toSortedJson(nativeCoverage(event.payload)) as JsonObject };
  }
  return { id: event.id, type: event.type, occurred_at: occurredAt, finding: toSortedJson(nativeFinding(event.payload)) as JsonObject };
}

// The REST API speaks snake_case, so the feed does too; score breakdown keys are data and stay as they are.
function nativeFinding(payload: FindingEventPayload): Record<string, unknown> {
  const { mediaId, ...evidence } = payload.evidence;
  return {
    id: payload.id,
    version: payload.version,
    title: payload.title,
    explain: payload.explain,
    post_id: payload.postId,
    post_url: payload.postUrl,
    post_published_at: payload.postPublishedAt,
    account: nativeAccount(payload.account),
    rule_ids: payload.ruleIds,
    category: payload.category,
    severity: payload.severity,
    score: payload.score,
    score_breakdown: payload.scoreBreakdown,
    evidence: { ...evidence, ...(mediaId === undefined ? {} : { media_id: mediaId }) },
    state: payload.state,
    resolution: payload.resolution,
    resolution_expires_at: payload.resolutionExpiresAt,
    assignee_id: payload.assigneeId,
    is_current: payload.isCurrent,
    created_at: payload.createdAt,
    updated_at: payload.updatedAt,
    purge_reason: payload.purgeReason,
  };
}

function nativeCoverage(payload: CoverageEventPayload): Record<string, unknown> {
  return {
    gap_id: payload.gapId,
    account: nativeAccount(payload.account),
    reason: payload.reason,
    last_error: payload.lastError,
    started_at: payload.startedAt,
    detected_at: payload.detectedAt,
    ended_at: payload.endedAt,
    failures: payload.failures,
    caught_up_posts: payload.caughtUpPosts,
    uncovered_until: payload.uncoveredUntil,
  };
}

function nativeAccount(account: EventAccount): Record<string, unknown> {
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    kind: account.kind,
    owner_employee_id: account.ownerEmployeeId,
    owner_department: account.ownerDepartment,
  };
}
