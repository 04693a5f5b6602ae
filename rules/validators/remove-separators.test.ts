import { describe, expect, it } from 'vitest';
import { removeSeparators } from './remove-separators.js';

describe('removeSeparators', () => {
  it('removes spaces and hyphens between groups', () => {
    expect(removeSeparators('112-233-445 95')).toBe('11223344595');
  });

  it('removes no-break spaces and en dashes, as the text normaliser folds them', () => {
    expect(removeSeparators('4111\u00a01111\u20131111\u202f1111')).toBe('4111111111111111');
  });

  it('removes leading and trailing separators', () => {
    expect(removeSeparators(' 5260250274-')).toBe('5260250274');
  });

  it('keeps dots, letters and every other character', () => {
    expect(removeSeparators('PL 526.025')).toBe('PL526.025');
  });
});
