import { createHash } from 'node:crypto';

/**
 * The identity of a piece of evidence across posts and accounts: the SHA-256 (64 hex digits) of
 * its text in Unicode NFC, case-folded: `CONFIDENTIAL` and `Confidential`, or `ΕΜΠΙΣΤΕΥΤΙΚΟΣ` and
 * `εμπιστευτικος`, or a composed and a decomposed `é`, give one fingerprint. Whitespace is kept as it is.
 */
export function evidenceFingerprint(text: string): string {
  return createHash('sha256').update(foldCase(text.normalize('NFC')).normalize('NFC'), 'utf8').digest('hex');
}

/**
 * A close approximation of Unicode full case folding, which JavaScript lacks: upper then lower
 * case folds ß to ss and ligatures to letters, and the final sigma (ς), which lower-casing keeps
 * apart, is folded to σ as case folding does (Greek is one of the languages we read).
 */
function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase().replaceAll('ς', 'σ');
}
