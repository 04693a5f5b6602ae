import { describe, expect, it } from 'vitest';
import { evidenceFingerprint } from './evidence-fingerprint.js';

describe('evidenceFingerprint', () => {
  it('is the hex SHA-256 of the lower-cased text', () => {
    // sha256("confidential")
    expect(evidenceFingerprint('CONFIDENTIAL')).toBe('3151084286f59511ce11d4fd234b6485012514587a1968fa55afff83b05e213e');
  });

  it('gives one fingerprint for the same text in any case, in every script we read', () => {
    expect(evidenceFingerprint('Strictly Confidential')).toBe(evidenceFingerprint('STRICTLY CONFIDENTIAL'));
    expect(evidenceFingerprint('КОНФІДЕНЦІЙНО')).toBe(evidenceFingerprint('конфіденційно'));
    expect(evidenceFingerprint('POUFNE — ŁÓDŹ')).toBe(evidenceFingerprint('poufne — łódź'));
    // Greek: the final sigma folds to σ as case folding does.
    expect(evidenceFingerprint('ΕΜΠΙΣΤΕΥΤΙΚΟΣ')).toBe(evidenceFingerprint('εμπιστευτικο\u03c2'));
    expect(evidenceFingerprint('Straße')).toBe(evidenceFingerprint('STRASSE'));
  });

  it('gives one fingerprint for composed and decomposed accents', () => {
    expect(evidenceFingerprint('r\u00e9sum\u00e9')).toBe(evidenceFingerprint('re\u0301sume\u0301'));
  });

  it('tells different texts apart, including ones that differ only in spacing', () => {
    expect(evidenceFingerprint('CONFIDENTIAL')).not.toBe(evidenceFingerprint('CONFIDENTIAL '));
    expect(evidenceFingerprint('AKIA1234')).not.toBe(evidenceFingerprint('AKIA1235'));
  });
});
