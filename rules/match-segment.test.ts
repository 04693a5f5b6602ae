import { describe, expect, it } from 'vitest';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost, type PostAnalysis } from './analyze-post.js';
import { compileRuleSet, type RuleSet } from './compile-rule-set.js';
import type { PostInput } from './build-segments.js';

/** A rule set of one test pack holding one rule: the required fields, then `extra` YAML lines. */
function ruleSetWith(extra: string, category = 'marking'): RuleSet {
  const text =
    'pack: markings\ndescription: Test pack.\nrules:\n' +
    '  - id: test-rule\n' +
    '    title: Test rule\n' +
    `    category: ${category}\n` +
    '    severity: high\n' +
    '    languages: [any]\n' +
    extra +
    '    examples: {leak: [x], clean: [y]}\n';
  const policy = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } });
  return compileRuleSet({ packs: [{ source: 'test-pack.yaml', text }], policy });
}

function analyze(ruleSet: RuleSet, post: string | PostInput): PostAnalysis {
  return analyzePost(ruleSet, typeof post === 'string' ? { text: post } : post);
}

/** The evidence texts of the findings of `post`. */
function evidenceOf(ruleSet: RuleSet, post: string | PostInput): string[] {
  return analyze(ruleSet, post).findings.map((finding) => finding.evidence.text);
}

/** The score of the only finding of `post`. */
function scoreOf(ruleSet: RuleSet, text: string): number | undefined {
  const { findings } = analyze(ruleSet, text);
  expect(findings).toHaveLength(1);
  return findings[0]?.score;
}

describe('keywords prefilter', () => {
  const PREFILTERED = ruleSetWith("    keywords: [passcode]\n    patterns: ['(\\d{6})']\n");

  it('runs a pattern on a text containing its keyword', () => {
    expect(evidenceOf(PREFILTERED, 'door passcode 123456')).toEqual(['123456']);
  });

  it('does not run a pattern on a text without its keyword, though the pattern would match', () => {
    expect(evidenceOf(PREFILTERED, 'call me at 123456')).toEqual([]);
  });

  it('finds a keyword written with OCR confusions', () => {
    expect(evidenceOf(PREFILTERED, 'door PASSC0DE 123456')).toEqual(['123456']);
  });

  it('finds a keyword inside a longer word (keywords are substrings)', () => {
    expect(evidenceOf(PREFILTERED, 'passcodes: 123456')).toEqual(['123456']);
  });

  it('runs a pattern without keywords on every text', () => {
    expect(evidenceOf(ruleSetWith("    patterns: ['(\\d{6})']\n"), 'call me at 123456')).toEqual(['123456']);
  });
});

describe('pattern modes', () => {
  it('runs a normalized pattern on lower-case text without diacritics, with evidence as written', () => {
    expect(evidenceOf(ruleSetWith("    patterns: ['(scisle poufne)']\n"), 'Pismo ŚCIŚLE  POUFNE!')).toEqual(['ŚCIŚLE  POUFNE']);
  });

  it('runs a normalized pattern on homoglyph-resolved text (a Cyrillic О in TOP)', () => {
    expect(evidenceOf(ruleSetWith("    patterns: ['(top secret)']\n"), 'T\u041eP SECRET')).toEqual(['T\u041eP SECRET']);
  });

  it('runs a raw pattern on the text as written, case-sensitively', () => {
    const ruleSet = ruleSetWith("    patterns: ['(AKIA[0-9A-Z]{16})']\n    match: raw\n", 'secret');
    expect(evidenceOf(ruleSet, 'key AKIAQ3EGRSTUVWXYZ7AB')).toEqual(['AKIAQ3EGRSTUVWXYZ7AB']);
  });

  it('does not match a lower-case copy with a case-sensitive raw pattern', () => {
    const ruleSet = ruleSetWith("    patterns: ['(AKIA[0-9A-Z]{16})']\n    match: raw\n", 'secret');
    expect(evidenceOf(ruleSet, 'key akiaq3egrstuvwxyz7ab')).toEqual([]);
  });

  it('matches either case with a raw pattern and ignoreCase', () => {
    const ruleSet = ruleSetWith("    patterns: ['(AKIA[0-9A-Z]{16})']\n    match: raw\n    ignoreCase: true\n", 'secret');
    expect(evidenceOf(ruleSet, 'key akiaq3egrstuvwxyz7ab')).toEqual(['akiaq3egrstuvwxyz7ab']);
  });

  it('does not fold diacritics for a raw pattern', () => {
    expect(evidenceOf(ruleSetWith("    patterns: ['(scisle poufne)']\n    match: raw\n    ignoreCase: true\n"), 'ŚCIŚLE POUFNE')).toEqual([]);
  });

  it('takes the group named evidence over the first group', () => {
    expect(evidenceOf(ruleSetWith("    patterns: ['(pin)\\s*(?<evidence>\\d{4})']\n"), 'pin 4821')).toEqual(['4821']);
  });
});

