import { distance } from 'fastest-levenshtein';
import { InputValidationError, type InputIssue } from '../core/errors.js';
import type { Policy } from '../core/policy-schema.js';
import { compileAllowlists, type CompiledAllowlists } from './apply-allowlists.js';
import { FingerprintIndex, type ConfidentialDocumentText } from './fingerprint-index.js';
import { FIXED_RULE_IDS } from './fixed-rule-ids.js';
import { FuzzyVocabulary, type VocabularyWord } from './fuzzy-vocabulary.js';
import { normalizeText } from './normalize-text.js';
import { organisationRules } from './organisation-rules.js';
import { SEVERITY_BASE_SCORES, type RuleDefinition } from './pack-schema.js';
import { checkRule, parseRulePack, type PackSource } from './parse-rule-pack.js';
import { PhraseAutomaton } from './phrase-automaton.js';

/** A rule ready to run: its definition with the policy's overrides applied and its regexes compiled. */
export interface CompiledRule {
  readonly index: number;
  readonly id: string;
  readonly pack: string;
  readonly definition: RuleDefinition;
  readonly severity: RuleDefinition['severity'];
  readonly baseScore: number;
  /** Whether the policy's base score override applies (for the explanation). */
  readonly isScoreOverridden: boolean;
  readonly patterns: readonly RegExp[];
  readonly allow: readonly RegExp[];
  readonly hasPrefilter: boolean;
}

/** What a literal found in the skeleton stands for: a rule's phrase, keyword or context word. */
export type SkeletonEntry =
  | { readonly kind: 'phrase'; readonly rule: number }
  | { readonly kind: 'keyword'; readonly rule: number }
  | { readonly kind: 'context'; readonly rule: number; readonly group: number; readonly isPrefix: boolean };

/** Everything analyzePost needs, built once per policy and shared by every analysis. */
export interface RuleSet {
  readonly policy: Policy;
  readonly rules: readonly CompiledRule[];
  readonly byId: ReadonlyMap<string, CompiledRule>;
  /** Rules the policy turned off (by pack, language or override), by id, for `rules list`. */
  readonly disabled: ReadonlyMap<string, string>;
  readonly vocabulary: FuzzyVocabulary;
  /** Every phrase, keyword and context word of every rule: one pass over a text finds them all. */
  readonly literals: PhraseAutomaton<SkeletonEntry>;
  /** Rules whose patterns run on every text (no keywords). */
  readonly alwaysRun: readonly number[];
  readonly composites: readonly CompiledRule[];
  readonly boosters: readonly CompiledRule[];
  readonly fingerprints: FingerprintIndex;
  readonly allowlists: CompiledAllowlists;
}

export interface RuleSetOptions {
  /** Rule pack YAML texts (rules/packs/*.yaml); packs the policy does not enable are skipped. */
  readonly packs: readonly PackSource[];
  readonly policy: Policy;
  /** Where the policy came from, for error messages. */
  readonly policySource?: string;
  /** The text of each confidential document the policy registers. */
  readonly documents?: readonly ConfidentialDocumentText[];
}

/**
 * Builds a rule set from the packs and the policy: validates every pack (all problems at once),
 * generates the organisation rules from the policy, applies its pack choice, languages and
 * overrides, and compiles the matchers. Throws InputValidationError naming pack, rule and field.
 */
