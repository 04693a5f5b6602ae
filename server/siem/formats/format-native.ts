import type { FindingEventType } from '../../../store/schema.js';
import type { OutboxEvent } from '../../../store/finding-event-payload.js';
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
  occurredAt: string;
  /** The stored payload, keys in code-point order at every depth. */
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
    occurredAt: event.occurredAt.toISOString(),
    finding: toSortedJson(event.payload) as JsonObject,
  };
}
