import { describe, expect, it } from 'vitest';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost, REPORTING_FLOOR } from './analyze-post.js';
import type { OcrWord } from './build-segments.js';
import { compileRuleSet, type RuleSet } from './compile-rule-set.js';

const RULES = `
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential]
    context: [{words: [memo], score: 15, reason: document words nearby}]
    examples: {leak: [CONFIDENTIAL], clean: [hello]}
  - id: marking-strictly-confidential
    title: Strict confidentiality marking
    category: marking
    severity: critical
    languages: [any]
    phrases: [strictly confidential]
    examples: {leak: [STRICTLY CONFIDENTIAL], clean: [hello]}
  - id: financial-forecast
    title: Revenue forecast
    category: financial
    severity: medium
    languages: [any]
    phrases: [revenue forecast]
    examples: {leak: [revenue forecast], clean: [hello]}
  - id: financial-not-public
    title: Not public yet
    category: financial
    severity: info
    languages: [any]
    phrases: [not public yet]
    emit: false
    boost: {categories: [financial], score: 15}
    examples: {leak: [not public yet], clean: [hello]}
  - id: product-roadmap
    title: Roadmap
    category: product
    severity: low
    score: 50
    languages: [any]
    phrases: [roadmap]
    context: [{words: [public], score: -35}]
    examples: {leak: [roadmap], clean: [hello]}
`;

function ruleSetWith(policy: Record<string, unknown> = {}): RuleSet {
  const text = `pack: markings\ndescription: Test pack.\nrules:\n${RULES}`;
  return compileRuleSet({
    packs: [{ source: 'test-pack.yaml', text }],
    policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, ...policy }),
  });
}

const RULE_SET = ruleSetWith();

function findingsOf(ruleSet: RuleSet, text: string) {
  return analyzePost(ruleSet, { text }).findings;
}

function word(text: string, box: [number, number, number, number], confidence: number, line = 0): OcrWord {
  return { text, box, confidence, line };
}

describe('boosters', () => {
  it('raise findings of the categories they list', () => {
    const forecast = findingsOf(RULE_SET, 'revenue forecast attached, not public yet').find((finding) => finding.ruleId === 'financial-forecast');
    expect(forecast?.score).toBe(75);
    expect(forecast?.reasons).toContain('+15 Not public yet ("not public yet")');
  });

  it('do not raise findings of other categories', () => {
    const marking = findingsOf(RULE_SET, 'CONFIDENTIAL revenue forecast, not public yet').find(
      (finding) => finding.ruleId === 'marking-confidential',
    );
    expect(marking?.score).toBe(75);
  });

  it('raise findings anywhere in the post, images included', () => {
    const analysis = analyzePost(RULE_SET, { text: 'revenue forecast attached', images: [{ text: 'NOT PUBLIC YET' }] });
    expect(analysis.findings.map((finding) => [finding.ruleId, finding.score])).toEqual([['financial-forecast', 75]]);
  });

  it('are not reported themselves', () => {
    const analysis = analyzePost(RULE_SET, { text: 'not public yet' });
    expect(analysis.findings).toEqual([]);
    expect(analysis.matchedRules).toEqual(['financial-not-public']);
  });
});