export function compileRuleSet(options: RuleSetOptions): RuleSet {
  const { policy } = options;
  const definitions: { pack: string; source: string; rule: RuleDefinition }[] = [];
  // Every rule id of every pack, enabled or not, with its pack file: composites may name rules of
  // packs the policy turns off, and then are off themselves.
  const allRules = new Map<string, string>();
  const problems: InputValidationError[] = [];
  for (const source of options.packs) {
    try {
      const pack = parseRulePack(source);
      const isEnabled = policy.packs.includes(pack.pack as Policy['packs'][number]);
      for (const rule of pack.rules) {
        const earlier = allRules.get(rule.id);
        if (earlier !== undefined) {
          problems.push(new InputValidationError(source.source, [{ path: `rules (${rule.id}).id`, message: `repeats a rule id of ${earlier}` }]));
        }
        allRules.set(rule.id, source.source);
        if (isEnabled) definitions.push({ pack: pack.pack, source: source.source, rule });
      }
    } catch (error) {
      if (!(error instanceof InputValidationError)) throw error;
      problems.push(error);
    }
  }
  const [onlyProblem] = problems;
  if (problems.length === 1 && onlyProblem !== undefined) throw onlyProblem;
  if (problems.length > 1) {
    throw new InputValidationError(
      'rule packs',
      problems.flatMap((problem) =>
        problem.issues.map(({ line, column, ...issue }) => ({
          ...issue,
          path: `${problem.source}${line === undefined ? '' : `:${String(line)}:${String(column ?? 1)}`} ${issue.path}`,
        })),
      ),
    );
  }
  if (policy.packs.includes('organisation')) {
    for (const rule of organisationRules(policy)) {
      const issues = checkRule(rule);
      if (issues.length > 0) {
        throw new InputValidationError(
          options.policySource ?? 'policy',
          issues.map((issue) => ({ ...issue, path: `organisation rule ${rule.id}: ${issue.path}` })),
        );
      }
      definitions.push({ pack: 'organisation', source: options.policySource ?? 'policy', rule });
      allRules.set(rule.id, options.policySource ?? 'policy');
    }
  }

  checkPolicyRuleIds(policy, [...definitions.map(({ rule }) => rule.id), ...FIXED_RULE_IDS], options.policySource ?? 'policy');

  const disabled = new Map<string, string>();
  const enabled = definitions.filter(({ rule }) => {
    const reason = disabledReason(rule, policy);
    if (reason !== undefined) disabled.set(rule.id, reason);
    return reason === undefined;
  });
  checkCompositeParts(enabled, allRules);
  const active = withoutOrphanComposites(enabled, disabled);
  const rules = active.map(({ pack, rule }, index) => compileRule(pack, rule, index, policy));
  const byId = new Map(rules.map((rule) => [rule.id, rule]));

  const literals = new PhraseAutomaton<SkeletonEntry>();
  // Fuzzy correction serves the long marking words (the issue: OCR-damaged stamps); words of
  // other rules are protected, so "contact" never turns into a business pack's "contract".
  const vocabularyWords: VocabularyWord[] = [];
  const protectedWords: string[] = [];
  for (const rule of rules) {
    for (const phrase of rule.definition.phrases) {
      literals.add(skeletonOf(phrase), { kind: 'phrase', rule: rule.index });
      for (const word of phrase.split(/[^\p{L}\p{N}]+/u)) {
        if (rule.definition.category === 'marking') vocabularyWords.push({ skeleton: skeletonOf(word), length: word.length });
        // Every phrase word stays as written: "διανομη" must not become "διανομησ".
        protectedWords.push(skeletonOf(word));
      }
    }
    for (const word of [...rule.definition.keywords, ...rule.definition.context.flatMap((group) => group.words)]) {
      protectedWords.push(...skeletonOf(word.replace(/\*$/u, '')).split(/[^\p{L}\p{N}]+/u));
    }
    for (const keyword of rule.definition.keywords) literals.add(skeletonOf(keyword), { kind: 'keyword', rule: rule.index });
    rule.definition.context.forEach((group, groupIndex) => {
      for (const word of expandPlaceholders(group.words, policy)) {
        const isPrefix = word.endsWith('*');
        const entry = { kind: 'context', rule: rule.index, group: groupIndex, isPrefix } as const;
        literals.add(skeletonOf(isPrefix ? word.slice(0, -1) : word), entry);
      }
    });
  }

  const vocabulary = new FuzzyVocabulary(vocabularyWords, protectedWords);
  return {
    policy,
    rules,
    byId,
    disabled,
    vocabulary,
    literals,
    alwaysRun: rules.filter((rule) => rule.patterns.length > 0 && !rule.hasPrefilter).map((rule) => rule.index),
    composites: rules.filter((rule) => rule.definition.composite !== undefined),
    boosters: rules.filter((rule) => rule.definition.boost !== undefined),
    // Documents are normalised with the same vocabulary as posts, so their shingles agree.
    fingerprints: new FingerprintIndex(policy.packs.includes('fingerprints') ? (options.documents ?? []) : [], vocabulary),
    allowlists: compileAllowlists(policy),
  };
}

