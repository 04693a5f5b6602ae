import { describe, expect, it } from 'vitest';
import { weightedSum } from './weighted-sum.js';

describe('weightedSum', () => {
  it('multiplies each digit by the weight at its position and adds them', () => {
    expect(weightedSum([1, 2, 3], [3, 2, 1])).toBe(10);
  });

  it('ignores digits beyond the weights, such as a check digit', () => {
    expect(weightedSum([1, 2, 3, 9], [1, 1, 1])).toBe(6);
  });

  it('handles negative weights', () => {
    expect(weightedSum([9, 1], [-1, 5])).toBe(-4);
  });

  it('throws a RangeError when there are fewer digits than weights', () => {
    expect(() => weightedSum([1, 2], [1, 1, 1])).toThrow(RangeError);
  });
});
