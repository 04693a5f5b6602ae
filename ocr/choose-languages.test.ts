import { describe, expect, it } from 'vitest';
import { primaryLanguage, readingLanguages } from './choose-languages.js';

const sample = (text: string, confidence = 90) => text.split(' ').map((word) => ({ text: word, confidence }));
const ALL = ['eng', 'pol', 'rus', 'ukr', 'ell'];

describe('primaryLanguage', () => {
  it.each([
    ['This note summarises the decisions of the steering group', 'eng'],
    ['Platforma Cardamom – gotowość do wdrożenia, budżet pilotażu', 'pol'],
    ['Строго конфиденциально: бюджет проекта утверждён', 'rus'],
    ['Цільові показники якості в цьому кварталі не змінюються', 'ukr'],
    ['Πρωτότυπο Fjord-9: έλεγχος αισθητήρων', 'ell'],
  ])('reads %j as %s', (text, language) => {
    expect(primaryLanguage(sample(text))).toBe(language);
  });

  it('calls a Greek page Greek even when Latin words outnumber its Greek ones', () => {
    expect(primaryLanguage(sample('προϋπολογισμός: 8.970.000 EUR j.brandt@corvina-robotics.example'))).toBe('ell');
  });

  it('says nothing when the sample is too short or too unsure', () => {
    expect(primaryLanguage(sample('OK 42'))).toBeUndefined();
    expect(primaryLanguage(sample('Строго конфиденциально бюджет', 20))).toBeUndefined();
  });
});

describe('readingLanguages', () => {
  it('reads a page in its own language, with English beside a non-Latin one', () => {
    expect(readingLanguages(ALL, 'eng')).toEqual(['eng']);
    expect(readingLanguages(ALL, 'rus')).toEqual(['rus', 'eng']);
    expect(readingLanguages(ALL, 'ell')).toEqual(['ell', 'eng']);
  });

  it('keeps every language when the sample could not tell, or named one not configured', () => {
    expect(readingLanguages(ALL, undefined)).toEqual(ALL);
    expect(readingLanguages(['eng', 'pol'], 'rus')).toEqual(['eng', 'pol']);
    expect(readingLanguages(['rus'], 'rus')).toEqual(['rus']);
  });
});
