import { PermanentError } from '../../../core/errors.js';
import type { JsonValue } from './json-value.js';

/**
 * A deep copy of plain JSON data with every object's keys in code-point order and undefined
 * members dropped (as `JSON.stringify` would), so the same data always serialises to the same
 * bytes whatever order its keys were built or stored in (PostgreSQL's jsonb reorders them).
 * Throws a PermanentError on anything JSON cannot carry (a Date, a function, a bigint, a symbol).
 */
export function toSortedJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => toSortedJson(item));
  if (isPlainObject(value)) {
    const sorted: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member !== undefined) sorted[key] = toSortedJson(member);
    }
    return sorted;
  }
  throw new PermanentError(`A SIEM event field holds a ${describe(value)}, which JSON cannot carry; convert it to a string or number first.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  // `[object Date]` names the kind without calling anything on the value itself.
  return typeof value === 'object' ? Object.prototype.toString.call(value) : typeof value;
}
