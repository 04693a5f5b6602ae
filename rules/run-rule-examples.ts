import { analyzePost } from './analyze-post.js';
import type { RuleSet } from './compile-rule-set.js';
import { GENERATED_EXAMPLE } from './organisation-rules.js';

/** The outcome of one example of one rule. */
export interface ExampleResult {
  readonly ruleId: string;
  readonly pack: string;
  readonly kind: 'leak' | 'clean';
  readonly text: string;
  readonly passed: boolean;
  /** What happened instead, when it failed. */
  readonly problem?: string;
}

/**
 * Runs every enabled rule's own examples through the whole engine: each leak example must yield
 * the rule at or above the review threshold (building blocks and boosters: must match), each clean
 * example must yield nothing from it.
 */
export function runRuleExamples(ruleSet: RuleSet, ruleIds?: readonly string[]): ExampleResult[] {
  const results: ExampleResult[] = [];
  const threshold = ruleSet.policy.reviewThreshold;
  for (const rule of ruleSet.rules) {
    if (ruleIds !== undefined && !ruleIds.includes(rule.id)) continue;
    const { examples, emit } = rule.definition;
    for (const [kind, texts] of [
      ['leak', examples.leak],
      ['clean', examples.clean],
    ] as const) {
      for (const text of texts) {
        if (text === GENERATED_EXAMPLE) continue;
        const analysis = analyzePost(ruleSet, { text });
        const finding = analysis.findings.find((candidate) => candidate.ruleId === rule.id);
        const isMatched = analysis.matchedRules.includes(rule.id);
        let problem: string | undefined;
        if (kind === 'leak') {
          if (!emit) problem = isMatched ? undefined : 'did not match';
          else if (finding === undefined) problem = isMatched ? 'matched but was not reported (see rules explain)' : 'did not match';
          else if (finding.score < threshold) problem = `scored ${String(finding.score)}, below ${String(threshold)}: ${finding.explain}`;
        } else if (!emit ? isMatched : finding !== undefined) {
          problem = finding ? `reported: ${finding.explain}` : 'matched';
        }
        results.push({ ruleId: rule.id, pack: rule.pack, kind, text, passed: problem === undefined, ...(problem ? { problem } : {}) });
      }
    }
  }
  return results;
}
