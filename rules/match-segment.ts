import type { CompiledRule, RuleSet } from './compile-rule-set.js';
import { exampleSecretReason } from './example-secrets.js';
import type { Segment } from './build-segments.js';
import { isWordCode, type MatchText } from './normalize-text.js';
import { shannonEntropy } from './validators/shannon-entropy.js';
import { VALIDATORS } from './validators/validator-registry.js';

/** One rule's evidence in one text, before scoring. Offsets are into the original text. */
export interface RuleMatch {
  readonly rule: CompiledRule;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** First and last word of the evidence, for context windows and word proximity. */
  readonly firstWord: number;
  readonly lastWord: number;
  /** The name of the validator it passed, if the rule has one. */
  readonly validator?: string;
  /** Why it is not reported (a documented example secret, the rule's allow list). */
  readonly suppressedBy?: string;
  /** For a composite: how far apart its parts were, against the rule's limit. */
  readonly proximity?: { readonly distance: number; readonly limit: number; readonly unit: 'words' | 'pixels' };
}

/** A context word of some rule's context group, found at a word position. */
export interface ContextHit {
  readonly rule: number;
  readonly group: number;
  readonly word: number;
  readonly text: string;
}

/** One segment's text in matching form, with its rule matches and context words. */
export interface SegmentResult {
  readonly segment: Segment;
  readonly text: MatchText;
  readonly matches: RuleMatch[];
  readonly context: ContextHit[];
}

export interface SegmentMatches {
  readonly matches: RuleMatch[];
  readonly context: ContextHit[];
}

/** Matches per rule and text beyond which a text is pathological (a dump of keys): the rest is skipped. */
const MAX_MATCHES_PER_RULE = 50;
/** Context words kept per text: enough for any real post, bounded for a hostile one. */
const MAX_CONTEXT_HITS = 2_000;

/** Runs every phrase, keyword-triggered pattern and context word of the rule set over one text. */
export function matchSegment(ruleSet: RuleSet, text: MatchText): SegmentMatches {
  const matches: RuleMatch[] = [];
  const { skeleton } = text;

  // One pass finds every phrase, keyword and context word; keywords are a cheap prefilter:
  // most texts trigger few pattern rules.
  const triggered = new Set<number>();
  const phraseCounts = new Map<number, number>();
  for (const ruleIndex of ruleSet.alwaysRun) {
    const minDigits = ruleSet.rules[ruleIndex]?.definition.minDigits;
    if (minDigits === undefined || text.digitCount >= minDigits) triggered.add(ruleIndex);
  }
  const context: ContextHit[] = [];
  for (const hit of ruleSet.literals.search(skeleton)) {
    const entry = hit.value;
    if (entry.kind === 'keyword') {
      triggered.add(entry.rule);
      continue;
    }
    if (!isWordBoundary(skeleton, hit.start - 1)) continue;
    if (entry.kind === 'context') {
      if (!entry.isPrefix && !isWordBoundary(skeleton, hit.end)) continue;
      if (context.length >= MAX_CONTEXT_HITS) continue;
      const start = text.skeletonStarts[hit.start] ?? 0;
      // A prefix ("выручк*") is shown as the whole word it matched.
      let end = hit.end;
      if (entry.isPrefix) while (!isWordBoundary(skeleton, end)) end += 1;
      context.push({
        rule: entry.rule,
        group: entry.group,
        word: wordIndexAt(text.wordStarts, start),
        text: text.original.slice(start, text.skeletonEnds[end - 1] ?? start),
      });
      continue;
    }
    if (!isWordBoundary(skeleton, hit.end)) continue;
    const rule = ruleSet.rules[entry.rule];
    if (rule === undefined) continue;
    // A text repeating a phrase thousands of times is reported a bounded number of times.
    const seen = phraseCounts.get(rule.index) ?? 0;
    if (seen >= MAX_MATCHES_PER_RULE) continue;
    phraseCounts.set(rule.index, seen + 1);
    const start = text.skeletonStarts[hit.start] ?? 0;
    const end = text.skeletonEnds[hit.end - 1] ?? start;
    const match = checkMatch(rule, text, start, end);
    if (match !== undefined) matches.push(match);
  }

  for (const ruleIndex of triggered) {
    const rule = ruleSet.rules[ruleIndex];
    if (rule === undefined) continue;
    const isRaw = rule.definition.match === 'raw';
    const written = isRaw ? text.original : text.normalized;
    const folded = isRaw && rule.definition.ocrDigits ? foldOcrDigits(written) : written;
    const subjects = folded === written ? [written] : [written, folded];
    let found = 0;
    for (const subject of subjects) {
      for (const pattern of rule.patterns) {
        found += runPattern(rule, pattern, subject, text, matches, MAX_MATCHES_PER_RULE - found);
      }
    }
  }

  return { matches, context };
}

/** Runs one pattern over one subject, adding what passes the rule's checks; returns how many. */
function runPattern(rule: CompiledRule, pattern: RegExp, subject: string, text: MatchText, matches: RuleMatch[], budget: number): number {
  const isRaw = rule.definition.match === 'raw';
  let found = 0;
  pattern.lastIndex = 0;
  for (let result = pattern.exec(subject); result !== null && found < budget; result = pattern.exec(subject)) {
    if (result[0] === '') pattern.lastIndex += 1;
    const span = evidenceSpan(result);
    if (span === undefined) continue;
    const start = isRaw ? span[0] : (text.normalizedStarts[span[0]] ?? 0);
    const end = isRaw ? span[1] : (text.normalizedEnds[span[1] - 1] ?? start);
    const match = checkMatch(rule, text, start, end);
    if (match === undefined) continue;
    matches.push(match);
    found += 1;
  }
  return found;
}

