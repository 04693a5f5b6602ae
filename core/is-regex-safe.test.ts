import { describe, expect, it } from 'vitest';
import { isRegexSafe } from './is-regex-safe.js';

describe('isRegexSafe', () => {
  it.each([
    ['(a+)+', 'a repeated group of repetition'],
    ['(\\d+\\s?)*', 'a starred group of digits and optional space'],
    ['(?:a*)*b', 'a starred non-capturing group of a star'],
    ['(?:x{1,100})+', 'a large bounded repetition inside an unbounded one'],
    ['((?:ab)+c?)+', 'repetition two groups deep'],
    ['(?:[a-z]+\\.){2,}', 'an unbounded outer count'],
    ['(?<![a-z])(?:\\w+\\s)+x', 'nested repetition after a lookbehind'],
    ['(?:\\w|\\d)+x', 'a repeated alternation whose branches overlap (exponential on a run of digits)'],
  ])('refuses %s (%s)', (source) => {
    expect(isRegexSafe(source)).toBe(false);
  });

  it.each([
    ['(AKIA[0-9A-Z]{16})', 'a plain bounded class'],
    ['(?:\\d{4}\\s?){2,7}', 'bounded repetition inside a bounded repetition'],
    ['(?:[a-z0-9][a-z0-9.-]{0,200}\\.)?', 'a large repetition inside an optional group'],
    ['(\\d+)\\s+(\\w+)', 'repetitions in sequence'],
    ['(?<![\\p{L}\\p{N}])(top secret)(?![\\p{L}\\p{N}])', 'lookbehind and Unicode property escapes'],
    ['(?<evidence>\\p{Lu}{3,})', 'a named group'],
    ['(?:a|b)+', 'an alternation of single characters, repeated'],
  ])('accepts %s (%s)', (source) => {
    expect(isRegexSafe(source)).toBe(true);
  });

  it.each(['(unclosed', '[a-', 'a{2,1}', '*a'])('refuses the unparsable pattern %s', (source) => {
    expect(isRegexSafe(source)).toBe(false);
  });
});
