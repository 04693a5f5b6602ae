import { describe, expect, it } from 'vitest';
import { MINIMAL_MARKINGS_PACK, testRuleSet } from '../test/support/test-rule-set.js';
import { policySchema } from '../core/policy-schema.js';
import { analyzePost } from './analyze-post.js';
import { compileRuleSet, type RuleSet } from './compile-rule-set.js';
import { FingerprintIndex, MIN_MATCHED_SHINGLES } from './fingerprint-index.js';
import { normalizeText } from './normalize-text.js';

const MINUTES =
  'The board approved the acquisition of Northwind Logistics for 412 million euros, subject to regulatory review. ' +
  'Closing is planned for the second quarter. Integration will be led by the operations director, and the ' +
  'Rotterdam warehouse will be consolidated into the Antwerp hub by the end of the year.';

// Ten words in a row from the minutes: six five-word shingles.
const QUOTE = 'Closing is planned for the second quarter. Integration will be';


function ruleSetWith(policy: Record<string, unknown> = {}): RuleSet {
  return testRuleSet(policy, { documents: [{ id: 'board-minutes', title: 'Board minutes', text: MINUTES }] });
}

const RULE_SET = ruleSetWith();

describe('confidential document fingerprints', () => {
  it('find a quote of ten consecutive words, with the document id and its share', () => {
    const [finding] = analyzePost(RULE_SET, { text: `Overheard today: "${QUOTE}". Big news!` }).findings;
    expect(finding).toMatchObject({
      ruleId: 'confidential-document',
      pack: 'fingerprints',
      category: 'fingerprint',
      evidence: { source: 'text', text: QUOTE },
      document: { id: 'board-minutes', title: 'Board minutes' },
    });
    // 6 of the 42 five-word shingles of the minutes' 48 words.
    expect(finding?.document?.share).toBe(0.143);
  });

  it('score a quote at or above the default review threshold', () => {
    expect(analyzePost(RULE_SET, { text: QUOTE }).leak).toBe(true);
  });

  it('find a quote re-typed in another case with other punctuation', () => {
    const retyped = 'closing is planned for the SECOND QUARTER - integration will be';
    expect(analyzePost(RULE_SET, { text: retyped }).findings.map((finding) => finding.ruleId)).toEqual(['confidential-document']);
  });

  it('find a quote read by OCR with confusions (0 for o, 1 for l, rn for m)', () => {
    const noisy = 'C1osing is p1anned for the sec0nd quarter. lntegration wi11 be';
    expect(analyzePost(RULE_SET, { images: [{ text: noisy }] }).findings.map((finding) => finding.ruleId)).toEqual([
      'confidential-document',
    ]);
  });

  it('find a quote with an OCR-broken m', () => {
    const noisy = 'the Rotterdarn warehouse will be consolidated into the Antwerp hub';
    expect(analyzePost(RULE_SET, { text: noisy }).findings.map((finding) => finding.ruleId)).toEqual(['confidential-document']);
  });

  it('find a quote containing a near-miss of a pack phrase word (customers vs "customer list")', () => {
    const packs = [
      {
        source: 'test-pack.yaml',
        text: MINIMAL_MARKINGS_PACK.replace('[confidential]', '[confidential, customer list]'),
      },
    ];
    const document = 'Our three largest customers will not renew their contracts after the price increase in April.';
    const ruleSet = compileRuleSet({
      packs,
      policy: policySchema.parse({ version: 1, organisation: { name: 'Example Corp' } }),
      documents: [{ id: 'renewals', title: 'Renewals', text: document }],
    });
    const quote = 'three largest customers will not renew their contracts after the';
    expect(analyzePost(ruleSet, { text: quote }).findings.map((finding) => finding.ruleId)).toEqual(['confidential-document']);
  });

  it('ignore nine consecutive words', () => {
    expect(analyzePost(RULE_SET, { text: 'Closing is planned for the second quarter. Integration will' }).findings).toEqual([]);
  });

  it('ignore five common words of the document', () => {
    expect(analyzePost(RULE_SET, { text: 'will be led by the team' }).findings).toEqual([]);
  });

  it('are off when the policy does not enable the fingerprints pack', () => {
    const ruleSet = ruleSetWith({ packs: ['markings', 'organisation'] });
    expect(analyzePost(ruleSet, { text: QUOTE }).findings).toEqual([]);
  });

  it('follow a policy score override', () => {
    const ruleSet = ruleSetWith({ overrides: { 'confidential-document': { score: 40 } } });
    expect(analyzePost(ruleSet, { text: QUOTE }).findings[0]?.breakdown.base).toBe(40);
  });
});

describe('FingerprintIndex', () => {
  it('finds nothing with no documents', () => {
    expect(new FingerprintIndex([]).match(normalizeText(QUOTE))).toEqual([]);
  });

  it('gives the offsets of the quoted span in the original text', () => {
    const index = new FingerprintIndex([{ id: 'board-minutes', title: 'Board minutes', text: MINUTES }]);
    const text = `FYI: ${QUOTE} (heard it)`;
    const [hit] = index.match(normalizeText(text));
    expect(hit).toMatchObject({ documentId: 'board-minutes', matchedShingles: MIN_MATCHED_SHINGLES, start: 5, end: 5 + QUOTE.length });
  });

  it('reports the share of the text that comes from the document', () => {
    const index = new FingerprintIndex([{ id: 'board-minutes', title: 'Board minutes', text: MINUTES }]);
    expect(index.match(normalizeText(QUOTE))[0]?.coverage).toBe(1);
  });

  it('matches a short document once every shingle is quoted', () => {
    const index = new FingerprintIndex([{ id: 'launch-date', title: 'Launch date', text: 'Nightjar launches on the ninth of March' }]);
    expect(index.match(normalizeText('Heard: Nightjar launches on the ninth of March!')).map((hit) => hit.documentId)).toEqual(['launch-date']);
  });
});
