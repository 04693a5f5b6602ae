import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../core/errors.js';
import { policySchema } from '../core/policy-schema.js';
import { testPack, testRule } from '../test/support/test-rule-set.js';
import { compileRuleSet, type RuleSet, type RuleSetOptions } from './compile-rule-set.js';

function compile(packs: RuleSetOptions['packs'], policy: Record<string, unknown> = {}): RuleSet {
  return compileRuleSet({ packs, policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, ...policy }) });
}

/** The InputValidationError compiling throws; fails the test when it compiles. */
function errorOf(packs: RuleSetOptions['packs'], policy: Record<string, unknown> = {}): InputValidationError {
  try {
    compile(packs, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error('the rule set compiled');
}

const COMPOSITE_PARTS =
  testRule('part-salary', '    phrases: [salary]\n    emit: false\n') + testRule('part-sheet', '    phrases: [spreadsheet]\n    emit: false\n');

describe('compileRuleSet', () => {
  it('compiles the rules of an enabled pack', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }]);
    expect(ruleSet.byId.get('marking-confidential')?.pack).toBe('markings');
  });

  it('gives a rule without a score the base score of its severity', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }]);
    expect(ruleSet.byId.get('marking-confidential')?.baseScore).toBe(75);
  });

  it('skips a pack the policy does not enable', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      packs: ['secrets'],
    });
    expect(ruleSet.byId.has('marking-confidential')).toBe(false);
  });

  it('turns off a rule written for none of the policy languages and says why', () => {
    const german = testRule('marking-vertraulich').replace('[any]', '[de]');
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', german) }], { languages: ['en'] });
    expect(ruleSet.byId.has('marking-vertraulich')).toBe(false);
    expect(ruleSet.disabled.get('marking-vertraulich')).toBe("written for de, none of the policy's languages");
  });

  it('keeps a rule written for one of the policy languages', () => {
    const german = testRule('marking-vertraulich').replace('[any]', '[en, de]');
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', german) }], { languages: ['de'] });
    expect(ruleSet.byId.has('marking-vertraulich')).toBe(true);
  });

  it('turns off a rule the policy overrides with enabled: false', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      overrides: { 'marking-confidential': { enabled: false } },
    });
    expect(ruleSet.byId.has('marking-confidential')).toBe(false);
    expect(ruleSet.disabled.get('marking-confidential')).toBe('turned off by the policy (overrides)');
  });

  it('applies a severity override to the base score', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      overrides: { 'marking-confidential': { severity: 'critical' } },
    });
    expect(ruleSet.byId.get('marking-confidential')).toMatchObject({ severity: 'critical', baseScore: 90 });
  });

  it('applies a score override', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      overrides: { 'marking-confidential': { score: 33 } },
    });
    expect(ruleSet.byId.get('marking-confidential')).toMatchObject({ baseScore: 33, isScoreOverridden: true });
  });

  it('turns off a composite whose part the policy turned off', () => {
    const composite = testRule('marking-salary-sheet', '    composite: {parts: [part-salary, part-sheet], within: {words: 5}}\n');
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', COMPOSITE_PARTS + composite) }], {
      overrides: { 'part-sheet': { enabled: false } },
    });
    expect(ruleSet.disabled.get('marking-salary-sheet')).toBe('its part part-sheet is off (turned off by the policy (overrides))');
  });

  it('turns off a composite whose part is in a pack the policy does not enable', () => {
    const composite = testRule('marking-salary-sheet', '    composite: {parts: [part-salary, part-sheet], within: {words: 5}}\n');
    const ruleSet = compile(
      [
        { source: 'rules/packs/markings.yaml', text: testPack('markings', composite) },
        { source: 'rules/packs/pii.yaml', text: testPack('pii', COMPOSITE_PARTS) },
      ],
      { packs: ['markings'] },
    );
    expect(ruleSet.disabled.get('marking-salary-sheet')).toBe('its part part-salary is off (its pack is not enabled)');
    expect(ruleSet.byId.has('marking-salary-sheet')).toBe(false);
  });

  it('turns off a composite whose part is written for none of the policy languages', () => {
    const germanPart = testRule('part-gehalt', '    phrases: [gehalt]\n    emit: false\n').replace('[any]', '[de]');
    const composite = testRule('marking-salary-sheet', '    composite: {parts: [part-gehalt, part-sheet], within: {words: 5}}\n');
    const parts = germanPart + testRule('part-sheet', '    phrases: [spreadsheet]\n    emit: false\n');
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', parts + composite) }], { languages: ['en'] });
    expect(ruleSet.disabled.get('marking-salary-sheet')).toBe(
      "its part part-gehalt is off (written for de, none of the policy's languages)",
    );
  });

  it('refuses a composite naming an unknown rule, naming the pack file, the rule and the field', () => {
    const composite = testRule('marking-salary-sheet', '    composite: {parts: [part-salary, part-shet], within: {words: 5}}\n');
    const error = errorOf([{ source: 'rules/packs/test-pack.yaml', text: testPack('markings', COMPOSITE_PARTS + composite) }]);
    expect(error.issues).toEqual([
      {
        path: 'rules/packs/test-pack.yaml: rule marking-salary-sheet: composite.parts',
        message: 'names no known rule: "part-shet"',
      },
    ]);
    expect(error.message).toContain('rules/packs/test-pack.yaml: rule marking-salary-sheet: composite.parts: names no known rule: "part-shet"');
  });

  it('refuses a rule id repeated in two packs, naming both packs and the rule', () => {
    const error = errorOf([
      { source: 'rules/packs/markings.yaml', text: testPack('markings', testRule('shared-id')) },
      { source: 'rules/packs/secrets.yaml', text: testPack('secrets', testRule('shared-id')) },
    ]);
    expect(error.source).toBe('rules/packs/secrets.yaml');
    expect(error.issues).toEqual([{ path: 'rules (shared-id).id', message: 'repeats a rule id of rules/packs/markings.yaml' }]);
  });

  it('names the pack file of a rule id repeated in two packs', () => {
    const error = errorOf([
      { source: 'rules/packs/markings.yaml', text: testPack('markings', testRule('shared-id')) },
      { source: 'rules/packs/secrets.yaml', text: testPack('secrets', testRule('shared-id')) },
    ]);
    expect(error.message).toContain('rules/packs/secrets.yaml');
  });

  it('reports the problems of several packs at once, each under its file', () => {
    const error = errorOf([
      { source: 'rules/packs/markings.yaml', text: testPack('markings', testRule('marking-broken', "    patterns: ['(x']\n")) },
      { source: 'rules/packs/secrets.yaml', text: testPack('secrets', testRule('secret-typo', '    phrases: [x]\n    keyword: [x]\n')) },
    ]);
    expect(error.source).toBe('rule packs');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'rules/packs/markings.yaml:9:16 rules[0] (marking-broken).patterns[0]',
      'rules/packs/secrets.yaml:10:5 rules[0] (secret-typo).keyword',
    ]);
  });

  it('throws the error of the only pack that fails unchanged', () => {
    const error = errorOf([
      { source: 'rules/packs/markings.yaml', text: testPack('markings', testRule('marking-confidential')) },
      { source: 'rules/packs/secrets.yaml', text: testPack('secrets', testRule('secret-typo', '    phrases: [x]\n    keyword: [x]\n')) },
    ]);
    expect(error.source).toBe('rules/packs/secrets.yaml');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'rules[0] (secret-typo).keyword', line: 10, column: 5 })]);
  });

  it('refuses a policy override naming an unknown rule and suggests the nearest id', () => {
    const error = errorOf([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      overrides: { 'marking-confidentail': { enabled: false } },
    });
    expect(error.message).toContain('overrides.marking-confidentail: names no rule in the enabled packs; did you mean "marking-confidential"?');
  });

  it('names the policy source when an override names an unknown rule', () => {
    try {
      compileRuleSet({
        packs: [{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }],
        policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, overrides: { nothing: { score: 10 } } }),
        policySource: 'acme.policy.yaml',
      });
      expect.unreachable('the rule set compiled');
    } catch (error) {
      expect((error as InputValidationError).source).toBe('acme.policy.yaml');
    }
  });

  it('refuses a per-rule allowlist naming an unknown rule', () => {
    const error = errorOf([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      allowlists: { rules: { 'marking-secret': ['x'] } },
    });
    expect(error.message).toContain('allowlists.rules.marking-secret: names no rule in the enabled packs');
  });

  it('accepts overrides of the rules that come from code', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }], {
      overrides: { 'confidential-document': { score: 80 }, 'sensitive-site-location': { enabled: false } },
    });
    expect(ruleSet.policy.overrides['confidential-document']?.score).toBe(80);
  });

  it('generates the organisation name rule from the policy', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-confidential')) }]);
    expect(ruleSet.byId.get('organisation-name')?.definition.phrases).toEqual(['Example Corp']);
  });

  it('runs a pattern rule without keywords on every text', () => {
    const ruleSet = compile([{ source: 'test-pack.yaml', text: testPack('markings', testRule('marking-stamp', "    patterns: ['(dsp)']\n")) }]);
    expect(ruleSet.alwaysRun).toEqual([ruleSet.byId.get('marking-stamp')?.index]);
  });
});
