import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../core/errors.js';
import { toSortedJson } from './to-sorted-json.js';

describe('toSortedJson', () => {
  it('orders keys by code point at every depth and keeps arrays in order', () => {
    const sorted = toSortedJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined members as JSON.stringify would', () => {
    expect(toSortedJson({ a: undefined, b: 'x' })).toEqual({ b: 'x' });
  });

  it('refuses a Date, which JSON would silently turn into a string', () => {
    expect(() => toSortedJson({ at: new Date(0) })).toThrow(PermanentError);
  });
});
