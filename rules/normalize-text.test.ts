import { describe, expect, it } from 'vitest';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost } from './analyze-post.js';
import { compileRuleSet, skeletonOf, type RuleSet } from './compile-rule-set.js';
import { normalizeText } from './normalize-text.js';

/** A rule set of one test pack holding `rules` (YAML list items), under a minimal policy. */
function ruleSetOf(rules: string): RuleSet {
  const text = `pack: markings\ndescription: Test pack.\nrules:\n${rules}`;
  const policy = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } });
  return compileRuleSet({ packs: [{ source: 'test-pack.yaml', text }], policy });
}

const MARKINGS = ruleSetOf(`
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential, ścisłe poufne, εμπιστευτικό, конфіденційно]
    examples: {leak: [CONFIDENTIAL], clean: [hello]}
  - id: marking-confidentiality
    title: Confidentiality notice
    category: marking
    severity: high
    languages: [any]
    phrases: [confidentiality notice]
    examples: {leak: [CONFIDENTIALITY NOTICE], clean: [hello]}
  - id: marking-internal
    title: Internal marking
    category: marking
    severity: high
    languages: [any]
    phrases: [internal only]
    examples: {leak: [INTERNAL ONLY], clean: [hello]}
  - id: marking-draft
    title: Draft document
    category: marking
    severity: high
    languages: [any]
    phrases: [draft document]
    examples: {leak: [DRAFT DOCUMENT], clean: [hello]}
  - id: marking-secret
    title: Secret marking
    category: marking
    severity: high
    languages: [any]
    phrases: [secret]
    examples: {leak: [SECRET], clean: [hello]}
`);

/** `[ruleId, evidence text, start, end]` of every finding in `text`. */
function evidenceIn(text: string): [string, string, number | undefined, number | undefined][] {
  return analyzePost(MARKINGS, { text }).findings.map((finding) => [
    finding.ruleId,
    finding.evidence.text,
    finding.evidence.start,
    finding.evidence.end,
  ]);
}

describe('normalizeText: the normalised form', () => {
  it('lower-cases and removes Polish diacritics', () => {
    expect(normalizeText('ŚCIŚLE POUFNE').normalized).toBe('scisle poufne');
  });

  it('removes Greek accents', () => {
    expect(normalizeText('ΕΜΠΙΣΤΕΥΤΙΚΌ').normalized).toBe('εμπιστευτικο');
  });

  it('writes the Greek final sigma as σ', () => {
    expect(normalizeText('νόμος').normalized).toBe('νομοσ');
  });

  it('folds fullwidth letters to ASCII (NFKC)', () => {
    expect(normalizeText('ＣＯＮＦＩＤＥＮＴＩＡＬ').normalized).toBe('confidential');
  });

  it('maps both letters of a ligature back to the ligature', () => {
    const text = normalizeText('ﬁnal');
    expect(text.normalized).toBe('final');
    expect([...text.normalizedStarts.subarray(0, 2)]).toEqual([0, 0]);
    expect([...text.normalizedEnds.subarray(0, 2)]).toEqual([1, 1]);
  });

  it('drops a zero-width space inside a word and keeps later offsets on the original', () => {
    const text = normalizeText('CONF\u200bIDENTIAL');
    expect(text.normalized).toBe('confidential');
    expect(text.normalizedStarts[4]).toBe(5);
  });

  it('drops a soft hyphen inside a word', () => {
    expect(normalizeText('CONFI\u00adDENTIAL').normalized).toBe('confidential');
  });

  it('joins a word hyphenated across a line break', () => {
    const text = normalizeText('CONFIDEN-\nTIAL');
    expect(text.normalized).toBe('confidential');
    expect(text.normalizedStarts[8]).toBe(10);
  });

  it('keeps a hyphen inside a line', () => {
    expect(normalizeText('e-mail').normalized).toBe('e-mail');
  });

  it('does not join a dash at a line end that follows a space', () => {
    expect(normalizeText('budget -\nnext').normalized).toBe('budget - next');
  });

  it('folds every dash to "-"', () => {
    expect(normalizeText('Q3 – Q4 — Q1').normalized).toBe('q3 - q4 - q1');
  });

  it('folds a run of white space, newlines and no-break spaces to one space', () => {
    const text = normalizeText('a \t\n\u00a0 b');
    expect(text.normalized).toBe('a b');
    expect(text.normalizedStarts[2]).toBe(6);
  });

  it('turns an emoji (a surrogate pair) into one U+FFFD and keeps offsets right after it', () => {
    const text = normalizeText('😀 secret');
    expect(text.normalized).toBe('\uFFFD secret');
    expect(text.skeleton).toBe('\uFFFD secret');
    // The replacement character stands for both code units of the emoji.
    expect([text.normalizedStarts[0], text.normalizedEnds[0]]).toEqual([0, 2]);
    expect([text.skeletonStarts[0], text.skeletonEnds[0]]).toEqual([0, 2]);
    expect(text.normalizedStarts[2]).toBe(3);
    expect(text.skeletonStarts[2]).toBe(3);
  });

  it('rewrites a Cyrillic look-alike inside a Latin word in Latin', () => {
    expect(normalizeText('CONFІDENTIAL').normalized).toBe('confidential');
  });

  it('rewrites Latin look-alikes inside a Cyrillic word in Cyrillic', () => {
    expect(normalizeText('КОНФIДЕНЦIЙНО').normalized).toBe('конфіденціино');
  });

  it('leaves a Latin word among Cyrillic words in Latin', () => {
    expect(normalizeText('Отчёт TOP SECRET').normalized).toBe('отчет top secret');
  });

  it('does not rewrite a Latin word of look-alike letters into Cyrillic for one Cyrillic letter', () => {
    expect(normalizeText('ТOP').normalized).toBe('top');
  });

  it('records where each word starts in the original', () => {
    expect([...normalizeText('  one, two\nthree').wordStarts]).toEqual([2, 7, 11]);
  });
});

