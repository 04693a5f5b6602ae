import type { JsonObject, JsonValue } from './json-value.js';

/**
 * Drops the members whose value is null or undefined (one level deep), keeping the order of the
 * rest: SIEM schemas want an absent attribute left out rather than sent as null.
 */
export function compactObject(fields: Record<string, JsonValue | undefined>): JsonObject {
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) kept[key] = value;
  }
  return kept;
}
