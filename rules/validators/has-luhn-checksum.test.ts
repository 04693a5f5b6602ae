import { describe, expect, it } from 'vitest';
import { hasLuhnChecksum } from './has-luhn-checksum.js';

describe('hasLuhnChecksum', () => {
  it('accepts the textbook example 79927398713', () => {
    expect(hasLuhnChecksum([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3])).toBe(true);
  });

  it('rejects 79927398713 with its check digit off by one', () => {
    expect(hasLuhnChecksum([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4])).toBe(false);
  });

  it('subtracts 9 from a doubled digit above 9', () => {
    // 5 doubled is 10 → 1; 1 + 9 = 10.
    expect(hasLuhnChecksum([5, 9])).toBe(true);
  });

  it('rejects no digits at all', () => {
    expect(hasLuhnChecksum([])).toBe(false);
  });
});
