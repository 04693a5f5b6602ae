import { policySchema } from '../../core/policy-schema.js';
import { compileRuleSet, type RuleSet } from '../../rules/compile-rule-set.js';
import type { ConfidentialDocumentText } from '../../rules/fingerprint-index.js';

/** A one-rule markings pack: enough for the rule set to be valid when a test is about something else. */
export const MINIMAL_MARKINGS_PACK = `pack: markings
description: Test pack.
rules:
  - id: marking-confidential
    title: Confidentiality marking
    category: marking
    severity: high
    languages: [any]
    phrases: [confidential]
    examples: {leak: [CONFIDENTIAL], clean: [hello]}
`;

/**
 * A rule set from one inline pack (default: MINIMAL_MARKINGS_PACK) and a policy for "Example Corp"
 * with the given fields, for unit tests that must not depend on the bundled packs.
 */
export function testRuleSet(
  policy: Record<string, unknown> = {},
  options: { pack?: string; documents?: readonly ConfidentialDocumentText[] } = {},
): RuleSet {
  return compileRuleSet({
    packs: [{ source: 'test-pack.yaml', text: options.pack ?? MINIMAL_MARKINGS_PACK }],
    policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, ...policy }),
    ...(options.documents !== undefined ? { documents: options.documents } : {}),
  });
}

/** One rule as a YAML list item: the required fields, then `extra` lines (4-space indented) as its matcher; examples added unless `extra` has them. */
export function testRule(id: string, extra = '    phrases: [confidential]\n'): string {
  return (
    `  - id: ${id}\n` +
    '    title: A test rule\n' +
    '    category: marking\n' +
    '    severity: high\n' +
    '    languages: [any]\n' +
    extra +
    (extra.includes('examples:') ? '' : '    examples: {leak: [CONFIDENTIAL], clean: [hello]}\n')
  );
}

/** A pack file's text holding `rules` (from testRule). */
export function testPack(name: string, ...rules: string[]): string {
  return `pack: ${name}\ndescription: Test pack.\nrules:\n${rules.join('')}`;
}
