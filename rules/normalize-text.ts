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
 * - `normalized`: NFKC-compatible, lower case, no diacritics, homoglyphs in mixed-script words
 *   rewritten in the word's main script, white space runs as one space, dashes as `-`, invisible
 *   characters and line-break hyphenation removed. Regular expressions run on it.
 * - `skeleton`: the normalised text with common OCR confusions folded as well (0→o, 1/l/|→i,
 *   rn→m, vv→w inside words) and long words within a small edit distance of a phrase word
 *   corrected to it. Phrases, keywords and context words match on it.
 */
export interface MatchText {
  readonly original: string;
  readonly normalized: string;
  readonly normalizedStarts: readonly number[];
  readonly normalizedEnds: readonly number[];
  readonly skeleton: string;
  readonly skeletonStarts: readonly number[];
  readonly skeletonEnds: readonly number[];
  /** Original offsets at which words start, ascending: the unit of context windows. */
  readonly wordStarts: readonly number[];
}

const ZERO: Record<LetterScript, string> = { [Script.Latin]: 'o', [Script.Cyrillic]: 'о', [Script.Greek]: 'ο' };
const ONE: Record<LetterScript, string> = { [Script.Latin]: 'i', [Script.Cyrillic]: 'і', [Script.Greek]: 'ι' };

/** Builds both matching forms of `original`; `vocabulary` enables fuzzy correction of long words. */
export function normalizeText(original: string, vocabulary?: FuzzyVocabulary): MatchText {
  const units: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const length = original.length;
  for (let index = 0; index < length; ) {
    const codePoint = original.codePointAt(index) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    const next = index + width;
    if (isInvisible(codePoint)) {
      index = next;
      continue;
    }
    if (isSpace(codePoint)) {
      if (units.length > 0 && units[units.length - 1] !== ' ') push(' ', index, next);
      else if (units.length > 0) ends[ends.length - 1] = next;
      index = next;
      continue;
    }
    if (isDash(codePoint)) {
      const joined = skipLineBreakHyphenation(original, next, units);
      if (joined !== undefined) {
        index = joined;
        continue;
      }
      push('-', index, next);
      index = next;
      continue;
    }
    const folded = codePoint < 0x80 ? asciiFold(codePoint) : foldCharacter(codePoint);
    for (let unit = 0; unit < folded.length; unit += 1) push(folded.charAt(unit), index, next);
    index = next;
  }

  const skeleton: SkeletonBuilder = { units: [], from: [], to: [] };
  const wordStarts: number[] = [];
  let position = 0;
  while (position < units.length) {
    const tokenEnd = tokenEndAt(units, position);
    if (tokenEnd === position) {
      skeleton.units.push(units[position] ?? '');
      skeleton.from.push(position);
      skeleton.to.push(position + 1);
      position += 1;
      continue;
    }
    wordStarts.push(starts[position] ?? 0);
    const script = resolveHomoglyphs(units, position, tokenEnd);
    appendSkeletonWord(units, position, tokenEnd, script, vocabulary, skeleton);
    position = tokenEnd;
  }

  return {
    original,
    normalized: units.join(''),
    normalizedStarts: starts,
    normalizedEnds: ends,
    skeleton: skeleton.units.join(''),
    skeletonStarts: skeleton.from.map((from) => starts[from] ?? 0),
    skeletonEnds: skeleton.to.map((to) => ends[to - 1] ?? 0),
    wordStarts,
  };

  function push(unit: string, start: number, end: number): void {
    units.push(unit);
    starts.push(start);
    ends.push(end);
  }
}

const ASCII_FOLDS: readonly string[] = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code).toLowerCase());

function asciiFold(codePoint: number): string {
  return ASCII_FOLDS[codePoint] ?? '';
}

/** After a dash ending a line between two letters (`CONFIDEN-\nTIAL`), where the word resumes. */
function skipLineBreakHyphenation(original: string, afterDash: number, units: readonly string[]): number | undefined {
  const previous = units[units.length - 1];
  if (previous === undefined || !isWordUnit(previous)) return undefined;
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
  return resumes.length > 0 && isLetterUnit(resumes.charAt(0)) ? index : undefined;
}

