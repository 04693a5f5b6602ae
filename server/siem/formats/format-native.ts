import type { FindingEventType } from '../../../store/schema.js';
import type { FindingEventPayload, OutboxEvent } from '../../../store/finding-event-payload.js';
import type { JsonObject } from './json-value.js';
import { toSortedJson } from './to-sorted-json.js';

/**
 * overshare's own event shape: the event's id, type and time, and the finding version it carries.
 * The outbox's `seq` is left out on purpose: the pull feed's cursor is opaque and each push sink
 * keeps its own, so publishing the sequence number would turn a storage detail into an API.
 */
export type NativeEvent = {
  id: string;
  type: FindingEventType;
  /** ISO 8601 UTC with milliseconds. */
  occurred_at: string;
  /** The finding version, in the API's snake_case, keys in code-point order at every depth. */
  finding: JsonObject;
};

/**
 * Formats one outbox event natively. Stable: the same event always gives the same bytes under
 * `JSON.stringify`, because the payload's keys are sorted (jsonb returns them in its own order).
 */
export function formatNative(event: OutboxEvent): NativeEvent {
  return {
    id: event.id,
    type: event.type,
    occurred_at: event.occurredAt.toISOString(),
    finding: toSortedJson(nativeFinding(event.payload)) as JsonObject,
  };
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
    account: {
      id: payload.account.id,
      platform: payload.account.platform,
      handle: payload.account.handle,
      kind: payload.account.kind,
      owner_employee_id: payload.account.ownerEmployeeId,
      owner_department: payload.account.ownerDepartment,
    },
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