describe('normalizeText: the skeleton (OCR confusions folded)', () => {
  it('reads 0 as o inside a word', () => {
    expect(normalizeText('C0NFIDENTIAL').skeleton).toBe(skeletonOf('confidential'));
  });

  it('reads l as i inside a word', () => {
    expect(normalizeText('CONFlDENTIAL').skeleton).toBe(skeletonOf('confidential'));
  });

  it('reads | as i inside a word', () => {
    expect(normalizeText('CONF|DENTIAL').skeleton).toBe(skeletonOf('confidential'));
  });

  it('reads rn as m and maps the m back to both letters', () => {
    const text = normalizeText('docurnent');
    expect(text.skeleton).toBe('document');
    expect(text.skeletonStarts[4]).toBe(4);
    expect(text.skeletonEnds[4]).toBe(6);
  });

  it('reads vv as w', () => {
    expect(normalizeText('vvindow').skeleton).toBe('window');
  });

  it('leaves numbers alone', () => {
    expect(normalizeText('2010 10').skeleton).toBe('2010 10');
  });
});

describe('phrase evidence points into the original text', () => {
  it.each([
    ['a Cyrillic І in a Latin word', 'Stamp: CONFІDENTIAL copy', 'marking-confidential', 'CONFІDENTIAL', 7],
    ['a Latin I in a Cyrillic word', 'Гриф: КОНФIДЕНЦIЙНО!', 'marking-confidential', 'КОНФIДЕНЦIЙНО', 6],
    ['a zero for O', 'Stamp: C0NFIDENTIAL copy', 'marking-confidential', 'C0NFIDENTIAL', 7],
    ['a lower-case l for I', 'Stamp: CONFlDENTIAL copy', 'marking-confidential', 'CONFlDENTIAL', 7],
    ['rn for m', 'A DRAFT DOCURNENT here', 'marking-draft', 'DRAFT DOCURNENT', 2],
    ['Polish diacritics', 'Dokument ŚCIŚLE POUFNE.', 'marking-confidential', 'ŚCIŚLE POUFNE', 9],
    ['Polish without diacritics', 'Dokument SCISLE POUFNE.', 'marking-confidential', 'SCISLE POUFNE', 9],
    ['Greek capitals with an accent', 'Έγγραφο ΕΜΠΙΣΤΕΥΤΙΚΌ εδώ', 'marking-confidential', 'ΕΜΠΙΣΤΕΥΤΙΚΌ', 8],
    ['fullwidth letters', 'Stamp: ＣＯＮＦＩＤＥＮＴＩＡＬ copy', 'marking-confidential', 'ＣＯＮＦＩＤＥＮＴＩＡＬ', 7],
    ['a ligature', 'Stamp: conﬁdential copy', 'marking-confidential', 'conﬁdential', 7],
    ['a zero-width space inside the word', 'Stamp: CONF\u200bIDENTIAL copy', 'marking-confidential', 'CONF\u200bIDENTIAL', 7],
    ['a word hyphenated across a line break', 'Stamp: CONFIDEN-\nTIAL copy', 'marking-confidential', 'CONFIDEN-\nTIAL', 7],
    ['a run of white space inside the phrase', 'Note: INTERNAL \n\t ONLY here', 'marking-internal', 'INTERNAL \n\t ONLY', 6],
    ['emoji before the evidence', '😀😀 note: CONFIDENTIAL', 'marking-confidential', 'CONFIDENTIAL', 11],
  ])('finds %s', (_case, text, ruleId, evidence, start) => {
    expect(evidenceIn(text)).toContainEqual([ruleId, evidence, start, start + evidence.length]);
  });

  it('finds a phrase glued to an emoji', () => {
    expect(evidenceIn('🔒CONFIDENTIAL🔒')).toEqual([['marking-confidential', 'CONFIDENTIAL', 2, 14]]);
  });

  it('matches phrases on whole words only', () => {
    expect(evidenceIn('Secretary of the board')).toEqual([]);
  });
});

describe('fuzzy matching of long phrase words', () => {
  it('tolerates one edit in a word of 8 to 12 letters', () => {
    expect(evidenceIn('CONFIDENTAL')).toEqual([['marking-confidential', 'CONFIDENTAL', 0, 11]]);
  });

  it('does not tolerate two edits in a word of 8 to 12 letters', () => {
    expect(evidenceIn('CONFIDNTAL')).toEqual([]);
  });

  it('tolerates one edit in an 8-letter word', () => {
    expect(evidenceIn('DRAFT DOCUMANT')).toEqual([['marking-draft', 'DRAFT DOCUMANT', 0, 14]]);
  });

  it('tolerates one edit in an 8-letter word whose skeleton folds rn to m ("internal")', () => {
    expect(evidenceIn('INTERNL ONLY')).toEqual([['marking-internal', 'INTERNL ONLY', 0, 12]]);
  });

  it('tolerates two edits in a word of 13 letters or more', () => {
    expect(evidenceIn('CONFIDENTALTY NOTICE')).toEqual([['marking-confidentiality', 'CONFIDENTALTY NOTICE', 0, 20]]);
  });

  it('does not tolerate three edits in a word of 13 letters or more', () => {
    expect(evidenceIn('CONFDENTALTY NOTICE')).toEqual([]);
  });

  it('never corrects a word shorter than 8 letters', () => {
    expect(evidenceIn('SECRAT')).toEqual([]);
  });
});
