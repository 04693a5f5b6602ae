import { describe, expect, it } from 'vitest';
import { shannonEntropy } from './shannon-entropy.js';

describe('shannonEntropy', () => {
  it('is 0 for an empty string', () => {
    expect(shannonEntropy('')).toBe(0);
  });

  it('is 0 for one symbol repeated', () => {
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
  });

  it('is 1 bit for two equally frequent symbols', () => {
    expect(shannonEntropy('abab')).toBe(1);
  });

  it('is 2 bits for four distinct symbols', () => {
    expect(shannonEntropy('abcd')).toBe(2);
  });

  it('is 4 bits for the sixteen hex digits once each', () => {
    expect(shannonEntropy('0123456789abcdef')).toBe(4);
  });

  it('weights symbols by frequency: three a and one b give 0.811 bits', () => {
    expect(shannonEntropy('aaab')).toBeCloseTo(0.811_278, 6);
  });

  it('is case-sensitive', () => {
    expect(shannonEntropy('aA')).toBe(1);
  });

  it('counts an astral character as one symbol, not two UTF-16 units', () => {
    expect(shannonEntropy('😀😀')).toBe(0);
  });

  it('ranks a random-looking key above an English word of the same length', () => {
    expect(shannonEntropy('xK9#mQ2$vL7p')).toBeGreaterThan(shannonEntropy('passwordpass'));
  });
});
