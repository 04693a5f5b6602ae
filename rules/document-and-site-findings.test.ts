import { describe, expect, it } from 'vitest';
import { testRuleSet } from '../test/support/test-rule-set.js';
import { analyzePost } from './analyze-post.js';
import { type RuleSet } from './compile-rule-set.js';
import { haversineMetres } from './document-and-site-findings.js';


// A site of 500 m radius; 0.001 degree of latitude is about 111 m.
const PLANT = { name: 'Plant 3', lat: 50, lon: 20, radiusM: 500 };

function ruleSetWith(policy: Record<string, unknown> = {}): RuleSet {
  return testRuleSet({ sensitiveSites: [PLANT], ...policy });
}

const RULE_SET = ruleSetWith();

describe('sensitive site locations', () => {
  it('find a photo whose GPS position is inside a site radius, from its EXIF', () => {
    const [finding] = analyzePost(RULE_SET, { text: 'nice day', images: [{}, { gps: [50.004, 20] }] }).findings;
    expect(finding).toMatchObject({
      ruleId: 'sensitive-site-location',
      category: 'location',
      score: 85,
      evidence: { source: 'exif', image: 1, text: '50.00400, 20.00000 (Plant 3)' },
    });
  });

  it('explain how far from the site the photo was taken', () => {
    const [finding] = analyzePost(RULE_SET, { images: [{ gps: [50.004, 20] }] }).findings;
    expect(finding?.reasons).toContain('+10 GPS 445 m from Plant 3 (radius 500 m)');
  });

  it('ignore a photo just outside the radius', () => {
    expect(analyzePost(RULE_SET, { images: [{ gps: [50.0046, 20] }] }).findings).toEqual([]);
  });

  it('ignore a photo without a GPS position', () => {
    expect(analyzePost(RULE_SET, { images: [{ text: 'lunch' }] }).findings).toEqual([]);
  });

  it('are off when the policy turns the rule off', () => {
    const ruleSet = ruleSetWith({ overrides: { 'sensitive-site-location': { enabled: false } } });
    expect(analyzePost(ruleSet, { images: [{ gps: [50.004, 20] }] }).findings).toEqual([]);
  });
});

describe('haversineMetres', () => {
  it('gives 0 for the same point', () => {
    expect(haversineMetres(50, 20, 50, 20)).toBe(0);
  });

  it('gives about 111 km for one degree of latitude', () => {
    expect(haversineMetres(0, 0, 1, 0)).toBeCloseTo(111_195, -1);
  });

  it('measures across the antimeridian the short way', () => {
    expect(haversineMetres(0, 179.999, 0, -179.999)).toBeCloseTo(222.4, 0);
  });
});
