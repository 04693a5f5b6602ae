import { describe, expect, it } from 'vitest';
import { ocrConfidenceFactor, postScore, scoreFactors } from './score-finding.js';

describe('scoreFactors', () => {
  it('adds the factors into the breakdown and the score', () => {
    const scored = scoreFactors('rule-a', [
      { kind: 'base', points: 60, reason: 'base 60 (medium severity)' },
      { kind: 'validators', points: 10, reason: 'luhn check passed' },
      { kind: 'context', points: 15, reason: 'memo nearby' },
    ]);
    expect(scored.breakdown).toEqual({ base: 60, validators: 10, context: 15, proximity: 0, ocrConfidence: 0, allowlist: 0 });
    expect(scored.score).toBe(85);
  });

  it('explains each factor in order and ends with the score', () => {
    const scored = scoreFactors('rule-a', [
      { kind: 'base', points: 60, reason: 'base 60 (medium severity)' },
      { kind: 'context', points: -20, reason: 'a joke' },
    ]);
    expect(scored.reasons).toEqual(['base 60 (medium severity)', '-20 a joke']);
    expect(scored.explain).toBe('rule-a: base 60 (medium severity); -20 a joke → 40');
  });

  it('caps the context raise at +40', () => {
    const scored = scoreFactors('rule-a', [
      { kind: 'base', points: 40, reason: 'base' },
      { kind: 'context', points: 30, reason: 'one' },
      { kind: 'context', points: 30, reason: 'two' },
    ]);
    expect(scored.breakdown.context).toBe(40);
    expect(scored.score).toBe(80);
  });

  it('caps the context lowering at -80', () => {
    const scored = scoreFactors('rule-a', [
      { kind: 'base', points: 90, reason: 'base' },
      { kind: 'context', points: -60, reason: 'one' },
      { kind: 'context', points: -60, reason: 'two' },
    ]);
    expect(scored.breakdown.context).toBe(-80);
    expect(scored.score).toBe(10);
  });

  it('clamps the score to 100', () => {
    expect(scoreFactors('rule-a', [{ kind: 'base', points: 95, reason: 'base' }, { kind: 'validators', points: 10, reason: 'v' }]).score).toBe(100);
  });

  it('clamps the score to 0', () => {
    expect(scoreFactors('rule-a', [{ kind: 'base', points: 10, reason: 'base' }, { kind: 'ocrConfidence', points: -25, reason: 'o' }]).score).toBe(0);
  });
});

describe('ocrConfidenceFactor', () => {
  it('takes nothing off a 100 % read', () => {
    expect(ocrConfidenceFactor(100)).toBeUndefined();
  });

  it('takes 25 points off a 0 % read', () => {
    expect(ocrConfidenceFactor(0)).toEqual({ kind: 'ocrConfidence', points: -25, reason: 'OCR confidence 0%' });
  });

  it('takes points off in proportion to the missing confidence', () => {
    expect(ocrConfidenceFactor(60)?.points).toBe(-10);
  });

  it('gives no factor without a confidence', () => {
    expect(ocrConfidenceFactor(undefined)).toBeUndefined();
  });
});

describe('postScore', () => {
  it('is 0 without findings', () => {
    expect(postScore([])).toBe(0);
  });

  it('is the score of a single finding', () => {
    expect(postScore([{ score: 75 }])).toBe(75);
  });

  it('combines findings like independent evidence', () => {
    expect(postScore([{ score: 75 }, { score: 60 }])).toBe(90);
  });

  it('never exceeds 100', () => {
    expect(postScore([{ score: 100 }, { score: 100 }])).toBe(100);
  });
});
