import { analyzePost } from '../rules/analyze-post.js';
import { asPostInput, corpusRuleSet, readCorpus } from './rules-corpus.js';

/** Counts for precision and recall. */
export interface Tally {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface AccuracyReport {
  posts: number;
  /** Post level (leak or not), by language and by source (text, ocr), plus `all`. */
  byLanguage: Record<string, Tally>;
  bySource: Record<string, Tally>;
  /** Category level: a post's labelled categories against the categories of its findings at the threshold. */
  byCategory: Record<string, Tally>;
  mistakes: { id: string; expected: string[]; found: string[]; leak: boolean; predicted: boolean; text: string }[];
}

/**
 * Runs the rules over the labelled corpus and counts, per language, source and category, what
 * they caught and what they got wrong. A post is predicted a leak when any finding reaches the
 * policy's review threshold (as `leak` in analyze).
 */
export async function runRulesAccuracy(): Promise<AccuracyReport> {
  const ruleSet = await corpusRuleSet();
  const posts = await readCorpus();
  const report: AccuracyReport = { posts: posts.length, byLanguage: {}, bySource: {}, byCategory: {}, mistakes: [] };
  const tally = (table: Record<string, Tally>, key: string) => (table[key] ??= { truePositives: 0, falsePositives: 0, falseNegatives: 0 });
  for (const post of posts) {
    const analysis = analyzePost(ruleSet, asPostInput(post));
    const found = [
      ...new Set(analysis.findings.filter((finding) => finding.score >= ruleSet.policy.reviewThreshold).map((finding) => finding.category)),
    ];
    for (const table of [tally(report.byLanguage, post.lang), tally(report.byLanguage, 'all'), tally(report.bySource, post.source)]) {
      if (analysis.leak && post.leak) table.truePositives += 1;
      else if (analysis.leak) table.falsePositives += 1;
      else if (post.leak) table.falseNegatives += 1;
    }
    for (const category of new Set<string>([...post.categories, ...found])) {
      const isExpected = (post.categories as string[]).includes(category);
      const isFound = (found as string[]).includes(category);
      for (const table of [tally(report.byCategory, category), tally(report.byCategory, 'all')]) {
        if (isExpected && isFound) table.truePositives += 1;
        else if (isFound) table.falsePositives += 1;
        else table.falseNegatives += 1;
      }
    }
    if (analysis.leak !== post.leak || found.sort().join() !== [...post.categories].sort().join()) {
      report.mistakes.push({ id: post.id, expected: post.categories, found, leak: post.leak, predicted: analysis.leak, text: post.text });
    }
  }
  return report;
}

export function precision(tally: Tally): number {
  const predicted = tally.truePositives + tally.falsePositives;
  return predicted === 0 ? 1 : tally.truePositives / predicted;
}

export function recall(tally: Tally): number {
  const actual = tally.truePositives + tally.falseNegatives;
  return actual === 0 ? 1 : tally.truePositives / actual;
}