/** The matching (skeleton) form of a phrase, keyword or context word. */
export function skeletonOf(phrase: string): string {
  return normalizeText(phrase).skeleton;
}

/**
 * Context words may name policy data: `@organisation` stands for the organisation's name and
 * aliases, `@codenames` for its code names.
 */
function expandPlaceholders(words: readonly string[], policy: Policy): string[] {
  return words.flatMap((word) => {
    if (word === '@organisation') return [policy.organisation.name, ...policy.organisation.aliases];
    if (word === '@codenames') return policy.codeNames.map((codeName) => codeName.name);
    return [word];
  });
}

function compileRule(pack: string, rule: RuleDefinition, index: number, policy: Policy): CompiledRule {
  const override = policy.overrides[rule.id];
  const flags = rule.match === 'raw' && !rule.ignoreCase ? 'dgu' : 'dgiu';
  return {
    index,
    id: rule.id,
    pack,
    definition: rule,
    severity: override?.severity ?? rule.severity,
    baseScore: override?.score ?? rule.score ?? SEVERITY_BASE_SCORES[override?.severity ?? rule.severity],
    isScoreOverridden: override?.score !== undefined,
    patterns: rule.patterns.map((source) => new RegExp(source, flags)),
    allow: rule.allow.map((source) => new RegExp(source, 'iu')),
    hasPrefilter: rule.keywords.length > 0,
  };
}

function disabledReason(rule: RuleDefinition, policy: Policy): string | undefined {
  if (policy.overrides[rule.id]?.enabled === false) return 'turned off by the policy (overrides)';
  const languages = rule.languages;
  if (!languages.includes('any') && !languages.some((language) => (policy.languages as string[]).includes(language))) {
    return `written for ${languages.join(', ')}, none of the policy's languages`;
  }
  return undefined;
}

function checkCompositeParts(
  enabled: readonly { pack: string; source: string; rule: RuleDefinition }[],
  allRules: ReadonlyMap<string, string>,
): void {
  const issues: InputIssue[] = [];
  for (const { source, rule } of enabled) {
    for (const part of rule.composite?.parts ?? []) {
      if (allRules.has(part)) continue;
      issues.push({ path: `${source}: rule ${rule.id}: composite.parts`, message: `names no known rule: ${JSON.stringify(part)}` });
    }
  }
  if (issues.length > 0) throw new InputValidationError('rule packs', issues);
}

/**
 * A composite whose part is off (its pack, language or an override) cannot fire: it is off too,
 * with the reason, and so is a composite built on it.
 */
function withoutOrphanComposites<Entry extends { rule: RuleDefinition }>(enabled: readonly Entry[], disabled: Map<string, string>): Entry[] {
  let active = [...enabled];
  for (;;) {
    const ids = new Set(active.map(({ rule }) => rule.id));
    const orphan = active.find(({ rule }) => rule.composite?.parts.some((part) => !ids.has(part)));
    if (orphan === undefined) return active;
    const missing = orphan.rule.composite?.parts.find((part) => !ids.has(part)) ?? '';
    disabled.set(orphan.rule.id, `its part ${missing} is off (${disabled.get(missing) ?? 'its pack is not enabled'})`);
    active = active.filter((entry) => entry !== orphan);
  }
}

/** Overrides and per-rule allowlists in the policy must name rules that exist: a typo is an error. */
function checkPolicyRuleIds(policy: Policy, known: readonly string[], source: string): void {
  const issues: InputIssue[] = [];
  const check = (id: string, path: string) => {
    if (known.includes(id)) return;
    const suggestion = known.reduce<{ id?: string; gap: number }>(
      (best, candidate) => {
        const gap = distance(id, candidate);
        return gap < best.gap ? { id: candidate, gap } : best;
      },
      { gap: 4 },
    ).id;
    issues.push({
      path,
      message: `names no rule in the enabled packs${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''} (\`overshare rules list\` shows them)`,
    });
  };
  for (const id of Object.keys(policy.overrides)) check(id, `overrides.${id}`);
  for (const id of Object.keys(policy.allowlists.rules)) check(id, `allowlists.rules.${id}`);
  if (issues.length > 0) throw new InputValidationError(source, issues);
}
