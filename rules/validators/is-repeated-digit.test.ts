import { describe, expect, it } from 'vitest';
import { isRepeatedDigit } from './is-repeated-digit.js';

describe('isRepeatedDigit', () => {
  it('is true for one digit repeated', () => {
    expect(isRepeatedDigit([7, 7, 7, 7])).toBe(true);
  });

  it('is false when one digit differs', () => {
    expect(isRepeatedDigit([7, 7, 1, 7])).toBe(false);
  });
});
