import { describe, expect, it } from 'vitest';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost, type PostAnalysis } from './analyze-post.js';
import { allowlistReason, compileAllowlists } from './apply-allowlists.js';
import { compileRuleSet } from './compile-rule-set.js';

const RULES = `
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential]
    examples: {leak: [CONFIDENTIAL], clean: [hello]}
  - id: secret-token
    title: Token
    category: secret
    severity: high
    languages: [any]
    keywords: [token]
    patterns: ['token=(\\S+)']
    match: raw
    examples: {leak: [token=q8Zr2LmX7vKp], clean: [hello]}
  - id: secret-key
    title: Key
    category: credential
    severity: high
    languages: [any]
    keywords: [key]
    patterns: ['key=(\\S+)']
    match: raw
    examples: {leak: [key=q8Zr2LmX7vKp], clean: [hello]}
`;

function analyze(policy: Record<string, unknown>, text: string, account?: string): PostAnalysis {
  const ruleSet = compileRuleSet({
    packs: [{ source: 'test-pack.yaml', text: `pack: markings\ndescription: Test pack.\nrules:\n${RULES}` }],
    policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, ...policy }),
  });
  return analyzePost(ruleSet, { text, ...(account !== undefined ? { account } : {}) });
}

/** `[ruleId, evidence]` of each finding. */
function found(analysis: PostAnalysis): [string, string][] {
  return analysis.findings.map((finding) => [finding.ruleId, finding.evidence.text]);
}

const SAFFRON = { codeNames: [{ name: 'Saffron', caseSensitive: true }] };

describe('policy allowlists', () => {
  it('suppress evidence equal to a global literal, with the reason', () => {
    const analysis = analyze({ allowlists: { global: ['CONFIDENTIAL'] } }, 'CONFIDENTIAL');
    expect(analysis.findings).toEqual([]);
    expect(analysis.suppressed).toEqual([
      { ruleId: 'marking-confidential', evidence: 'CONFIDENTIAL', reason: 'allowlisted (global "CONFIDENTIAL")' },
    ]);
  });

  it('compare a literal without regard to case', () => {
    expect(found(analyze({ allowlists: { global: ['confidential'] } }, 'CONFIDENTIAL'))).toEqual([]);
  });

  it('give the reason written in the policy', () => {
    const analysis = analyze({ allowlists: { global: [{ text: 'Saffron Road', reason: 'a street' }] }, ...SAFFRON }, 'Saffron Road launch party');
    expect(analysis.suppressed.map((entry) => entry.reason)).toEqual(['allowlisted (global "Saffron Road": a street)']);
  });

  it('suppress a code name inside an allowlisted literal but not elsewhere in the same text', () => {
    const analysis = analyze(
      { allowlists: { global: ['Saffron Road'] }, ...SAFFRON },
      'Team lunch at Saffron Road, then the Saffron prototype launch review.',
    );
    expect(found(analysis)).toEqual([['codename-saffron', 'Saffron']]);
    expect(analysis.findings[0]?.evidence.start).toBe(37);
    expect(analysis.suppressed.map((entry) => entry.evidence)).toEqual(['Saffron']);
  });

  it('do not suppress a code name in a longer word starting with the allowlisted literal', () => {
    const analysis = analyze({ allowlists: { global: ['Saffron Road'] }, ...SAFFRON }, 'The Saffron roadmap slipped: prototype launch moves to Q3.');
    expect(found(analysis)).toEqual([['codename-saffron', 'Saffron']]);
  });

  it('suppress evidence matching a global pattern', () => {
    expect(found(analyze({ allowlists: { global: [{ pattern: '^tok_demo_' }] } }, 'token=tok_demo_q8Zr2LmX7vKp'))).toEqual([]);
  });

  it('suppress evidence of the named rule matching a per-rule pattern', () => {
    const analysis = analyze({ allowlists: { rules: { 'secret-token': [{ pattern: '^tok_demo_' }] } } }, 'token=tok_demo_q8Zr2LmX7vKp');
    expect(analysis.findings).toEqual([]);
    expect(analysis.suppressed).toEqual([
      { ruleId: 'secret-token', evidence: 'tok_demo_q8Zr2LmX7vKp', reason: 'allowlisted (rule secret-token /^tok_demo_/)' },
    ]);
  });

  it('do not apply a per-rule pattern to another rule', () => {
    const analysis = analyze({ allowlists: { rules: { 'secret-token': [{ pattern: '^tok_demo_' }] } } }, 'key=tok_demo_q8Zr2LmX7vKp');
    expect(found(analysis)).toEqual([['secret-key', 'tok_demo_q8Zr2LmX7vKp']]);
  });

  it('suppress evidence in posts of the allowlisted account', () => {
    const policy = { allowlists: { accounts: { 'mastodon:@press@example.social': ['CONFIDENTIAL'] } } };
    expect(found(analyze(policy, 'CONFIDENTIAL', 'mastodon:@press@example.social'))).toEqual([]);
  });

  it('do not apply an account allowlist to another account', () => {
    const policy = { allowlists: { accounts: { 'mastodon:@press@example.social': ['CONFIDENTIAL'] } } };
    expect(found(analyze(policy, 'CONFIDENTIAL', 'mastodon:@alice@example.social'))).toEqual([['marking-confidential', 'CONFIDENTIAL']]);
  });

  it('do not apply an account allowlist to a post without an account', () => {
    const policy = { allowlists: { accounts: { 'mastodon:@press@example.social': ['CONFIDENTIAL'] } } };
    expect(found(analyze(policy, 'CONFIDENTIAL'))).toEqual([['marking-confidential', 'CONFIDENTIAL']]);
  });
});

describe('allowlistReason', () => {
  const lists = compileAllowlists(
    policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, allowlists: { global: ['Saffron Road'] } }),
  );

  it('allows evidence inside an occurrence of a literal in its text', () => {
    const candidate = { ruleId: 'codename-saffron', evidence: 'Saffron', text: 'at Saffron Road', start: 3, end: 10 };
    expect(allowlistReason(lists, candidate, undefined)).toBe('allowlisted (global "Saffron Road")');
  });

  it('does not allow evidence overlapping an occurrence of a literal only in part', () => {
    const candidate = { ruleId: 'x', evidence: 'Saffron Road 7', text: 'at Saffron Road 7', start: 3, end: 17 };
    expect(allowlistReason(lists, candidate, undefined)).toBeUndefined();
  });

  it('does not allow evidence given without its text unless it equals the literal', () => {
    expect(allowlistReason(lists, { ruleId: 'codename-saffron', evidence: 'Saffron' }, undefined)).toBeUndefined();
  });
});
