import { describe, expect, it } from 'vitest';
import { policySchema } from '../core/policy-schema.js';
import { compileRuleSet } from './compile-rule-set.js';
import { runRuleExamples } from './run-rule-examples.js';

function resultsOf(rule: string) {
  const text = `pack: markings\ndescription: Test pack.\nrules:\n${rule}`;
  const ruleSet = compileRuleSet({
    packs: [{ source: 'test-pack.yaml', text }],
    policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } }),
  });
  return runRuleExamples(ruleSet, ['marking-confidential']);
}

const RULE = `
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential]
`;

describe('runRuleExamples', () => {
  it('passes a rule whose examples hold', () => {
    const results = resultsOf(`${RULE}    examples: {leak: [CONFIDENTIAL], clean: [hello]}\n`);
    expect(results.map((result) => [result.kind, result.passed])).toEqual([
      ['leak', true],
      ['clean', true],
    ]);
  });

  it('fails a leak example that does not match', () => {
    const [leak] = resultsOf(`${RULE}    examples: {leak: [hello], clean: [hello]}\n`);
    expect(leak).toMatchObject({ kind: 'leak', passed: false, problem: 'did not match' });
  });

  it('fails a leak example scoring below the review threshold', () => {
    const [leak] = resultsOf(`${RULE}    score: 50\n    examples: {leak: [CONFIDENTIAL], clean: [hello]}\n`);
    expect(leak).toMatchObject({ passed: false, problem: "scored 50, below 60: marking-confidential: base 50 (the rule's base score) → 50" });
  });

  it('fails a clean example that is reported', () => {
    const [, clean] = resultsOf(`${RULE}    examples: {leak: [CONFIDENTIAL], clean: [confidential]}\n`);
    expect(clean).toMatchObject({ kind: 'clean', passed: false });
    expect(clean?.problem).toContain('reported: ');
  });

  it('fails a clean example of a building block that matches', () => {
    const [, clean] = resultsOf(`${RULE}    emit: false\n    examples: {leak: [CONFIDENTIAL], clean: [confidential]}\n`);
    expect(clean).toMatchObject({ passed: false, problem: 'matched' });
  });
});
