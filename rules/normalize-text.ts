import {
  AMBIGUOUS_LETTERS,
  LOOKALIKE_TO_SCRIPT,
  Script,
  foldCharacter,
  isDash,
  isInvisible,
  isSpace,
  scriptOf,
  type LetterScript,
} from './fold-character.js';
import type { FuzzyVocabulary } from './fuzzy-vocabulary.js';

/**
 * A text in the two forms rules match against, each with a map back to the original, so evidence
 * offsets always point into the text as written.
 * - `normalized`: compatibility-folded (NFKD), lower case, no diacritics, homoglyphs in
 *   mixed-script words rewritten in the word's main script, white space runs as one space, dashes
 *   as `-`, invisible characters and line-break hyphenation removed. Regular expressions run on it.
 * - `skeleton`: the normalised text with common OCR confusions folded as well (0→o, 1/l/|→i,
 *   rn→m, vv→w inside words) and long words within a small edit distance of a phrase word
 *   corrected to it. Phrases, keywords and context words match on it.
 * For both, `…Starts[i]`/`…Ends[i]` are the original offsets of the character at index i.
 */
export interface MatchText {
  readonly original: string;
  readonly normalized: string;
  readonly normalizedStarts: Int32Array;
  readonly normalizedEnds: Int32Array;
  readonly skeleton: string;
  readonly skeletonStarts: Int32Array;
  readonly skeletonEnds: Int32Array;
  /** Original offsets at which words start, ascending: the unit of context windows. */
  readonly wordStarts: Int32Array;
  /** How many ASCII digits the text has (a prefilter for number rules). */
  readonly digitCount: number;
}

const SPACE = 0x20;
const DASH = 0x2d;
const PIPE = 0x7c;
const ZERO: Record<LetterScript, number> = { [Script.Latin]: 0x6f, [Script.Cyrillic]: 0x43e, [Script.Greek]: 0x3bf };
const ONE: Record<LetterScript, number> = { [Script.Latin]: 0x69, [Script.Cyrillic]: 0x456, [Script.Greek]: 0x3b9 };
const NOT_COMPUTED = 255;
const SCRIPT_BITS = [0, 1, 2, 4, 0, 0];

// Script of every BMP code unit, filled on first use: the per-character hot path is a table read.
const scriptTable = new Uint8Array(0x10000).fill(NOT_COMPUTED);
function scriptOfUnit(unit: number): Script {
  let script = scriptTable[unit] ?? NOT_COMPUTED;
  if (script === NOT_COMPUTED) {
    // A surrogate half continues a letter outside the BMP.
    script = unit >= 0xd800 && unit <= 0xdfff ? Script.OtherLetter : scriptOf(unit);
    scriptTable[unit] = script;
  }
  return script as Script;
}

/** Whether a UTF-16 code unit of a matching form belongs to a word (letter or digit; table lookup). */
export function isWordCode(code: number): boolean {
  return scriptOfUnit(code) !== Script.None;
}

/** Builds both matching forms of `original`; `vocabulary` enables fuzzy correction of long words. */
export function normalizeText(original: string, vocabulary?: FuzzyVocabulary): MatchText {
  const normal = foldText(original);
  const { codes, from: starts, to: ends, length } = normal;
  // The folded text as a string, for cheap slices of words; homoglyph rewriting (rare) changes
  // codes in place, and then the normalised form is decoded again at the end.
  const folded = decode(codes, length);
  const rewritesBefore = homoglyphRewrites;
  const skeleton = SKELETON_SCRATCH;
  skeleton.length = 0;
  const words: number[] = [];
  const digitCount = foldedDigits;
  let position = 0;
  while (position < length) {
    const tokenEnd = tokenEndAt(codes, position, length);
    if (tokenEnd === position) {
      skeleton.push(codes[position] ?? SPACE, position, position + 1);
      position += 1;
      continue;
    }
    words.push(starts[position] ?? 0);
    const script = resolveHomoglyphs(codes, position, tokenEnd);
    appendSkeletonWord(codes, position, tokenEnd, script, vocabulary, skeleton, folded, rewritesBefore);
    position = tokenEnd;
  }
  // One allocation for all offset maps (typed-array allocation dominates the cost of short texts).
  const skeletonLength = skeleton.length;
  const wordCount = words.length;
  const maps = new Int32Array(2 * length + 2 * skeletonLength + wordCount);
  maps.set(starts.subarray(0, length), 0);
  maps.set(ends.subarray(0, length), length);
  const skeletonBase = 2 * length;
  for (let index = 0; index < skeletonLength; index += 1) {
    maps[skeletonBase + index] = starts[skeleton.from[index] ?? 0] ?? 0;
    maps[skeletonBase + skeletonLength + index] = ends[(skeleton.to[index] ?? 1) - 1] ?? 0;
  }
  const wordBase = skeletonBase + 2 * skeletonLength;
  for (let index = 0; index < wordCount; index += 1) maps[wordBase + index] = words[index] ?? 0;
  const normalized = homoglyphRewrites === rewritesBefore ? folded : decode(codes, length);
  const skeletonText = decode(skeleton.codes, skeletonLength);
  // A huge text must not pin its buffers for the life of the process.
  FOLD_SCRATCH.shrink();
  SKELETON_SCRATCH.shrink();
  return {
    original,
    normalized,
    normalizedStarts: maps.subarray(0, length),
    normalizedEnds: maps.subarray(length, skeletonBase),
    skeleton: skeletonText,
    skeletonStarts: maps.subarray(skeletonBase, skeletonBase + skeletonLength),
    skeletonEnds: maps.subarray(skeletonBase + skeletonLength, wordBase),
    wordStarts: maps.subarray(wordBase),
    digitCount,
  };
}

