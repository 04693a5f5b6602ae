import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../core/load-policy.js';
import { LANGUAGES, policySchema } from '../core/policy-schema.js';
import { readRulePacks } from '../core/read-rule-packs.js';
import { compileRuleSet } from './compile-rule-set.js';
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
