import type { FuzzyVocabulary } from './fuzzy-vocabulary.js';
import { isWordCode, normalizeText, type MatchText } from './normalize-text.js';

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
  /** A 32-bit hash of the word's skeleton form. */
  readonly hash: number;
  readonly isShort: boolean;
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
  readonly #shingles = new Map<number, number[]>();

  /** `vocabulary` must be the one posts are normalised with, so both sides correct words alike. */
  constructor(documents: readonly ConfidentialDocumentText[], vocabulary?: FuzzyVocabulary) {
    documents.forEach((document, documentIndex) => {
      const shingles = new Set(shinglesOf(wordsOf(normalizeText(document.text, vocabulary))).map((shingle) => shingle.key));
      this.#documents.push({ id: document.id, title: document.title, shingles: shingles.size });
      for (const key of shingles) {
        const owners = this.#shingles.get(key);
        if (owners === undefined) this.#shingles.set(key, [documentIndex]);
        else owners.push(documentIndex);
      }
    });
  }

  /** Every document the text quotes at least MIN_MATCHED_SHINGLES shingles of. */
  match(text: MatchText): FingerprintHit[] {
    if (this.#documents.length === 0) return [];
    const shingles = shinglesOf(wordsOf(text));
    const perDocument = new Map<number, { keys: Set<number>; start: number; end: number }>();
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

/** The words of the skeleton with their hashes (FNV-1a over UTF-16 units; no strings are built). */
function wordsOf(text: MatchText): Word[] {
  const words: Word[] = [];
  const { skeleton } = text;
  let index = 0;
  while (index < skeleton.length) {
    if (!isWordCode(skeleton.charCodeAt(index))) {
      index += 1;
      continue;
    }
    const first = index;
    let hash = 0x811c9dc5;
    while (index < skeleton.length && isWordCode(skeleton.charCodeAt(index))) {
      hash = Math.imul(hash ^ skeleton.charCodeAt(index), 0x01000193);
      index += 1;
    }
    words.push({
      hash: hash >>> 0,
      isShort: index - first <= 3,
      start: text.skeletonStarts[first] ?? 0,
      end: text.skeletonEnds[index - 1] ?? 0,
    });
  }
  return words;
}


/**
 * Shingles keyed by a hash of their five word hashes. A chance collision needs six shingles to
 * collide at once before it makes a finding.
 */
function shinglesOf(words: readonly Word[]): { key: number; start: number; end: number }[] {
  const shingles: { key: number; start: number; end: number }[] = [];
  for (let index = 0; index + SHINGLE_WORDS <= words.length; index += 1) {
    let key = 0x811c9dc5;
    let isAllShort = true;
    for (let offset = 0; offset < SHINGLE_WORDS; offset += 1) {
      const word = words[index + offset];
      if (word === undefined) break;
      key = Math.imul(key ^ word.hash, 0x01000193) ^ (word.hash >>> 16);
      isAllShort &&= word.isShort;
    }
    // Shingles of short function words only ("and it is in the") say nothing about the source.
    if (isAllShort) continue;
    shingles.push({
      key: key >>> 0,
      start: words[index]?.start ?? 0,
      end: words[index + SHINGLE_WORDS - 1]?.end ?? 0,
    });
  }
  return shingles;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
