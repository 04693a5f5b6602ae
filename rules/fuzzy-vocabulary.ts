import { distance } from 'fastest-levenshtein';

/** Words shorter than this are never corrected: short words collide too easily. */
export const FUZZY_MIN_LENGTH = 8;

const CACHE_SIZE = 50_000;

/** Edits tolerated for a word of this length: 1 from 8 characters, 2 from 13. */
export function maxEditsFor(length: number): number {
  if (length < FUZZY_MIN_LENGTH) return 0;
  return length >= 13 ? 2 : 1;
}

/** A phrase word in skeleton form, with the length of the word as written (the edit budget). */
export interface VocabularyWord {
  readonly skeleton: string;
  readonly length: number;
}

/**
 * The long words of the phrases (in skeleton form) with a deletion-neighbourhood index, so a
 * noisy word is corrected to a phrase word within a bounded edit distance in a few map lookups
 * instead of one comparison per vocabulary word.
 */
export class FuzzyVocabulary {
  readonly #words = new Map<string, number>();
  readonly #protected = new Set<string>();
  readonly #index = new Map<string, string[]>();
  // Words repeat across posts: remember recent answers (null = no correction).
  readonly #cache = new Map<string, string | null>();
  #minLength = Number.POSITIVE_INFINITY;
  #maxLength = 0;

  /**
   * Plain strings are skeleton words whose written length is their own. `protectedWords` are
   * words the rules use as they are (keywords, context words, other phrases): never rewritten.
   */
  constructor(words: Iterable<VocabularyWord | string>, protectedWords: Iterable<string> = []) {
    for (const word of protectedWords) this.#protected.add(word);
    for (const entry of words) {
      const { skeleton: word, length } = typeof entry === 'string' ? { skeleton: entry, length: entry.length } : entry;
      if (length < FUZZY_MIN_LENGTH || this.#words.has(word)) continue;
      this.#words.set(word, length);
      this.#minLength = Math.min(this.#minLength, length);
      this.#maxLength = Math.max(this.#maxLength, length);
      for (const key of deletions(word, maxEditsFor(length))) {
        const entries = this.#index.get(key);
        if (entries === undefined) this.#index.set(key, [word]);
        else if (!entries.includes(word)) entries.push(word);
      }
    }
  }

  get size(): number {
    return this.#words.size;
  }

  /** Whether a word of this length (as written) could be within the edit distance of a vocabulary word. */
  mayCorrect(length: number): boolean {
    return length >= this.#minLength - 2 && length <= this.#maxLength + 2 && maxEditsFor(length + 1) > 0;
  }

  /**
   * The vocabulary word `word` is a noisy copy of, or undefined when it is already a vocabulary
   * word, is too short, or is not uniquely close to one.
   */
  correct(word: string, length: number = word.length): string | undefined {
    const key = length === word.length ? word : `${word}\u0000${String(length)}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const corrected = this.#search(word, length);
    if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
    this.#cache.set(key, corrected ?? null);
    return corrected;
  }

  #search(word: string, length: number): string | undefined {
    const edits = maxEditsFor(length + 1);
    if (edits === 0 || this.#words.size === 0 || this.#words.has(word) || this.#protected.has(word)) return undefined;
    let best: string | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    let isTied = false;
    for (const key of deletions(word, edits)) {
      for (const candidate of this.#index.get(key) ?? []) {
        if (candidate === best) continue;
        const allowed = Math.min(maxEditsFor(this.#words.get(candidate) ?? 0), edits);
        const gap = distance(word, candidate);
        if (gap > allowed) continue;
        if (gap < bestDistance) [best, bestDistance, isTied] = [candidate, gap, false];
        else if (gap === bestDistance) isTied = true;
      }
    }
    return isTied ? undefined : best;
  }
}

/** The word and every string made from it by deleting up to `edits` characters. */
function deletions(word: string, edits: number): Set<string> {
  const result = new Set<string>([word]);
  let frontier = [word];
  for (let round = 0; round < edits; round += 1) {
    const next: string[] = [];
    for (const item of frontier) {
      for (let index = 0; index < item.length; index += 1) {
        const shorter = item.slice(0, index) + item.slice(index + 1);
        if (!result.has(shorter)) {
          result.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return result;
}
