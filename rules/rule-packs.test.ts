import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../core/load-policy.js';
import { LANGUAGES, policySchema } from '../core/policy-schema.js';
import { readRulePacks } from '../core/read-rule-packs.js';
import { compileRuleSet } from './compile-rule-set.js';
import { analyzePost } from './analyze-post.js';
import { runRuleExamples, type ExampleResult } from './run-rule-examples.js';

const packs = await readRulePacks();
// Every pack and every language on, so no rule escapes its examples.
const everything = policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, languages: [...LANGUAGES] });
const ruleSet = compileRuleSet({ packs, policy: everything });
const results = runRuleExamples(ruleSet);

describe('every rule on its own examples', () => {
  const byRule = new Map<string, ExampleResult[]>();
  for (const result of results) byRule.set(result.ruleId, [...(byRule.get(result.ruleId) ?? []), result]);
  it.each([...byRule.keys()])('%s: leak examples yield it, clean examples do not', (ruleId) => {
    const failures = (byRule.get(ruleId) ?? []).filter((result) => !result.passed);
    expect(failures.map((failure) => `${failure.kind}: ${JSON.stringify(failure.text)} — ${failure.problem ?? ''}`)).toEqual([]);
  });

  it('covers every rule of every bundled pack', () => {
    const packRules = ruleSet.rules.filter((rule) => rule.pack !== 'organisation').map((rule) => rule.id);
    expect(packRules.length).toBeGreaterThan(0);
    expect(packRules.filter((id) => !byRule.has(id))).toEqual([]);
  });
});

describe('the organisation pack generated from the example policy', () => {
  it('passes its generated examples', async () => {
    const loaded = await loadPolicyFile('examples/overshare.policy.yaml');
    const withPolicy = compileRuleSet({ packs, policy: loaded.policy, policySource: loaded.source });
    const organisation = withPolicy.rules.filter((rule) => rule.pack === 'organisation').map((rule) => rule.id);
    expect(organisation).toEqual(expect.arrayContaining(['codename-nightjar', 'email-internal-domain', 'employee-id', 'internal-hostname']));
    const failures = runRuleExamples(withPolicy, organisation).filter((result) => !result.passed);
    expect(failures).toEqual([]);
  });
});

describe('a proximity rule on an OCR-read page', () => {
  const word = (text: string, x: number, y: number, line: number) => ({ text, box: [x, y, 12 * text.length, 30] as const, confidence: 92, line });
  const page = (figuresY: number) => ({
    images: [
      {
        words: [
          word('CONFIDENTIAL', 400, 40, 0),
          word('Budget', 80, figuresY, 1),
          word('2026:', 170, figuresY, 1),
          word('EUR', 250, figuresY, 1),
          word('14.2M', 300, figuresY, 1),
        ],
      },
    ],
  });

  it('reports figures within 600 px of the stamp, with the box of both', () => {
    const finding = analyzePost(ruleSet, page(420)).findings.find((candidate) => candidate.ruleId === 'business-marked-figures');
    expect(finding?.evidence.source).toBe('ocr');
    expect(finding?.evidence.box).toEqual([80, 40, 400 + 12 * 12 - 80, 420 + 30 - 40]);
    expect(finding?.score).toBeGreaterThanOrEqual(60);
  });

  it('does not combine a stamp with figures 1,400 px further down the image', () => {
    const ids = analyzePost(ruleSet, page(1_500)).findings.map((candidate) => candidate.ruleId);
    expect(ids).toContain('marking-confidential');
    expect(ids).not.toContain('business-marked-figures');
  });
});