describe('scores', () => {
  it('give a finding the base score of its severity', () => {
    expect(findingsOf(RULE_SET, 'revenue forecast')[0]?.breakdown).toEqual({
      base: 60,
      validators: 0,
      context: 0,
      proximity: 0,
      ocrConfidence: 0,
      allowlist: 0,
    });
  });

  it('add up the breakdown to the score', () => {
    const analysis = analyzePost(RULE_SET, { images: [{ words: [word('memo', [0, 0, 50, 20], 60), word('CONFIDENTIAL', [60, 0, 120, 20], 60)] }] });
    const [finding] = analysis.findings;
    expect(finding?.breakdown).toMatchObject({ base: 75, context: 15, ocrConfidence: -10 });
    const { base, validators, context, proximity, ocrConfidence, allowlist } = finding!.breakdown;
    expect(base + validators + context + proximity + ocrConfidence + allowlist).toBe(finding?.score);
    expect(finding?.score).toBe(80);
  });

  it('explain every factor and end with the score', () => {
    const analysis = analyzePost(RULE_SET, { images: [{ words: [word('memo', [0, 0, 50, 20], 60), word('CONFIDENTIAL', [60, 0, 120, 20], 60)] }] });
    expect(analysis.findings[0]?.explain).toBe(
      'marking-confidential: base 75 (high severity); +15 document words nearby ("memo"); -10 OCR confidence 60% → 80',
    );
  });

  it('clamp the score to 100 while the breakdown keeps the total', () => {
    const ruleSet = ruleSetWith({ overrides: { 'marking-confidential': { score: 95 } } });
    const [finding] = findingsOf(ruleSet, 'memo: CONFIDENTIAL');
    expect(finding?.score).toBe(100);
    expect((finding?.breakdown.base ?? 0) + (finding?.breakdown.context ?? 0)).toBe(110);
  });

  it('combine the findings of a post like independent evidence', () => {
    const analysis = analyzePost(RULE_SET, { text: 'CONFIDENTIAL: the revenue forecast' });
    expect(analysis.findings.map((finding) => finding.score)).toEqual([75, 60]);
    expect(analysis.score).toBe(90);
  });

  it('list findings highest score first', () => {
    const analysis = analyzePost(RULE_SET, { text: 'revenue forecast, STRICTLY CONFIDENTIAL' });
    expect(analysis.findings.map((finding) => finding.ruleId)).toEqual(['marking-strictly-confidential', 'financial-forecast']);
  });

  it('score 0 for a post without findings', () => {
    expect(analyzePost(RULE_SET, { text: 'lovely weather' })).toMatchObject({ score: 0, leak: false, findings: [] });
  });

  it('hold back a finding below the reporting floor, with the reason', () => {
    const analysis = analyzePost(RULE_SET, { text: 'the public roadmap' });
    expect(analysis.findings).toEqual([]);
    expect(analysis.suppressed).toEqual([
      {
        ruleId: 'product-roadmap',
        evidence: 'roadmap',
        reason: `score 15 is below the reporting floor ${String(REPORTING_FLOOR)} (product-roadmap: base 50 (the rule's base score); -35 context that makes it harmless ("public") → 15)`,
      },
    ]);
  });
});

describe('one finding per evidence', () => {
  it('drops a finding inside a stronger one of the same category', () => {
    expect(findingsOf(RULE_SET, 'STRICTLY CONFIDENTIAL').map((finding) => finding.ruleId)).toEqual(['marking-strictly-confidential']);
  });

  it('keeps the weaker phrase when it occurs on its own elsewhere', () => {
    expect(findingsOf(RULE_SET, 'STRICTLY CONFIDENTIAL and also CONFIDENTIAL').map((finding) => finding.ruleId)).toEqual([
      'marking-strictly-confidential',
      'marking-confidential',
    ]);
  });
});

describe('leak', () => {
  it('is false when no finding reaches the default review threshold of 60', () => {
    expect(analyzePost(RULE_SET, { text: 'our roadmap' })).toMatchObject({ leak: false, score: 50 });
  });

  it('follows the policy review threshold', () => {
    expect(analyzePost(ruleSetWith({ reviewThreshold: 50 }), { text: 'our roadmap' }).leak).toBe(true);
  });

  it('is true when a finding reaches the threshold', () => {
    expect(analyzePost(RULE_SET, { text: 'CONFIDENTIAL' }).leak).toBe(true);
  });
});

describe('policy overrides', () => {
  it('turn a rule off', () => {
    const ruleSet = ruleSetWith({ overrides: { 'marking-confidential': { enabled: false } } });
    expect(findingsOf(ruleSet, 'CONFIDENTIAL')).toEqual([]);
  });

  it('change the severity and with it the base score', () => {
    const ruleSet = ruleSetWith({ overrides: { 'marking-confidential': { severity: 'critical' } } });
    expect(findingsOf(ruleSet, 'CONFIDENTIAL')[0]).toMatchObject({
      severity: 'critical',
      score: 90,
      explain: 'marking-confidential: base 90 (critical severity) → 90',
    });
  });

  it('set the base score', () => {
    const ruleSet = ruleSetWith({ overrides: { 'marking-confidential': { score: 33 } } });
    expect(findingsOf(ruleSet, 'CONFIDENTIAL')[0]).toMatchObject({
      severity: 'high',
      score: 33,
      explain: 'marking-confidential: base 33 (set by the policy) → 33',
    });
  });
});

