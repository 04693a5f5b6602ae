import { describe, expect, it } from 'vitest';
import { parseDigits } from './parse-digits.js';

describe('parseDigits', () => {
  it('returns the digits of a grouped number as numbers', () => {
    expect(parseDigits('12 3-4')).toEqual([1, 2, 3, 4]);
  });

  it('keeps leading zeros', () => {
    expect(parseDigits('007')).toEqual([0, 0, 7]);
  });

  it('returns undefined when a letter remains', () => {
    expect(parseDigits('12a4')).toBeUndefined();
  });

  it('returns undefined when a dot remains', () => {
    expect(parseDigits('12.34')).toBeUndefined();
  });

  it('returns undefined for digits of other scripts', () => {
    expect(parseDigits('١٢٣')).toBeUndefined();
  });

  it('returns undefined when only separators are given', () => {
    expect(parseDigits(' - ')).toBeUndefined();
  });
});
