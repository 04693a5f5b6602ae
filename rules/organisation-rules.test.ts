import { describe, expect, it } from 'vitest';
import { testRuleSet } from '../test/support/test-rule-set.js';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost } from './analyze-post.js';
import { type RuleSet } from './compile-rule-set.js';
import { organisationRules } from './organisation-rules.js';


function ruleSetWith(policy: Record<string, unknown>): RuleSet {
  return testRuleSet(policy);
}

/** `[ruleId, evidence]` of each finding of `text`. */
function findingsOf(ruleSet: RuleSet, text: string): [string, string][] {
  return analyzePost(ruleSet, { text }).findings.map((finding) => [finding.ruleId, finding.evidence.text]);
}

describe('code names', () => {
  const NIGHTJAR = ruleSetWith({ codeNames: [{ name: 'Nightjar', caseSensitive: true }] });

  it('fire with project context', () => {
    const { findings } = analyzePost(NIGHTJAR, { text: 'The Nightjar prototype launch slipped to Q3.' });
    expect(findings.map((finding) => [finding.ruleId, finding.evidence.text, finding.score])).toEqual([['codename-nightjar', 'Nightjar', 75]]);
  });

  it('do not fire with bird context', () => {
    expect(findingsOf(NIGHTJAR, 'Spotted a Nightjar on the birding trail at dusk.')).toEqual([]);
  });

  it('do not fire with spice context', () => {
    const saffron = ruleSetWith({ codeNames: [{ name: 'Saffron', caseSensitive: true }] });
    expect(findingsOf(saffron, 'A pinch of Saffron makes this risotto recipe.')).toEqual([]);
  });

  it('do not fire in lower case when case-sensitive', () => {
    expect(findingsOf(NIGHTJAR, 'The nightjar prototype launch slipped to Q3.')).toEqual([]);
  });

  it('fire in any case when not case-sensitive', () => {
    const ruleSet = ruleSetWith({ codeNames: [{ name: 'Nightjar' }] });
    expect(findingsOf(ruleSet, 'The NIGHTJAR prototype launch slipped to Q3.')).toEqual([['codename-nightjar', 'NIGHTJAR']]);
  });

  it('do not fire inside a longer word', () => {
    expect(findingsOf(NIGHTJAR, 'The Nightjars prototype launch slipped to Q3.')).toEqual([]);
  });

  it('fire as a hashtag, with the hash in the evidence', () => {
    expect(findingsOf(NIGHTJAR, 'Big day for the team! #Nightjar launch')).toEqual([['codename-nightjar', '#Nightjar']]);
  });

  it('count the words the policy gives a code name as project context', () => {
    const ruleSet = ruleSetWith({ codeNames: [{ name: 'Nightjar', caseSensitive: true, context: ['wafer'] }] });
    expect(analyzePost(ruleSet, { text: 'Nightjar wafer yields look good' }).findings[0]?.score).toBe(75);
  });

  it('are raised when the organisation is named anywhere in the post', () => {
    const { findings } = analyzePost(NIGHTJAR, { text: 'Nightjar is coming along. Proud of everyone at Example Corp!' });
    expect(findings[0]?.reasons).toContain('+15 the organisation is named in the post ("Example Corp")');
  });

  it('also match "Tundra 7" and "Tundra7" for "Tundra-7"', () => {
    const ruleSet = ruleSetWith({ codeNames: [{ name: 'Tundra-7' }] });
    const evidence = findingsOf(ruleSet, 'Tundra 7 prototype demo, then the Tundra7 rollout and Tundra-7 beta.').map(([, text]) => text);
    expect(evidence.sort()).toEqual(['Tundra 7', 'Tundra-7', 'Tundra7']);
  });

  it('do not match "Tundra 70" for "Tundra-7"', () => {
    const ruleSet = ruleSetWith({ codeNames: [{ name: 'Tundra-7' }] });
    expect(findingsOf(ruleSet, 'Tundra 70 prototype demo')).toEqual([]);
  });
});

