import { describe, expect, it } from 'vitest';
import { InputValidationError, type InputIssue } from './errors.js';
import { parsePolicy } from './load-policy.js';
import type { Policy } from './policy-schema.js';

const MINIMAL = 'version: 1\norganisation: {name: Acme}\n';

/** The policy parsed from the minimal policy followed by `extra` YAML lines. */
function policyWith(extra: string): Policy {
  return parsePolicy(`${MINIMAL}${extra}\n`, 'acme.policy.yaml');
}

/** `[path, message]` of each issue the minimal policy plus `extra` has; fails the test when it has none. */
function problemsWith(extra: string): Array<[string, string]> {
  try {
    policyWith(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return (error as InputValidationError).issues.map((issue: InputIssue) => [issue.path, issue.message]);
  }
  throw new Error(`the policy with ${JSON.stringify(extra)} was accepted`);
}

describe('policySchema', () => {
  describe('version', () => {
    it('accepts version 1', () => {
      expect(policyWith('').version).toBe(1);
    });

    it('rejects version 2', () => {
      expect(() => parsePolicy('version: 2\norganisation: {name: Acme}\n', 'acme.policy.yaml')).toThrow(
        'version: must be 1 (the only policy format so far) (got 2)',
      );
    });
  });

  describe('organisation', () => {
    it('trims the organisation name', () => {
      expect(parsePolicy("version: 1\norganisation: {name: '  Acme  '}\n", 'acme.policy.yaml').organisation.name).toBe('Acme');
    });

    it('rejects an organisation name of only spaces', () => {
      expect(() => parsePolicy("version: 1\norganisation: {name: '   '}\n", 'acme.policy.yaml')).toThrow(
        'organisation.name: must not be empty (got "   ")',
      );
    });

    it('suggests "aliases" for "alias"', () => {
      expect(() => parsePolicy('version: 1\norganisation: {name: Acme, alias: [ACME]}\n', 'acme.policy.yaml')).toThrow(
        'organisation.alias: is not a known field; did you mean "aliases"?',
      );
    });
  });

  describe('code names', () => {
    it('matches a code name in any case unless told otherwise', () => {
      expect(policyWith('codeNames: [{name: Falcon}]').codeNames).toEqual([
        { name: 'Falcon', caseSensitive: false, context: [] },
      ]);
    });

    it('suggests "caseSensitive" for a misspelling', () => {
      expect(problemsWith('codeNames: [{name: Falcon, caseSensitiv: true}]')).toEqual([
        ['codeNames[0].caseSensitiv', 'is not a known field; did you mean "caseSensitive"?'],
      ]);
    });
  });

  describe('hosts and domains', () => {
    it('lower-cases an internal domain', () => {
      expect(policyWith('internalDomains: [Corp.Acme.EXAMPLE]').internalDomains).toEqual(['corp.acme.example']);
    });

    it('rejects an internal domain written as a URL', () => {
      expect(problemsWith('internalDomains: [https://corp.acme.example]')).toEqual([
        ['internalDomains[0]', 'must be a domain name such as corp.example.com (no scheme, no path) (got "https://corp.acme.example")'],
      ]);
    });

    it('rejects an e-mail domain with no dot', () => {
      expect(problemsWith('emailDomains: [localhost]')).toEqual([
        ['emailDomains[0]', 'must be a domain name such as corp.example.com (no scheme, no path) (got "localhost")'],
      ]);
    });

    it('accepts a single-label internal host name', () => {
      expect(policyWith('internalHostnames: [Build-01]').internalHostnames).toEqual(['build-01']);
    });

    it('rejects an internal host name with a dot', () => {
      expect(problemsWith('internalHostnames: [jira.acme]')).toEqual([
        ['internalHostnames[0]', 'must be a single host name such as jira or wiki-prod (got "jira.acme")'],
      ]);
    });
  });

  describe('sensitive sites', () => {
    it('accepts a latitude of 90', () => {
      expect(policyWith('sensitiveSites: [{name: Pole, lat: 90, lon: 0, radiusM: 1}]').sensitiveSites).toHaveLength(1);
    });

    it('rejects a latitude above 90', () => {
      expect(problemsWith('sensitiveSites: [{name: Pole, lat: 90.5, lon: 0, radiusM: 1}]')).toEqual([
        ['sensitiveSites[0].lat', 'Too big: expected number to be <=90 (got 90.5)'],
      ]);
    });

    it('rejects a radius of 0 metres', () => {
      expect(problemsWith('sensitiveSites: [{name: Plant, lat: 0, lon: 0, radiusM: 0}]')).toEqual([
        ['sensitiveSites[0].radiusM', 'must be a positive number of metres (got 0)'],
      ]);
    });

    it('reports a repeated site name', () => {
      expect(
        problemsWith('sensitiveSites: [{name: Plant, lat: 0, lon: 0, radiusM: 1}, {name: Plant, lat: 1, lon: 1, radiusM: 1}]'),
      ).toEqual([['sensitiveSites[1].name', 'repeats entry 0 ("Plant"); each must be unique (got "Plant")']]);
    });

    it('tells site names apart by case', () => {
      const policy = policyWith('sensitiveSites: [{name: Plant, lat: 0, lon: 0, radiusM: 1}, {name: plant, lat: 1, lon: 1, radiusM: 1}]');

      expect(policy.sensitiveSites.map((site) => site.name)).toEqual(['Plant', 'plant']);
    });
  });

  describe('confidential documents', () => {
    it('rejects a document id that is not kebab-case', () => {
      expect(problemsWith('confidentialDocuments: [{id: Q3_Memo, title: Memo, path: memo.txt}]')).toEqual([
        ['confidentialDocuments[0].id', 'must be a kebab-case rule id (got "Q3_Memo")'],
      ]);
    });

    it('requires a path for each document', () => {
      expect(problemsWith('confidentialDocuments: [{id: q3-memo, title: Memo}]')).toEqual([
        ['confidentialDocuments[0].path', 'is required (string)'],
      ]);
    });
  });

  describe('packs and languages', () => {
    it('accepts a subset of the packs', () => {
      expect(policyWith('packs: [markings, secrets]').packs).toEqual(['markings', 'secrets']);
    });

    it('rejects a pack that does not exist', () => {
      expect(problemsWith('packs: [markings, gossip]')).toEqual([
        ['packs[1]', 'Invalid option: expected one of "markings"|"secrets"|"pii"|"business"|"organisation"|"fingerprints"|"takeover" (got "gossip")'],
      ]);
    });

    it('accepts German as the only language', () => {
      expect(policyWith('languages: [de]').languages).toEqual(['de']);
    });

    it('rejects an empty list of languages', () => {
      expect(problemsWith('languages: []')).toEqual([['languages', 'Too small: expected array to have >=1 items (got [])']]);
    });
  });

  describe('overrides and review threshold', () => {
    it('accepts an override score of 100', () => {
      expect(policyWith('overrides: {phone-number: {score: 100}}').overrides).toEqual({ 'phone-number': { score: 100 } });
    });

    it('rejects an override score of 101', () => {
      expect(problemsWith('overrides: {phone-number: {score: 101}}')).toEqual([
        ['overrides.phone-number.score', 'Too big: expected number to be <=100 (got 101)'],
      ]);
    });

    it('rejects a severity that does not exist', () => {
      expect(problemsWith('overrides: {phone-number: {severity: urgent}}')).toEqual([
        ['overrides.phone-number.severity', 'Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical" (got "urgent")'],
      ]);
    });

    it('accepts a review threshold of 0', () => {
      expect(policyWith('reviewThreshold: 0').reviewThreshold).toBe(0);
    });

    it('rejects a fractional review threshold', () => {
      expect(problemsWith('reviewThreshold: 59.5')).toEqual([
        ['reviewThreshold', 'Invalid input: expected int, received number (got 59.5)'],
      ]);
    });
  });

  describe('allowlists', () => {
    it('accepts a pattern entry with a reason', () => {
      expect(policyWith("allowlists: {global: [{pattern: '^info@', reason: public}]}").allowlists.global).toEqual([
        { pattern: '^info@', reason: 'public' },
      ]);
    });

    it('names an invalid allowlist pattern', () => {
      expect(problemsWith("allowlists: {global: [{pattern: '('}]}")).toEqual([
        [
          'allowlists.global[0].pattern',
          'is not a valid regular expression: Invalid regular expression: /(/u: Unterminated group (got "(")',
        ],
      ]);
    });

    it('turns the short form into a text entry in a rule allowlist', () => {
      expect(policyWith("allowlists: {rules: {phone-number: ['+48 22 000 00 00']}}").allowlists.rules).toEqual({
        'phone-number': [{ text: '+48 22 000 00 00' }],
      });
    });

    it('accepts an account written as platform:handle', () => {
      expect(policyWith("allowlists: {accounts: {'mastodon:@acme@social.example': [Falcon]}}").allowlists.accounts).toEqual({
        'mastodon:@acme@social.example': [{ text: 'Falcon' }],
      });
    });

    it('rejects an account without its platform', () => {
      expect(problemsWith('allowlists: {accounts: {acme: [Falcon]}}').map(([issuePath]) => issuePath)).toEqual([
        'allowlists.accounts.acme',
      ]);
    });
  });

  describe('retention', () => {
    it('accepts a retention of 1 day', () => {
      expect(policyWith('retention: {cleanPostsDays: 1}').retention.cleanPostsDays).toBe(1);
    });

    it('rejects a retention of 0 days', () => {
      expect(problemsWith('retention: {cleanPostsDays: 0}')).toEqual([
        ['retention.cleanPostsDays', 'must be at least 1 day (got 0)'],
      ]);
    });

    it('keeps the defaults of the retention fields not given', () => {
      expect(policyWith('retention: {cleanPostsDays: 7}').retention).toEqual({
        findingsDays: 365,
        resolvedFindingsDays: 180,
        cleanPostsDays: 7,
        eventsDays: 90,
        auditLogDays: 730,
      });
    });
  });

  describe('takeover', () => {
    it('judges takeover signals by defaults when the policy says nothing', () => {
      expect(policyWith('').takeover).toEqual({ burstWindowHours: 6, burstFactor: 3, burstMinPosts: 8, baselineDays: 30, ownDomains: [] });
    });

    it('keeps the defaults of the fields not given and lowers own domains to lower case', () => {
      expect(policyWith('takeover: {burstMinPosts: 20, ownDomains: [Shop.Acme.example]}').takeover).toMatchObject({
        burstWindowHours: 6,
        burstMinPosts: 20,
        ownDomains: ['shop.acme.example'],
      });
    });

    it('rejects a quiet-account floor of 1 post, a URL for a domain and an unknown field', () => {
      expect(problemsWith('takeover: {burstMinPosts: 1, ownDomains: ["https://acme.example/"], burstHours: 3}')).toEqual([
        ['takeover.burstMinPosts', 'must be at least 2 posts (got 1)'],
        ['takeover.ownDomains[0]', 'must be a domain name such as corp.example.com (no scheme, no path) (got "https://acme.example/")'],
        ['takeover.burstHours', 'is not a known field; known fields: burstWindowHours, burstFactor, burstMinPosts, baselineDays, ownDomains'],
      ]);
    });
  });
});
