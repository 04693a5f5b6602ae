import { analyzePost } from '../rules/analyze-post.js';
import type { RuleSet } from '../rules/compile-rule-set.js';
import type { ImageReading } from './ocr-native.js';
import type { PhotoSample } from './ocr-photo-corpus.js';

/**
 * How well one reading of one image did. Word matching is a multiset match after
 * `normalizeWord` on both sides: a word the image shows twice must be read twice.
 */
export interface ImageScore {
  readonly id: string;
  readonly kind: string;
  readonly variant: string;
  readonly language: string;
  readonly isLeak: boolean;
  readonly evidenceFound: number;
  readonly evidenceTotal: number;
  readonly wordsFound: number;
  readonly wordsTotal: number;
  readonly wordsRead: number;
  /**
   * The rules reported the image: `analyzePost(...).leak`, i.e. a finding at or above the policy's
   * review threshold. This is what a reviewer would see; for benign images it is a false leak.
   */
  readonly isLeakFound: boolean;
  /** Of the sample's expected rules, how many have a finding (at any reported score). */
  readonly expectedRulesFound: number;
  readonly expectedRulesTotal: number;
  readonly hasError: boolean;
}

/** Totals over a group of images. */
export interface ScoreSummary {
  readonly images: number;
  /** Evidence words found / evidence words shown, over the whole group (1 when none shown). */
  readonly evidenceRecall: number;
  readonly allWordRecall: number;
  readonly leaks: number;
  readonly leaksFound: number;
  /** Images without a leak that the rules reported anyway. */
  readonly falseLeaks: number;
  readonly benign: number;
  readonly expectedRuleRecall: number;
  readonly errors: number;
}

/**
 * A word as the scorer compares it: NFKC, lower case (Greek final sigma folded to σ), every
 * punctuation character removed (so "budget:" = "budget" and "1,240,000" = "1240000"); symbols
 * such as € and digits stay. Returns '' for a word of punctuation only, which is never counted.
 */
export function normalizeWord(word: string): string {
  return word.normalize('NFKC').toLowerCase().replace(/ς/gu, 'σ').replace(/\p{P}+/gu, '');
}

/** How many of `expected` appear in `read`, each read word used at most once. */
export function multisetMatches(expected: readonly string[], read: readonly string[]): { found: number; total: number } {
  const available = new Map<string, number>();
  for (const word of read.flatMap((text) => text.split(/\s+/u))) {
    const key = normalizeWord(word);
    if (key !== '') available.set(key, (available.get(key) ?? 0) + 1);
  }
  let found = 0;
  let total = 0;
  for (const word of expected) {
    const key = normalizeWord(word);
    if (key === '') continue;
    total += 1;
    const count = available.get(key) ?? 0;
    if (count > 0) {
      found += 1;
      available.set(key, count - 1);
    }
  }
  return { found, total };
}

/** Scores one engine's reading of one sample: word recall, and what the rules make of the words. */
export function scoreReading(ruleSet: RuleSet, sample: PhotoSample, reading: ImageReading): ImageScore {
  const read = reading.words.map((word) => word.text);
  const evidence = multisetMatches(sample.evidenceWords, read);
  const all = multisetMatches(sample.allWords, read);
  const analysis = analyzePost(ruleSet, { images: reading.words.length > 0 ? [{ words: reading.words }] : [] });
  const ruleIds = new Set(analysis.findings.map((finding) => finding.ruleId));
  const expectedRules = sample.expectedRules ?? [];
  return {
    id: sample.id,
    kind: sample.kind,
    variant: sample.variant,
    language: sample.language,
    isLeak: sample.leak,
    evidenceFound: evidence.found,
    evidenceTotal: evidence.total,
    wordsFound: all.found,
    wordsTotal: all.total,
    wordsRead: read.length,
    isLeakFound: analysis.leak,
    expectedRulesFound: expectedRules.filter((rule) => ruleIds.has(rule)).length,
    expectedRulesTotal: expectedRules.length,
    hasError: reading.error !== undefined,
  };
}

/** Sums scores into one summary. */
export function summarize(scores: readonly ImageScore[]): ScoreSummary {
  const sum = (pick: (score: ImageScore) => number) => scores.reduce((total, score) => total + pick(score), 0);
  const ratio = (found: number, total: number) => (total === 0 ? 1 : found / total);
  return {
    images: scores.length,
    evidenceRecall: ratio(sum((score) => score.evidenceFound), sum((score) => score.evidenceTotal)),
    allWordRecall: ratio(sum((score) => score.wordsFound), sum((score) => score.wordsTotal)),
    leaks: sum((score) => Number(score.isLeak)),
    leaksFound: sum((score) => Number(score.isLeak && score.isLeakFound)),
    falseLeaks: sum((score) => Number(!score.isLeak && score.isLeakFound)),
    benign: sum((score) => Number(!score.isLeak)),
    expectedRuleRecall: ratio(sum((score) => score.expectedRulesFound), sum((score) => score.expectedRulesTotal)),
    errors: sum((score) => Number(score.hasError)),
  };
}

/** Summaries per group (kind, language, variant…), keys sorted. */
export function summarizeBy(scores: readonly ImageScore[], key: (score: ImageScore) => string): Record<string, ScoreSummary> {
  const groups = new Map<string, ImageScore[]>();
  for (const score of scores) groups.set(key(score), [...(groups.get(key(score)) ?? []), score]);
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, group]) => [name, summarize(group)]));
}
