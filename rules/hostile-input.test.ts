import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../core/load-policy.js';
import { testRuleSet } from '../test/support/test-rule-set.js';
import { analyzePost } from './analyze-post.js';
import { exampleSecretReason } from './example-secrets.js';

const STAMPS = `pack: markings
description: Test pack.
rules:
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential]
    uppercase: true
    examples: {leak: [CONFIDENTIAL], clean: [hello]}
  - id: marking-strictly-confidential
    title: Strict marking
    category: marking
    severity: critical
    languages: [any]
    phrases: [strictly confidential]
    uppercase: true
    examples: {leak: [STRICTLY CONFIDENTIAL], clean: [hello]}
`;

describe('hostile and unusual input', () => {
  it('reports a phrase repeated a hundred thousand times a bounded number of times', () => {
    const findings = analyzePost(testRuleSet({}, { pack: STAMPS }), { text: 'CONFIDENTIAL '.repeat(100_000) }).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.length).toBeLessThanOrEqual(50);
  });

  it('still reports a weaker finding inside a stronger one the policy allowlists', () => {
    const ruleSet = testRuleSet({ allowlists: { rules: { 'marking-strictly-confidential': ['STRICTLY CONFIDENTIAL'] } } }, { pack: STAMPS });
    const analysis = analyzePost(ruleSet, { text: 'Memo header: STRICTLY CONFIDENTIAL' });
    expect(analysis.findings.map((finding) => finding.ruleId)).toEqual(['marking-confidential']);
    expect(analysis.suppressed.map((entry) => entry.ruleId)).toEqual(['marking-strictly-confidential']);
  });

  it('reads a stamp written in mathematical bold capitals', () => {
    const findings = analyzePost(testRuleSet({}, { pack: STAMPS }), { text: '𝐂𝐎𝐍𝐅𝐈𝐃𝐄𝐍𝐓𝐈𝐀𝐋 memo' }).findings;
    expect(findings.map((finding) => finding.evidence.text)).toEqual(['𝐂𝐎𝐍𝐅𝐈𝐃𝐄𝐍𝐓𝐈𝐀𝐋']);
  });

  it('does not glue a lone surrogate to the word beside it', () => {
    const [finding] = analyzePost(testRuleSet({}, { pack: STAMPS }), { text: '\ud800CONFIDENTIAL memo' }).findings;
    expect(finding?.evidence).toMatchObject({ text: 'CONFIDENTIAL', start: 1, end: 13 });
  });

  it('takes a weak real password for a real password, and only whole placeholders for placeholders', () => {
    expect(exampleSecretReason('mypassword2024')).toBeUndefined();
    expect(exampleSecretReason('MyKey2024!')).toBeUndefined();
    expect(exampleSecretReason('my_password')).toBe('a placeholder, not a real value');
    expect(exampleSecretReason('xxxx')).toBe('a placeholder, not a real value');
    expect(exampleSecretReason('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toBe('a placeholder, not a real value');
  });

  it('refuses a policy pattern with any variable repetition nested in another', () => {
    const policy = (pattern: string) => () => parsePolicy(`version: 1\norganisation: {name: X}\nemployeeIdPattern: '${pattern}'\n`, 'p.yaml');
    expect(policy('(?:a{1,40}){1,40}$')).toThrow(/exponential time/u);
    expect(policy('(?:[A-Z0-9]{1,10}-?){1,10}')).toThrow(/exponential time/u);
    expect(policy('HAE-\\d{6}')).not.toThrow();
  });

  it('runs the employee-id pattern on every branch of an alternation', () => {
    const ruleSet = testRuleSet({ employeeIdPattern: 'CRV-\\d{5}|EMP-\\d{5}' });
    const findings = analyzePost(ruleSet, { text: 'badge EMP-12345' }).findings;
    expect(findings.map((finding) => finding.ruleId)).toEqual(['employee-id']);
  });
});
