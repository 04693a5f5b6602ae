import { describe, expect, it } from 'vitest';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost, type PostAnalysis } from './analyze-post.js';
import type { OcrWord, PostInput } from './build-segments.js';
import { compileRuleSet, type RuleSet } from './compile-rule-set.js';

const PARTS = `
  - id: part-salary
    title: Salary
    category: personnel
    severity: info
    languages: [any]
    phrases: [salary]
    emit: false
    examples: {leak: [salary], clean: [hello]}
  - id: part-sheet
    title: Spreadsheet
    category: personnel
    severity: info
    languages: [any]
    phrases: [spreadsheet]
    emit: false
    examples: {leak: [spreadsheet], clean: [hello]}
  - id: part-bonus
    title: Bonus
    category: personnel
    severity: info
    languages: [any]
    phrases: [bonus]
    emit: false
    examples: {leak: [bonus], clean: [hello]}
`;

/** A rule set with the three building blocks and one composite `personnel-salary-sheet` of `parts` within `within`. */
function compositeRuleSet(within: string, parts = '[part-salary, part-sheet]'): RuleSet {
  const text = `pack: business\ndescription: Test pack.\nrules:\n${PARTS}
  - id: personnel-salary-sheet
    title: Salary spreadsheet
    category: personnel
    severity: high
    languages: [any]
    composite: {parts: ${parts}, within: ${within}}
    examples: {leak: [salary spreadsheet], clean: [hello]}
`;
  const policy = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } });
  return compileRuleSet({ packs: [{ source: 'test-pack.yaml', text }], policy });
}

function analyze(ruleSet: RuleSet, post: string | PostInput): PostAnalysis {
  return analyzePost(ruleSet, typeof post === 'string' ? { text: post } : post);
}

function ruleIdsOf(ruleSet: RuleSet, post: string | PostInput): string[] {
  return analyze(ruleSet, post).findings.map((finding) => finding.ruleId);
}

/** An OCR word on line `line` with its box at (x, y), 20 pixels high. */
function word(text: string, x: number, y: number, line: number, width = 100): OcrWord {
  return { text, box: [x, y, width, 20], confidence: 100, line };
}

describe('composites within N words', () => {
  const WITHIN_3 = compositeRuleSet('{words: 3}');

  it('fires when the parts are exactly N words apart', () => {
    expect(ruleIdsOf(WITHIN_3, 'salary one two spreadsheet')).toEqual(['personnel-salary-sheet']);
  });

  it('does not fire when the parts are N + 1 words apart', () => {
    expect(ruleIdsOf(WITHIN_3, 'salary one two three spreadsheet')).toEqual([]);
  });

  it('fires whichever part comes first', () => {
    expect(ruleIdsOf(WITHIN_3, 'spreadsheet one two salary')).toEqual(['personnel-salary-sheet']);
  });

  it('does not fire when a part is missing', () => {
    expect(ruleIdsOf(WITHIN_3, 'salary one two three')).toEqual([]);
  });

  it('does not report its building blocks, but lists them as matched', () => {
    const analysis = analyze(WITHIN_3, 'salary only');
    expect(analysis.findings).toEqual([]);
    expect(analysis.matchedRules).toEqual(['part-salary']);
  });

  it('quotes the text from the first part to the last as evidence', () => {
    const [finding] = analyze(WITHIN_3, 'the salary in this spreadsheet, see').findings;
    expect(finding?.evidence).toMatchObject({ source: 'text', text: 'salary in this spreadsheet', start: 4, end: 30 });
  });

  it('gives touching parts more proximity points than parts at the limit', () => {
    const near = analyze(WITHIN_3, 'salary spreadsheet').findings[0];
    const far = analyze(WITHIN_3, 'salary one two spreadsheet').findings[0];
    expect(near?.breakdown.proximity).toBe(7);
    expect(far?.breakdown.proximity).toBe(0);
  });

  it('explains how far apart the parts were', () => {
    expect(analyze(WITHIN_3, 'salary one spreadsheet').findings[0]?.reasons).toContain('+3 parts 2 words apart (limit 3)');
  });

  it('fires a three-part composite whose parts are all within N words', () => {
    const ruleSet = compositeRuleSet('{words: 5}', '[part-salary, part-sheet, part-bonus]');
    expect(ruleIdsOf(ruleSet, 'salary one spreadsheet two bonus')).toEqual(['personnel-salary-sheet']);
  });

  it('does not fire a three-part composite whose outer parts are farther apart than N words', () => {
    const ruleSet = compositeRuleSet('{words: 5}', '[part-salary, part-sheet, part-bonus]');
    expect(ruleIdsOf(ruleSet, 'spreadsheet a b c d salary e f g h bonus')).toEqual([]);
  });

  it('does not fire a pixel-only composite on post text', () => {
    expect(ruleIdsOf(compositeRuleSet('{pixels: 50}'), 'salary spreadsheet')).toEqual([]);
  });

  it('falls back to words in post text when the composite gives both pixels and words', () => {
    expect(ruleIdsOf(compositeRuleSet('{pixels: 50, words: 3}'), 'salary spreadsheet')).toEqual(['personnel-salary-sheet']);
  });
});

describe('composites within N pixels on OCR words', () => {
  const WITHIN_50_PX = compositeRuleSet('{pixels: 50}');

  it('fires when the boxes are exactly N pixels apart', () => {
    const post = { images: [{ words: [word('SALARY', 10, 10, 0), word('SPREADSHEET', 10, 80, 1)] }] };
    expect(ruleIdsOf(WITHIN_50_PX, post)).toEqual(['personnel-salary-sheet']);
  });

  it('does not fire when the boxes are N + 1 pixels apart', () => {
    const post = { images: [{ words: [word('SALARY', 10, 10, 0), word('SPREADSHEET', 10, 81, 1)] }] };
    expect(ruleIdsOf(WITHIN_50_PX, post)).toEqual([]);
  });

  it('measures the diagonal gap between boxes', () => {
    // 30 pixels across and 40 down: 50 pixels apart.
    const post = { images: [{ words: [word('SALARY', 0, 0, 0), word('SPREADSHEET', 130, 60, 1)] }] };
    expect(ruleIdsOf(WITHIN_50_PX, post)).toEqual(['personnel-salary-sheet']);
  });

  it('fires on boxes close on the image though many words apart in reading order', () => {
    const filler = Array.from({ length: 12 }, (_, index) => word(`cell${String(index)}`, 200 + index * 110, 10, 0));
    const post = { images: [{ words: [word('SALARY', 10, 10, 0), ...filler, word('SPREADSHEET', 10, 40, 1)] }] };
    expect(ruleIdsOf(WITHIN_50_PX, post)).toEqual(['personnel-salary-sheet']);
  });

  it('carries the union box of its parts as evidence', () => {
    const post = { images: [{ words: [word('SALARY', 10, 10, 0, 60), word('SPREADSHEET', 20, 50, 1, 120)] }] };
    const [finding] = analyze(WITHIN_50_PX, post).findings;
    expect(finding?.evidence).toMatchObject({ source: 'ocr', image: 0, text: 'SALARY\nSPREADSHEET', box: [10, 10, 130, 60] });
  });

  it('explains the distance in pixels', () => {
    const post = { images: [{ words: [word('SALARY', 10, 10, 0), word('SPREADSHEET', 10, 55, 1)] }] };
    expect(analyze(WITHIN_50_PX, post).findings[0]?.reasons).toContain('+5 parts 25 pixels apart (limit 50)');
  });
});
