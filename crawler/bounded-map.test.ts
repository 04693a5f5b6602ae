import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('drops the entry set longest ago once it holds maxEntries', () => {
    const map = new BoundedMap<string, number>(2).set('a', 1).set('b', 2).set('c', 3);
    expect(map.size).toBe(2);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('counts setting a key again as new, so the other key is dropped first', () => {
    const map = new BoundedMap<string, number>(2).set('a', 1).set('b', 2).set('a', 10).set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([10, undefined, 3]);
  });

  it('forgets a deleted key', () => {
    const map = new BoundedMap<string, number>(3).set('a', 1);
    expect(map.delete('a')).toBe(true);
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('refuses a size below one', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});