describe('evidence checks', () => {
  it('reports upper-case evidence of an uppercase rule', () => {
    expect(evidenceOf(ruleSetWith('    phrases: [confidential]\n    uppercase: true\n'), 'CONFIDENTIAL')).toEqual(['CONFIDENTIAL']);
  });

  it('does not report prose for an uppercase rule', () => {
    expect(evidenceOf(ruleSetWith('    phrases: [confidential]\n    uppercase: true\n'), "I'll keep it confidential")).toEqual([]);
  });

  it('does not report title case for an uppercase rule', () => {
    expect(evidenceOf(ruleSetWith('    phrases: [confidential]\n    uppercase: true\n'), 'Confidential')).toEqual([]);
  });

  it('reports an OCR-misread stamp (l for I) for an uppercase rule', () => {
    expect(evidenceOf(ruleSetWith('    phrases: [confidential]\n    uppercase: true\n'), 'CONFlDENTIAL')).toEqual(['CONFlDENTIAL']);
  });

  it('reports evidence that passes its validator, with 10 points for it', () => {
    const ruleSet = ruleSetWith("    patterns: ['(\\d{16})']\n    validate: luhn\n", 'pii');
    const [finding] = analyze(ruleSet, 'card 4111111111111111').findings;
    expect(finding?.evidence.text).toBe('4111111111111111');
    expect(finding?.breakdown.validators).toBe(10);
    expect(finding?.explain).toContain('+10 luhn check passed');
  });

  it('does not report evidence that fails its validator', () => {
    expect(evidenceOf(ruleSetWith("    patterns: ['(\\d{16})']\n    validate: luhn\n", 'pii'), 'card 4111111111111112')).toEqual([]);
  });

  it('reports evidence at or above the entropy floor', () => {
    const ruleSet = ruleSetWith("    patterns: ['token=(\\S+)']\n    match: raw\n    entropy: 3.0\n", 'secret');
    expect(evidenceOf(ruleSet, 'token=q8Zr2LmX7vKp')).toEqual(['q8Zr2LmX7vKp']);
  });

  it('does not report evidence below the entropy floor', () => {
    const ruleSet = ruleSetWith("    patterns: ['token=(\\S+)']\n    match: raw\n    entropy: 3.0\n", 'secret');
    expect(evidenceOf(ruleSet, 'token=abababababab')).toEqual([]);
  });

  it.each([
    ['ref: abc12', []],
    ['ref: abc123', ['abc123']],
    ['ref: abcdefghij', ['abcdefghij']],
    ['ref: abcdefghijk', []],
  ])('keeps evidence within minLength 6 and maxLength 10: %s', (text, expected) => {
    expect(evidenceOf(ruleSetWith("    patterns: ['ref:\\s*(\\w+)']\n    minLength: 6\n    maxLength: 10\n"), text)).toEqual(expected);
  });
});

