import { describe, expect, it } from 'vitest';
import { PhraseAutomaton } from './phrase-automaton.js';

/** `[start, end, value]` of every match, in the order found. */
function searchAll(phrases: readonly string[], text: string): [number, number, string][] {
  const automaton = new PhraseAutomaton<string>();
  for (const phrase of phrases) automaton.add(phrase, phrase);
  return automaton.search(text).map((match) => [match.start, match.end, match.value]);
}

describe('PhraseAutomaton', () => {
  it('finds one phrase with its start and exclusive end', () => {
    expect(searchAll(['secret'], 'top secret')).toEqual([[4, 10, 'secret']]);
  });

  it('finds every occurrence of a phrase', () => {
    expect(searchAll(['ab'], 'ab ab')).toEqual([
      [0, 2, 'ab'],
      [3, 5, 'ab'],
    ]);
  });

  it('finds overlapping occurrences of different phrases', () => {
    expect(searchAll(['he', 'she', 'his', 'hers'], 'ushers')).toEqual([
      [1, 4, 'she'],
      [2, 4, 'he'],
      [2, 6, 'hers'],
    ]);
  });

  it('finds overlapping occurrences of one phrase', () => {
    expect(searchAll(['aa'], 'aaa')).toEqual([
      [0, 2, 'aa'],
      [1, 3, 'aa'],
    ]);
  });

  it('finds a phrase that is a suffix of another together with it', () => {
    expect(searchAll(['strictly confidential', 'confidential'], 'strictly confidential')).toEqual([
      [0, 21, 'strictly confidential'],
      [9, 21, 'confidential'],
    ]);
  });

  it('finds a phrase that is a prefix of another together with it', () => {
    expect(searchAll(['top', 'top secret'], 'top secret')).toEqual([
      [0, 3, 'top'],
      [0, 10, 'top secret'],
    ]);
  });

  it('finds a phrase after a partial match of a longer one fails', () => {
    expect(searchAll(['abcd', 'bce'], 'abce')).toEqual([[1, 4, 'bce']]);
  });

  it('finds non-Latin phrases', () => {
    expect(searchAll(['дсп'], 'гриф дсп')).toEqual([[5, 8, 'дсп']]);
  });

  it('returns every value added for the same phrase', () => {
    const automaton = new PhraseAutomaton<number>();
    automaton.add('secret', 1);
    automaton.add('secret', 2);
    expect(automaton.search('secret').map((match) => match.value)).toEqual([1, 2]);
  });

  it('ignores an empty phrase', () => {
    const automaton = new PhraseAutomaton<string>();
    automaton.add('', 'empty');
    expect(automaton.isEmpty).toBe(true);
    expect(automaton.search('anything')).toEqual([]);
  });

  it('finds nothing in a text without the phrases', () => {
    expect(searchAll(['secret'], 'nothing to see')).toEqual([]);
  });

  it('refuses a phrase added after the first search', () => {
    const automaton = new PhraseAutomaton<string>();
    automaton.add('one', 'one');
    automaton.search('one');
    expect(() => automaton.add('two', 'two')).toThrow('add() after the first search');
  });
});
