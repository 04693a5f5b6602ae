import { normalizeText, type MatchText } from './normalize-text.js';

/** A registered confidential document's text (read by the caller: rules/ does no I/O). */
export interface ConfidentialDocumentText {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** Where and how much of a confidential document a text quotes. */
export interface FingerprintHit {
  readonly documentId: string;
  readonly title: string;
  /** Distinct shingles of the document found in the text. */
  readonly matchedShingles: number;
  /** Share of the document's shingles found, 0-1. */
  readonly share: number;
  /** Share of the text's own shingles that come from the document, 0-1. */
  readonly coverage: number;
  /** Original offsets of the quoted span (first to last matched word). */
  readonly start: number;
  readonly end: number;
}

/** Words per shingle: short enough to survive a cropped or OCR-damaged quote, long enough to be rare. */
export const SHINGLE_WORDS = 5;
/** Fewer matched shingles than this (about ten words in a row) is coincidence, not a quote. */
export const MIN_MATCHED_SHINGLES = 6;

interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Word-shingle fingerprints of the registered confidential documents: finds a text that quotes
 * part of one (a cropped photo of a page, a pasted paragraph) even with no marking on it.
 * Normalised words (case, diacritics, homoglyphs, OCR confusions folded) make it robust to
 * re-typing and OCR noise; each shingle is looked up in a map, so cost grows with the text, not
 * with the number of documents.
 */
export class FingerprintIndex {
  readonly #documents: { readonly id: string; readonly title: string; readonly shingles: number }[] = [];
  readonly #shingles = new Map<string, number[]>();

  constructor(documents: readonly ConfidentialDocumentText[]) {
    documents.forEach((document, documentIndex) => {
      const shingles = new Set(shinglesOf(wordsOf(normalizeText(document.text))).map((shingle) => shingle.key));
      this.#documents.push({ id: document.id, title: document.title, shingles: shingles.size });
      for (const key of shingles) {
        const owners = this.#shingles.get(key);
        if (owners === undefined) this.#shingles.set(key, [documentIndex]);
        else owners.push(documentIndex);
      }
    });
  }

  get size(): number {
    return this.#documents.length;
  }

  /** Every document the text quotes at least MIN_MATCHED_SHINGLES shingles of. */
  match(text: MatchText): FingerprintHit[] {
    if (this.#documents.length === 0) return [];
    const shingles = shinglesOf(wordsOf(text));
    const perDocument = new Map<number, { keys: Set<string>; start: number; end: number }>();
    for (const shingle of shingles) {
      for (const documentIndex of this.#shingles.get(shingle.key) ?? []) {
        const entry = perDocument.get(documentIndex);
        if (entry === undefined) perDocument.set(documentIndex, { keys: new Set([shingle.key]), start: shingle.start, end: shingle.end });
        else {
          entry.keys.add(shingle.key);
          entry.end = Math.max(entry.end, shingle.end);
        }
      }
    }
    const hits: FingerprintHit[] = [];
    for (const [documentIndex, entry] of perDocument) {
      const document = this.#documents[documentIndex];
      if (document === undefined || entry.keys.size < Math.min(MIN_MATCHED_SHINGLES, document.shingles)) continue;
      hits.push({
        documentId: document.id,
        title: document.title,
        matchedShingles: entry.keys.size,
        share: round(entry.keys.size / document.shingles),
        coverage: round(entry.keys.size / new Set(shingles.map((shingle) => shingle.key)).size),
        start: entry.start,
        end: entry.end,
      });
    }
    return hits.sort((a, b) => b.matchedShingles - a.matchedShingles);
  }
}

function wordsOf(text: MatchText): Word[] {
  const words: Word[] = [];
  for (const match of text.skeleton.matchAll(/[\p{L}\p{N}]+/gu)) {
    const first = match.index;
    const last = first + match[0].length - 1;
    words.push({ text: match[0], start: text.skeletonStarts[first] ?? 0, end: text.skeletonEnds[last] ?? 0 });
  }
  return words;
}

function shinglesOf(words: readonly Word[]): { key: string; start: number; end: number }[] {
  const shingles: { key: string; start: number; end: number }[] = [];
  for (let index = 0; index + SHINGLE_WORDS <= words.length; index += 1) {
    const window = words.slice(index, index + SHINGLE_WORDS);
    // Shingles of short function words only ("and it is in the") say nothing about the source.
    if (window.every((word) => word.text.length <= 3)) continue;
    shingles.push({
      key: window.map((word) => word.text).join(' '),
      start: window[0]?.start ?? 0,
      end: window[window.length - 1]?.end ?? 0,
    });
  }
  return shingles;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