describe('suppression by the rule', () => {
  it('lists evidence matching an allow pattern as suppressed, not as a finding', () => {
    const ruleSet = ruleSetWith("    patterns: ['token=(\\S+)']\n    match: raw\n    allow: ['^tok_test_']\n", 'secret');
    const analysis = analyze(ruleSet, 'token=tok_test_q8Zr2LmX7vKp');
    expect(analysis.findings).toEqual([]);
    expect(analysis.suppressed).toEqual([
      { ruleId: 'test-rule', evidence: 'tok_test_q8Zr2LmX7vKp', reason: 'matches an allow pattern of rule test-rule' },
    ]);
  });

  it('still reports evidence not matching the allow pattern', () => {
    const ruleSet = ruleSetWith("    patterns: ['token=(\\S+)']\n    match: raw\n    allow: ['^tok_test_']\n", 'secret');
    expect(evidenceOf(ruleSet, 'token=tok_live_q8Zr2LmX7vKp')).toEqual(['tok_live_q8Zr2LmX7vKp']);
  });

  it('suppresses a documented example secret', () => {
    const ruleSet = ruleSetWith("    patterns: ['(AKIA[0-9A-Z]{16})']\n    match: raw\n", 'secret');
    const analysis = analyze(ruleSet, 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE');
    expect(analysis.findings).toEqual([]);
    expect(analysis.suppressed).toEqual([{ ruleId: 'test-rule', evidence: 'AKIAIOSFODNN7EXAMPLE', reason: 'a documented example secret' }]);
  });

  it('reports a key that is not a documented example', () => {
    const ruleSet = ruleSetWith("    patterns: ['(AKIA[0-9A-Z]{16})']\n    match: raw\n", 'secret');
    expect(evidenceOf(ruleSet, 'aws_access_key_id = AKIAQ3EGRSTUVWXYZ7AB')).toEqual(['AKIAQ3EGRSTUVWXYZ7AB']);
  });

  it('checks for example secrets only in secret and credential rules', () => {
    const ruleSet = ruleSetWith("    patterns: ['(AKIA[0-9A-Z]{16})']\n    match: raw\n", 'security');
    expect(evidenceOf(ruleSet, 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE')).toEqual(['AKIAIOSFODNN7EXAMPLE']);
  });
});

describe('context', () => {
  const WINDOWED = ruleSetWith(
    '    phrases: [confidential]\n' +
      '    context:\n' +
      '      - {words: [memo], score: 15, window: 3, reason: document words nearby}\n' +
      '      - {words: [joke], score: -50, window: 3}\n',
  );

  it('raises the score for a context word the window size before the evidence', () => {
    expect(scoreOf(WINDOWED, 'memo one two CONFIDENTIAL')).toBe(90);
  });

  it('ignores a context word one word beyond the window before the evidence', () => {
    expect(scoreOf(WINDOWED, 'memo one two three CONFIDENTIAL')).toBe(75);
  });

  it('raises the score for a context word the window size after the evidence', () => {
    expect(scoreOf(WINDOWED, 'CONFIDENTIAL one two memo')).toBe(90);
  });

  it('ignores a context word one word beyond the window after the evidence', () => {
    expect(scoreOf(WINDOWED, 'CONFIDENTIAL one two three memo')).toBe(75);
  });

  it('does not count punctuation as words of the window', () => {
    expect(scoreOf(WINDOWED, 'memo — one, two: CONFIDENTIAL')).toBe(90);
  });

  it('lowers the score for a negative context word', () => {
    expect(scoreOf(WINDOWED, 'CONFIDENTIAL, just a joke')).toBe(25);
  });

  it('counts a context group once however often its words occur', () => {
    expect(scoreOf(WINDOWED, 'memo memo CONFIDENTIAL memo')).toBe(90);
  });

  it('explains a context factor with its reason and the word found', () => {
    expect(analyze(WINDOWED, 'memo CONFIDENTIAL').findings[0]?.reasons).toContain('+15 document words nearby ("memo")');
  });

  it('caps the context raise at 40 points', () => {
    const ruleSet = ruleSetWith(
      '    phrases: [confidential]\n    score: 50\n    context:\n      - {words: [memo], score: 30}\n      - {words: [draft], score: 30}\n',
    );
    const [finding] = analyze(ruleSet, 'draft memo CONFIDENTIAL').findings;
    expect(finding?.breakdown.context).toBe(40);
    expect(finding?.score).toBe(90);
  });

  it('counts a context word of a post-wide group far from the evidence', () => {
    const ruleSet = ruleSetWith('    phrases: [confidential]\n    context: [{words: [board], score: 15, window: post}]\n');
    const filler = Array.from({ length: 40 }, () => 'word').join(' ');
    expect(scoreOf(ruleSet, `CONFIDENTIAL ${filler} board`)).toBe(90);
  });

  it('counts a context word of a post-wide group in an image of the same post', () => {
    const ruleSet = ruleSetWith('    phrases: [confidential]\n    context: [{words: [board], score: 15, window: post}]\n');
    const [finding] = analyze(ruleSet, { text: 'CONFIDENTIAL', images: [{ text: 'board pack' }] }).findings;
    expect(finding?.score).toBe(90);
  });

  it('ignores a context word of a windowed group in an image of the same post', () => {
    const ruleSet = ruleSetWith('    phrases: [confidential]\n    context: [{words: [board], score: 15}]\n');
    const [finding] = analyze(ruleSet, { text: 'CONFIDENTIAL', images: [{ text: 'board pack' }] }).findings;
    expect(finding?.score).toBe(75);
  });

  it('does not count a context word that is part of the evidence', () => {
    const ruleSet = ruleSetWith('    phrases: [board minutes]\n    context: [{words: [minutes], score: 15}]\n');
    expect(scoreOf(ruleSet, 'the board minutes')).toBe(75);
  });

  it('matches a prefix context word against a word it starts', () => {
    const ruleSet = ruleSetWith("    patterns: ['(\\d+ млн)']\n    score: 40\n    context: [{words: [выручк*], score: 25}]\n");
    expect(scoreOf(ruleSet, 'выручку за квартал 250 млн')).toBe(65);
  });

  it('matches a prefix context word against the bare prefix', () => {
    const ruleSet = ruleSetWith("    patterns: ['(\\d+ млн)']\n    score: 40\n    context: [{words: [выручк*], score: 25}]\n");
    expect(scoreOf(ruleSet, 'выручк 250 млн')).toBe(65);
  });

  it('does not match a prefix context word inside a word that starts differently', () => {
    const ruleSet = ruleSetWith("    patterns: ['(\\d+ млн)']\n    score: 40\n    context: [{words: [выручк*], score: 25}]\n");
    expect(scoreOf(ruleSet, 'перевыручка 250 млн')).toBe(40);
  });

  it('does not match a prefix context word against a word sharing only part of the prefix', () => {
    const ruleSet = ruleSetWith("    patterns: ['(\\d+ млн)']\n    score: 40\n    context: [{words: [выручк*], score: 25}]\n");
    expect(scoreOf(ruleSet, 'выручить 250 млн')).toBe(40);
  });

  it('shows a prefix context word as the whole word it matched', () => {
    const ruleSet = ruleSetWith("    patterns: ['(\\d+ млн)']\n    score: 40\n    context: [{words: [выручк*], score: 25, reason: revenue}]\n");
    expect(analyze(ruleSet, 'выручка 250 млн').findings[0]?.reasons).toContain('+25 revenue ("выручка")');
  });

  it('does not report a requireContext rule without its context', () => {
    const ruleSet = ruleSetWith("    patterns: ['(emp-\\d{6})']\n    requireContext: true\n    context: [{words: [salary], score: 20}]\n");
    expect(evidenceOf(ruleSet, 'ticket EMP-123456')).toEqual([]);
  });

  it('reports a requireContext rule with its context', () => {
    const ruleSet = ruleSetWith("    patterns: ['(emp-\\d{6})']\n    requireContext: true\n    context: [{words: [salary], score: 20}]\n");
    expect(evidenceOf(ruleSet, 'salary of EMP-123456')).toEqual(['EMP-123456']);
  });

  it('does not count a negative context group as the context a requireContext rule needs', () => {
    const ruleSet = ruleSetWith(
      "    patterns: ['(emp-\\d{6})']\n    requireContext: true\n    context:\n      - {words: [salary], score: 20}\n      - {words: [example], score: -5}\n",
    );
    expect(evidenceOf(ruleSet, 'example EMP-123456')).toEqual([]);
  });
});