/** UTF-16 code units with, for each, the span it stands for (original offsets or normalised indices). */
class GrowableText {
  codes: Uint16Array;
  from: Int32Array;
  to: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity);
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
  }

  push(code: number, from: number, to: number): void {
    if (this.length === this.codes.length) this.#grow();
    this.codes[this.length] = code;
    this.from[this.length] = from;
    this.to[this.length] = to;
    this.length += 1;
  }

  /** Gives back a buffer grown past 1M units by a huge text. */
  shrink(): void {
    if (this.codes.length <= 1 << 20) return;
    this.codes = new Uint16Array(4096);
    this.from = new Int32Array(4096);
    this.to = new Int32Array(4096);
    this.length = 0;
  }

  #grow(): void {
    const capacity = this.codes.length * 2 + 16;
    const codes = new Uint16Array(capacity);
    const from = new Int32Array(capacity);
    const to = new Int32Array(capacity);
    codes.set(this.codes);
    from.set(this.from);
    to.set(this.to);
    [this.codes, this.from, this.to] = [codes, from, to];
  }
}

/** ASCII digits seen by the last foldText call. */
let foldedDigits = 0;

// Scratch buffers reused by every call (normalizeText is synchronous): results are copied out.
const FOLD_SCRATCH = new GrowableText(4096);
const SKELETON_SCRATCH = new GrowableText(4096);

/** The first pass: fold case, compatibility forms, diacritics, spaces, dashes and invisible characters. */
function foldText(original: string): GrowableText {
  const out = FOLD_SCRATCH;
  out.length = 0;
  foldedDigits = 0;
  const length = original.length;
  for (let index = 0; index < length; ) {
    const unit = original.charCodeAt(index);
    if (unit < 0x80 && unit !== DASH && !(unit === SPACE || (unit >= 0x09 && unit <= 0x0d))) {
      // ASCII fast path: most text is ASCII letters, digits and punctuation.
      if (unit >= 0x30 && unit <= 0x39) foldedDigits += 1;
      out.push(unit >= 0x41 && unit <= 0x5a ? unit + 0x20 : unit, index, index + 1);
      index += 1;
      continue;
    }
    const codePoint = original.codePointAt(index) ?? 0;
    const next = index + (codePoint > 0xffff ? 2 : 1);
    if (isInvisible(codePoint)) {
      index = next;
    } else if (isSpace(codePoint)) {
      if (out.length > 0 && out.codes[out.length - 1] !== SPACE) out.push(SPACE, index, next);
      index = next;
    } else if (isDash(codePoint)) {
      const resumes = lineBreakHyphenationEnd(original, next, out);
      if (resumes === undefined) out.push(DASH, index, next);
      index = resumes ?? next;
    } else {
      // An emoji or other symbol outside the BMP is one non-letter (its surrogate halves would
      // otherwise read as letters and glue it to the neighbouring word).
      const isLoneSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
      const folded = isLoneSurrogate || (codePoint > 0xffff && scriptOf(codePoint) === Script.None) ? '\ufffd' : foldCharacter(codePoint);
      for (let unitIndex = 0; unitIndex < folded.length; unitIndex += 1) {
        const foldedUnit = folded.charCodeAt(unitIndex);
        if (foldedUnit >= 0x30 && foldedUnit <= 0x39) foldedDigits += 1;
        out.push(foldedUnit, index, next);
      }
      index = next;
    }
  }
  return out;
}

/** After a dash ending a line between two letters (`CONFIDEN-\nTIAL`), where the word resumes. */
function lineBreakHyphenationEnd(original: string, afterDash: number, out: GrowableText): number | undefined {
  if (out.length === 0 || !isLetter(scriptOfUnit(out.codes[out.length - 1] ?? SPACE))) return undefined;
  let index = afterDash;
  let sawNewline = false;
  while (index < original.length) {
    const code = original.charCodeAt(index);
    if (code === 0x0a || code === 0x0d) sawNewline = true;
    else if (code !== 0x20 && code !== 0x09) break;
    index += 1;
  }
  if (!sawNewline || index >= original.length) return undefined;
  const resumes = foldCharacter(original.codePointAt(index) ?? 0);
  return resumes.length > 0 && isLetter(scriptOfUnit(resumes.charCodeAt(0))) ? index : undefined;
}