describe('internal hosts', () => {
  const HOSTS = ruleSetWith({ internalDomains: ['corp.example.com'], internalHostnames: ['jira'] });

  it('match a host in an internal domain', () => {
    expect(findingsOf(HOSTS, 'see https://wiki.corp.example.com/page')).toEqual([['internal-hostname', 'wiki.corp.example.com']]);
  });

  it('match the internal domain itself', () => {
    expect(findingsOf(HOSTS, 'mail me at corp.example.com')).toEqual([['internal-hostname', 'corp.example.com']]);
  });

  it('do not match a domain that only ends like an internal one', () => {
    expect(findingsOf(HOSTS, 'see https://notcorp.example.com/page')).toEqual([]);
  });

  it('match an internal host name with a port', () => {
    expect(findingsOf(HOSTS, 'it runs on jira:8443 now')).toEqual([['internal-hostname', 'jira:8443']]);
  });

  it('match an internal host name in a URL', () => {
    expect(findingsOf(HOSTS, 'file it at https://jira/browse/OPS-12')).toEqual([['internal-hostname', 'jira']]);
  });

  it('match an internal host name in a UNC path', () => {
    expect(findingsOf(HOSTS, 'copied to \\\\jira\\exports')).toEqual([['internal-hostname', 'jira']]);
  });

  it('do not match an internal host name in prose', () => {
    expect(findingsOf(HOSTS, 'our jira is slow today')).toEqual([]);
  });

  it('do not match a public host starting with an internal host name', () => {
    expect(findingsOf(HOSTS, 'see https://jira.atlassian.com/browse/X-1')).toEqual([]);
  });
});

describe('employee ids', () => {
  const IDS = ruleSetWith({ employeeIdPattern: 'E\\d{6}' });

  it("match the policy's employee-id pattern", () => {
    expect(findingsOf(IDS, 'my badge says E123456')).toEqual([['employee-id', 'E123456']]);
  });

  it('do not match the pattern inside a longer token', () => {
    expect(findingsOf(IDS, 'order XE1234567 shipped')).toEqual([]);
  });
});

describe('e-mail addresses', () => {
  const MAIL = ruleSetWith({ emailDomains: ['example.com'] });

  it("match an address in the policy's domain", () => {
    expect(findingsOf(MAIL, 'write to j.doe@example.com')).toEqual([['email-internal-domain', 'j.doe@example.com']]);
  });

  it("match an address in a subdomain of the policy's domain", () => {
    expect(findingsOf(MAIL, 'write to j.doe@mail.example.com')).toEqual([['email-internal-domain', 'j.doe@mail.example.com']]);
  });

  it('do not match an address in another domain', () => {
    expect(findingsOf(MAIL, 'write to j.doe@example.org')).toEqual([]);
  });
});

describe('organisationRules', () => {
  it('generates only the organisation name rule from a minimal policy', () => {
    const rules = organisationRules(policySchema.parse({ version: 1, organisation: { name: 'Example Corp', aliases: ['ExCo'] } }));
    expect(rules.map((rule) => [rule.id, rule.phrases, rule.emit])).toEqual([['organisation-name', ['Example Corp', 'ExCo'], false]]);
  });

  it('names a code name rule after a slug of the name', () => {
    const rules = organisationRules(policySchema.parse({ version: 1, organisation: { name: 'Example Corp' }, codeNames: [{ name: 'Żuraw Nord' }] }));
    expect(rules[0]?.id).toBe('codename-zuraw-nord');
  });

  it('passes its own examples', () => {
    const ruleSet = ruleSetWith({ codeNames: [{ name: 'Nightjar', caseSensitive: true }], internalHostnames: ['jira'], emailDomains: ['example.com'] });
    for (const id of ['codename-nightjar', 'internal-hostname', 'email-internal-domain']) {
      const { examples } = ruleSet.byId.get(id)?.definition ?? { examples: { leak: [], clean: [] } };
      for (const text of examples.leak) expect(findingsOf(ruleSet, text).map(([ruleId]) => ruleId)).toContain(id);
      for (const text of examples.clean) expect(findingsOf(ruleSet, text).map(([ruleId]) => ruleId)).not.toContain(id);
    }
  });
});
