import { describe, expect, it } from 'vitest';
import { FUZZY_MIN_LENGTH, FuzzyVocabulary, maxEditsFor } from './fuzzy-vocabulary.js';

describe('maxEditsFor', () => {
  it('allows no edit below 8 characters', () => {
    expect(maxEditsFor(7)).toBe(0);
  });

  it('allows one edit from 8 characters', () => {
    expect(maxEditsFor(8)).toBe(1);
  });

  it('allows one edit at 12 characters', () => {
    expect(maxEditsFor(12)).toBe(1);
  });

  it('allows two edits from 13 characters', () => {
    expect(maxEditsFor(13)).toBe(2);
  });
});

describe('FuzzyVocabulary', () => {
  it('keeps only words of at least FUZZY_MIN_LENGTH characters', () => {
    const vocabulary = new FuzzyVocabulary(['secret', 'document', 'strategy']);
    expect(FUZZY_MIN_LENGTH).toBe(8);
    expect(vocabulary.size).toBe(2);
  });

  it('corrects one substituted letter in an 8-letter word', () => {
    expect(new FuzzyVocabulary(['document']).correct('documant')).toBe('document');
  });

  it('corrects one missing letter of an 8-letter word', () => {
    expect(new FuzzyVocabulary(['document']).correct('documnt')).toBe('document');
  });

  it('does not correct two edits in a 12-letter word', () => {
    expect(new FuzzyVocabulary(['headquarters']).correct('headqaurters')).toBeUndefined();
  });

  it('corrects two edits in a 14-letter word', () => {
    expect(new FuzzyVocabulary(['administrative']).correct('admnistrtive')).toBe('administrative');
  });

  it('does not correct three edits in a 14-letter word', () => {
    expect(new FuzzyVocabulary(['administrative']).correct('admnstrtive')).toBeUndefined();
  });

  it('never corrects towards a word shorter than 8 characters', () => {
    expect(new FuzzyVocabulary(['secret']).correct('secrat')).toBeUndefined();
  });

  it('does not correct a 6-letter word towards an 8-letter one two edits away', () => {
    expect(new FuzzyVocabulary(['document']).correct('docume')).toBeUndefined();
  });

  it('returns undefined for a word already in the vocabulary', () => {
    expect(new FuzzyVocabulary(['document']).correct('document')).toBeUndefined();
  });

  it('returns undefined when two vocabulary words are equally close', () => {
    expect(new FuzzyVocabulary(['contract', 'contrast']).correct('contrakt')).toBeUndefined();
  });

  it('prefers the strictly closer of two candidates', () => {
    expect(new FuzzyVocabulary(['administrative', 'adminstrativa']).correct('administrativx')).toBe('administrative');
  });

  it('gives the same answer the second time (cached)', () => {
    const vocabulary = new FuzzyVocabulary(['document']);
    expect(vocabulary.correct('documant')).toBe('document');
    expect(vocabulary.correct('documant')).toBe('document');
    expect(vocabulary.correct('zzzzzzzz')).toBeUndefined();
    expect(vocabulary.correct('zzzzzzzz')).toBeUndefined();
  });

  it('says a word far longer than every vocabulary word cannot be corrected', () => {
    expect(new FuzzyVocabulary(['document']).mayCorrect(20)).toBe(false);
  });
});