function isLetter(script: Script): boolean {
  return script !== Script.None && script !== Script.Digit;
}

/** The end of the word starting at `position` (equal to it when no word starts there). */
function tokenEndAt(codes: Uint16Array, position: number, length: number): number {
  let end = position;
  while (end < length) {
    const code = codes[end] ?? SPACE;
    if (scriptOfUnit(code) !== Script.None) end += 1;
    // `|` reads as l or I inside a word (CONF|DENTIAL), not on its own.
    else if (code === PIPE && end > position && end + 1 < length && isLetter(scriptOfUnit(codes[end + 1] ?? SPACE))) end += 1;
    else break;
  }
  return end;
}

/** How many look-alike letters have been rewritten, ever (compared before and after a text). */
let homoglyphRewrites = 0;

/**
 * Rewrites the look-alike letters of a mixed-script word in its main script and returns that
 * script (undefined for a word without Latin, Cyrillic or Greek letters). The main script is the
 * one with most letters that have no look-alike elsewhere, then the one with most letters.
 */
function resolveHomoglyphs(codes: Uint16Array, start: number, end: number): LetterScript | undefined {
  let mask = 0;
  let only: LetterScript | undefined;
  for (let index = start; index < end; index += 1) {
    const script = scriptOfUnit(codes[index] ?? SPACE);
    const bit = SCRIPT_BITS[script] ?? 0;
    if (bit === 0) continue;
    mask |= bit;
    only = script as LetterScript;
  }
  if (mask === 0 || mask === 1 || mask === 2 || mask === 4) return only;
  const distinctive = [0, 0, 0, 0];
  const all = [0, 0, 0, 0];
  for (let index = start; index < end; index += 1) {
    const code = codes[index] ?? SPACE;
    const script = scriptOfUnit(code);
    if ((SCRIPT_BITS[script] ?? 0) === 0) continue;
    all[script] = (all[script] ?? 0) + 1;
    if (!AMBIGUOUS_LETTERS.has(String.fromCharCode(code))) distinctive[script] = (distinctive[script] ?? 0) + 1;
  }
  const rank = (script: LetterScript) => (distinctive[script] ?? 0) * 1000 + (all[script] ?? 0);
  const main = ([Script.Cyrillic, Script.Greek] as const).reduce<LetterScript>(
    (best, script) => (rank(script) > rank(best) ? script : best),
    Script.Latin,
  );
  const lookalikes = LOOKALIKE_TO_SCRIPT[main];
  for (let index = start; index < end; index += 1) {
    const replacement = lookalikes.get(String.fromCharCode(codes[index] ?? SPACE));
    if (replacement !== undefined) {
      codes[index] = replacement.charCodeAt(0);
      homoglyphRewrites += 1;
    }
  }
  return main;
}

/** Appends one word's skeleton: OCR confusions folded, then fuzzy-corrected against the vocabulary. */
function appendSkeletonWord(
  codes: Uint16Array,
  start: number,
  end: number,
  script: LetterScript | undefined,
  vocabulary: FuzzyVocabulary | undefined,
  out: GrowableText,
  folded: string,
  rewritesAtStart: number,
): void {
  const firstOut = out.length;
  let isSubstituted = false;
  for (let index = start; index < end; index += 1) {
    let code = codes[index] ?? SPACE;
    let width = 1;
    if (script !== undefined) {
      if (code === 0x30) code = ZERO[script];
      else if (code === 0x31 || code === PIPE) code = ONE[script];
      else if (script === Script.Latin) {
        const following = codes[index + 1];
        if (code === 0x6c) code = 0x69; // l → i
        else if (code === 0x72 && following === 0x6e && index + 1 < end) [code, width] = [0x6d, 2]; // rn → m
        else if (code === 0x76 && following === 0x76 && index + 1 < end) [code, width] = [0x77, 2]; // vv → w
      }
    }
    if (width === 2 || code !== codes[index]) isSubstituted = true;
    out.push(code, index, index + width);
    index += width - 1;
  }
  // The edit budget follows the word as written: "internal" stays an 8-letter word after rn→m.
  if (vocabulary === undefined || script === undefined || !vocabulary.mayCorrect(end - start)) return;
  const word =
    isSubstituted || homoglyphRewrites !== rewritesAtStart
      ? String.fromCharCode.apply(null, out.codes.subarray(firstOut, out.length) as unknown as number[])
      : folded.slice(start, end);
  const corrected = vocabulary.correct(word, end - start);
  if (corrected === undefined) return;
  out.length = firstOut;
  for (let index = 0; index < corrected.length; index += 1) out.push(corrected.charCodeAt(index), start, end);
}

const UTF16 = new TextDecoder('utf-16le');

function decode(codes: Uint16Array, length: number): string {
  return UTF16.decode(codes.subarray(0, length));
}
