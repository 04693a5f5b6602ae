import type { CoverageOutboxEvent, OutboxEvent } from '../../../store/finding-event-payload.js';

/** True for a `coverage.gap` or `coverage.restored` event, false for every `finding.*` one. */
export function isCoverageEvent(event: OutboxEvent): event is CoverageOutboxEvent {
  return event.type === 'coverage.gap' || event.type === 'coverage.restored';
}
