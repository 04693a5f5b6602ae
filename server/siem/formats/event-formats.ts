import type { OutboxEvent } from '../../../store/finding-event-payload.js';
import { formatEcsCoverage } from './format-ecs-coverage.js';
import { formatEcs } from './format-ecs.js';
import { formatNative } from './format-native.js';
import { formatOcsfCoverage } from './format-ocsf-coverage.js';
import { formatOcsf } from './format-ocsf.js';
import { isCoverageEvent } from './is-coverage-event.js';
import type { JsonObject } from './json-value.js';
import type { ProductInfo } from './product-info.js';

/** The JSON formats the pull feed (`?format=`) and the JSON push sinks offer. */
export const EVENT_FORMATS = ['native', 'ocsf', 'ecs'] as const;

/** One of EVENT_FORMATS. */
export type EventFormat = (typeof EVENT_FORMATS)[number];

const FORMATTERS: Readonly<Record<EventFormat, (event: OutboxEvent, product: ProductInfo) => JsonObject>> = {
  native: (event) => formatNative(event),
  ocsf: (event, product) => (isCoverageEvent(event) ? formatOcsfCoverage(event, product) : formatOcsf(event, product)),
  ecs: (event, product) => (isCoverageEvent(event) ? formatEcsCoverage(event, product) : formatEcs(event, product)),
};

/** True when `value` names a format formatEvent knows (case-sensitive). */
export function isEventFormat(value: unknown): value is EventFormat {
  return typeof value === 'string' && (EVENT_FORMATS as readonly string[]).includes(value);
}

/**
 * Formats one outbox event, a finding's or a coverage gap's, in the named format as a
 * JSON-serialisable object. Pure: the same event, format and product always give the same object
 * with the same key order, so the same bytes under `JSON.stringify`.
 */
export function formatEvent(event: OutboxEvent, format: EventFormat, product: ProductInfo): JsonObject {
  return FORMATTERS[format](event, product);
}