describe('OCR evidence', () => {
  it('carries the image index, the union box of its words and their mean confidence', () => {
    const analysis = analyzePost(RULE_SET, {
      text: 'look at this',
      images: [{ words: [word('STRICTLY', [10, 10, 80, 20], 90), word('CONFIDENTIAL', [95, 12, 120, 22], 70)] }],
    });
    expect(analysis.findings[0]?.evidence).toEqual({
      source: 'ocr',
      image: 0,
      text: 'STRICTLY CONFIDENTIAL',
      start: 0,
      end: 21,
      box: [10, 10, 205, 24],
      confidence: 80,
    });
  });

  it('lowers the score of a low-confidence read', () => {
    const [finding] = analyzePost(RULE_SET, { images: [{ words: [word('CONFIDENTIAL', [0, 0, 100, 20], 40)] }] }).findings;
    expect(finding?.breakdown.ocrConfidence).toBe(-15);
    expect(finding?.score).toBe(60);
  });

  it('does not lower the score of a full-confidence read', () => {
    const [finding] = analyzePost(RULE_SET, { images: [{ words: [word('CONFIDENTIAL', [0, 0, 100, 20], 100)] }] }).findings;
    expect(finding?.breakdown.ocrConfidence).toBe(0);
    expect(finding?.score).toBe(75);
  });

  it('joins OCR lines with a newline so a phrase may span them', () => {
    const analysis = analyzePost(RULE_SET, {
      images: [{ words: [word('STRICTLY', [0, 0, 80, 20], 100, 0), word('CONFIDENTIAL', [0, 30, 120, 20], 100, 1)] }],
    });
    expect(analysis.findings[0]?.evidence.text).toBe('STRICTLY\nCONFIDENTIAL');
  });

  it('reads OCR text without boxes as OCR evidence without a box', () => {
    const [finding] = analyzePost(RULE_SET, { images: [{}, { text: 'CONFIDENTIAL' }] }).findings;
    expect(finding?.evidence).toEqual({ source: 'ocr', image: 1, text: 'CONFIDENTIAL', start: 0, end: 12 });
  });

  it('reports the same phrase in the text and in an image separately', () => {
    const analysis = analyzePost(RULE_SET, { text: 'CONFIDENTIAL', images: [{ text: 'CONFIDENTIAL' }] });
    expect(analysis.findings.map((finding) => finding.evidence.source).sort()).toEqual(['ocr', 'text']);
  });
});

describe('rules for some kinds of account', () => {
  const pack = `pack: takeover
description: Test pack.
rules:
  - id: takeover-giveaway
    title: Giveaway
    category: takeover
    severity: high
    languages: [any]
    accountKinds: [corporate]
    phrases: [btc giveaway]
    examples: {leak: [BTC giveaway], clean: [hello]}
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential]
    examples: {leak: [CONFIDENTIAL], clean: [hello]}
`;
  const ruleSet = compileRuleSet({ packs: [{ source: 'takeover.yaml', text: pack }], policy: policySchema.parse({ version: 1, organisation: { name: 'Acme' } }) });
  const text = 'BTC giveaway! CONFIDENTIAL';
  const ids = (kind?: 'corporate' | 'employee') => analyzePost(ruleSet, { text }, kind === undefined ? {} : { accountKind: kind }).findings.map((finding) => finding.ruleId).sort();

  it('run on the posts of their kind of account', () => {
    expect(ids('corporate')).toEqual(['marking-confidential', 'takeover-giveaway']);
  });

  it('are skipped on the posts of other kinds, while every other rule runs', () => {
    const analysis = analyzePost(ruleSet, { text }, { accountKind: 'employee' });
    expect(analysis.findings.map((finding) => finding.ruleId)).toEqual(['marking-confidential']);
    expect(analysis.matchedRules).not.toContain('takeover-giveaway');
  });

  it('run on a text analyzed without an account', () => {
    expect(ids()).toEqual(['marking-confidential', 'takeover-giveaway']);
  });
});