/** The offsets of the `evidence` group, else of the first group that took part in the match. */
function evidenceSpan(result: RegExpExecArray): readonly [number, number] | undefined {
  const indices = result.indices;
  if (indices === undefined) return undefined;
  const named = indices.groups?.evidence;
  if (named !== undefined) return named;
  for (let group = 1; group < indices.length; group += 1) {
    const span = indices[group];
    if (span !== undefined) return span;
  }
  return undefined;
}

/** Applies the rule's own checks (case, length, entropy, checksum, allow list) to a candidate. */
function checkMatch(rule: CompiledRule, text: MatchText, start: number, end: number): RuleMatch | undefined {
  const definition = rule.definition;
  const evidence = text.original.slice(start, end);
  if (evidence.length === 0) return undefined;
  // NFKC first: "fancy text" (𝐂𝐎𝐍𝐅𝐈𝐃𝐄𝐍𝐓𝐈𝐀𝐋) has no case of its own.
  if (definition.uppercase && !isWrittenInCapitals(evidence.normalize('NFKC'))) return undefined;
  if (definition.minLength !== undefined && evidence.length < definition.minLength) return undefined;
  if (definition.maxLength !== undefined && evidence.length > definition.maxLength) return undefined;
  if (definition.entropy !== undefined && shannonEntropy(evidence) < definition.entropy) return undefined;
  if (definition.validate !== undefined && !VALIDATORS[definition.validate](evidence)) return undefined;
  const suppressedBy =
    (rule.allow.some((pattern) => pattern.test(evidence)) ? `matches an allow pattern of rule ${rule.id}` : undefined) ??
    (definition.category === 'secret' || definition.category === 'credential' ? exampleSecretReason(evidence) : undefined);
  return {
    rule,
    start,
    end,
    text: evidence,
    firstWord: firstWordFrom(text.wordStarts, start, end),
    lastWord: wordIndexAt(text.wordStarts, end - 1),
    ...(definition.validate !== undefined ? { validator: definition.validate } : {}),
    ...(suppressedBy !== undefined ? { suppressedBy } : {}),
  };
}

const OCR_ZERO = new Set([0x4f, 0x6f, 0x41e, 0x43e, 0x39f, 0x3bf]); // O o О о Ο ο
const OCR_ONE = new Set([0x6c, 0x49, 0x7c, 0x131, 0x399, 0x406, 0x456, 0x3b9, 0x4c0, 0x21]); // l I | ı Ι І і ι Ӏ !

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * The text with letters OCR commonly reads instead of digits (O for 0; l, I, | for 1) turned into
 * those digits where they sit next to a digit; the same length, so offsets hold. Returns the text
 * itself when nothing changes.
 */
export function foldOcrDigits(text: string): string {
  let folded: string[] | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const isZero = OCR_ZERO.has(code);
    if (!isZero && !OCR_ONE.has(code)) continue;
    if (!isDigitCode(text.charCodeAt(index - 1)) && !isDigitCode(text.charCodeAt(index + 1))) continue;
    folded ??= text.split('');
    folded[index] = isZero ? '0' : '1';
  }
  return folded === undefined ? text : folded.join('');
}

/**
 * Whether text is written in capitals, as stamps and banners are: no lower-case letters except an
 * OCR slip or two (CONFlDENTIAL: l for I), one per six letters at most.
 */
export function isWrittenInCapitals(text: string): boolean {
  let upper = 0;
  let lower = 0;
  for (const character of text) {
    if (character !== character.toLowerCase()) upper += 1;
    else if (character !== character.toUpperCase()) lower += 1;
  }
  return upper > 0 && lower <= Math.floor((upper + lower) / 6);
}

/** True when position `index` of the skeleton is outside the text or not a letter or digit. */
function isWordBoundary(skeleton: string, index: number): boolean {
  if (index < 0 || index >= skeleton.length) return true;
  const code = skeleton.charCodeAt(index);
  // A low surrogate belongs to a letter outside the BMP (rare): treat it as a letter.
  if (code >= 0xdc00 && code <= 0xdfff) return false;
  return !isWordCode(code);
}

/**
 * The first word of evidence [start, end): the first word starting inside it, so that a context
 * word just before evidence opening with "+" or "(" stays outside it; else the word it lies in.
 */
function firstWordFrom(wordStarts: ArrayLike<number>, start: number, end: number): number {
  const containing = wordIndexAt(wordStarts, start);
  if ((wordStarts[containing] ?? 0) === start) return containing;
  const following = containing + 1;
  return following < wordStarts.length && (wordStarts[following] ?? Infinity) < end ? following : containing;
}

/** The index of the word containing (or last starting before) original offset `offset`. */
export function wordIndexAt(wordStarts: ArrayLike<number>, offset: number): number {
  let low = 0;
  let high = wordStarts.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((wordStarts[middle] ?? 0) <= offset) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