function isLetterUnit(unit: string): boolean {
  const script = scriptOf(unit.codePointAt(0) ?? 0);
  return script !== Script.None && script !== Script.Digit;
}

function isWordUnit(unit: string): boolean {
  return scriptOf(unit.codePointAt(0) ?? 0) !== Script.None;
}

/** The end of the word starting at `position` (equal to it when no word starts there). */
function tokenEndAt(units: readonly string[], position: number): number {
  let end = position;
  while (end < units.length) {
    const unit = units[end] ?? '';
    if (isWordUnit(unit)) end += 1;
    // A low surrogate continues a letter outside the BMP.
    else if (end > position && unit.charCodeAt(0) >= 0xdc00 && unit.charCodeAt(0) <= 0xdfff) end += 1;
    // `|` reads as l or I inside a word (CONF|DENTIAL), not on its own.
    else if (unit === '|' && end > position && isLetterUnit(units[end + 1] ?? ' ')) end += 1;
    else break;
  }
  return end;
}

/**
 * Rewrites the look-alike letters of a mixed-script word in its main script and returns that
 * script. The main script is the one with most letters that have no look-alike elsewhere.
 */
function resolveHomoglyphs(units: string[], start: number, end: number): LetterScript | undefined {
  const distinctive = [0, 0, 0, 0];
  const all = [0, 0, 0, 0];
  for (let index = start; index < end; index += 1) {
    const unit = units[index] ?? '';
    const script = scriptOf(unit.codePointAt(0) ?? 0);
    if (script !== Script.Latin && script !== Script.Cyrillic && script !== Script.Greek) continue;
    all[script] = (all[script] ?? 0) + 1;
    if (!AMBIGUOUS_LETTERS.has(unit)) distinctive[script] = (distinctive[script] ?? 0) + 1;
  }
  const present = ([Script.Latin, Script.Cyrillic, Script.Greek] as const).filter((script) => (all[script] ?? 0) > 0);
  if (present.length === 0) return undefined;
  const first = present[0];
  if (present.length === 1 || first === undefined) return first;
  const rank = (script: LetterScript) => (distinctive[script] ?? 0) * 1000 + (all[script] ?? 0);
  const main = present.reduce((best, script) => (rank(script) > rank(best) ? script : best), first);
  const lookalikes = LOOKALIKE_TO_SCRIPT[main];
  for (let index = start; index < end; index += 1) {
    const replacement = lookalikes.get(units[index] ?? '');
    if (replacement !== undefined) units[index] = replacement;
  }
  return main;
}

/** The skeleton under construction: each unit with the span of normalised units it stands for. */
interface SkeletonBuilder {
  units: string[];
  from: number[];
  to: number[];
}

/** Appends one word's skeleton: OCR confusions folded, then fuzzy-corrected against the vocabulary. */
function appendSkeletonWord(
  units: readonly string[],
  start: number,
  end: number,
  script: LetterScript | undefined,
  vocabulary: FuzzyVocabulary | undefined,
  out: SkeletonBuilder,
): void {
  const firstOut = out.units.length;
  for (let index = start; index < end; index += 1) {
    let unit = units[index] ?? '';
    let width = 1;
    if (script !== undefined) {
      if (unit === '0') unit = ZERO[script];
      else if (unit === '1' || unit === '|') unit = ONE[script];
      else if (script === Script.Latin) {
        const following = units[index + 1];
        if (unit === 'l') unit = 'i';
        else if (unit === 'r' && following === 'n') [unit, width] = ['m', 2];
        else if (unit === 'v' && following === 'v') [unit, width] = ['w', 2];
      }
    }
    out.units.push(unit);
    out.from.push(index);
    out.to.push(index + width);
    index += width - 1;
  }
  if (vocabulary === undefined || script === undefined) return;
  const corrected = vocabulary.correct(out.units.slice(firstOut).join(''));
  if (corrected === undefined) return;
  out.units.length = firstOut;
  out.from.length = firstOut;
  out.to.length = firstOut;
  for (const unit of corrected) {
    out.units.push(unit);
    out.from.push(start);
    out.to.push(end);
  }
}
