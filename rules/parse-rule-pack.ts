import { parse as parseYaml } from 'yaml';
import { InputValidationError, type InputIssue } from '../core/errors.js';
import { isRegexSafe, UNSAFE_REGEX_MESSAGE } from '../core/is-regex-safe.js';
import { parseYamlWithSchema } from '../core/parse-yaml.js';
import { packSchema, type PackDefinition, type RuleDefinition } from './pack-schema.js';

/** A rule pack's YAML text and where it came from (a file path, or a name for generated packs). */
export interface PackSource {
  readonly source: string;
  readonly text: string;
}

/**
 * Parses and checks one rule pack. Every problem (YAML, unknown field, bad or unsafe regular
 * expression, a pattern without a capture group, a rule with nothing to match, a repeated id) is
 * reported at once in an InputValidationError naming the pack file, the rule and the field.
 */
export function parseRulePack(pack: PackSource): PackDefinition {
  let definition: PackDefinition;
  try {
    definition = parseYamlWithSchema(pack.text, pack.source, packSchema);
  } catch (error) {
    if (error instanceof InputValidationError) {
      // The shape is wrong somewhere: still check every pattern, so all problems come at once.
      const named = nameRules(error.issues, pack.text);
      // The schema already reports bad and unsafe patterns; add only what it does not check.
      const raw = rawPatternIssues(pack.text).filter((issue) => !named.some((other) => other.path === issue.path));
      const issues = [...named, ...raw];
      throw new InputValidationError(pack.source, issues, { cause: error });
    }
    throw error;
  }
  const issues = definition.rules.flatMap((rule, index) =>
    checkRule(rule).map((issue) => ({ ...issue, path: `rules[${index}] (${rule.id}).${issue.path}` })),
  );
  const seen = new Set<string>();
  definition.rules.forEach((rule, index) => {
    if (seen.has(rule.id)) issues.push({ path: `rules[${index}] (${rule.id}).id`, message: 'repeats an earlier rule id' });
    seen.add(rule.id);
  });
  if (issues.length > 0) throw new InputValidationError(pack.source, issues);
  return definition;
}

/** Checks a rule beyond its shape; also used for the rules generated from the policy. */
export function checkRule(rule: RuleDefinition): InputIssue[] {
  const issues: InputIssue[] = [];
  const isComposite = rule.composite !== undefined;
  if (!isComposite && rule.phrases.length === 0 && rule.patterns.length === 0) {
    issues.push({ path: 'patterns', message: 'the rule needs phrases, patterns or a composite to match anything' });
  }
  if (isComposite && (rule.phrases.length > 0 || rule.patterns.length > 0)) {
    issues.push({ path: 'composite', message: 'a composite rule matches through its parts; remove its phrases and patterns' });
  }
  rule.patterns.forEach((source, index) => {
    const problem = checkPattern(source);
    if (problem !== undefined) issues.push({ path: `patterns[${index}]`, message: problem });
  });
  rule.allow.forEach((source, index) => {
    if (!isRegexSafe(source)) issues.push({ path: `allow[${index}]`, message: UNSAFE_REGEX_MESSAGE });
  });
  if (rule.minLength !== undefined && rule.maxLength !== undefined && rule.minLength > rule.maxLength) {
    issues.push({ path: 'maxLength', message: `is below minLength (${String(rule.minLength)})` });
  }
  if (rule.requireContext && !rule.context.some((group) => group.score > 0)) {
    issues.push({ path: 'requireContext', message: 'needs at least one context group with a positive score' });
  }
  if (rule.boost !== undefined && rule.emit) {
    issues.push({ path: 'emit', message: 'a booster does not report on its own: set emit: false' });
  }
  return issues;
}

/** Why a rule pattern cannot be used, or undefined when it can. */
export function checkPattern(source: string): string | undefined {
  let expression: RegExp;
  try {
    expression = new RegExp(`${source}|`, 'u');
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  const groups = (expression.exec('') ?? []).length - 1;
  if (groups < 1) return 'needs a capture group around the evidence, e.g. (AKIA[0-9A-Z]{16})';
  if (!isRegexSafe(source)) return UNSAFE_REGEX_MESSAGE;
  return undefined;
}

/** Pattern problems of a pack whose shape failed validation, read from the raw YAML. */
function rawPatternIssues(text: string): InputIssue[] {
  const issues: InputIssue[] = [];
  rawRules(text).forEach((rule, index) => {
    const patterns = (rule as { patterns?: unknown } | null)?.patterns;
    if (!Array.isArray(patterns)) return;
    const id = (rule as { id?: unknown }).id;
    patterns.forEach((pattern: unknown, patternIndex) => {
      if (typeof pattern !== 'string') return;
      const problem = checkPattern(pattern);
      if (problem !== undefined) {
        issues.push({ path: `rules[${String(index)}]${typeof id === 'string' ? ` (${id})` : ''}.patterns[${String(patternIndex)}]`, message: problem });
      }
    });
  });
  return issues;
}

function rawRules(text: string): unknown[] {
  try {
    const raw = parseYaml(text, { maxAliasCount: 100 }) as { rules?: unknown } | null;
    return Array.isArray(raw?.rules) ? (raw.rules as unknown[]) : [];
  } catch {
    // The YAML itself is broken: the issues already say where.
    return [];
  }
}

/** Adds the rule id to issue paths under `rules[i]`, so an error names the rule, not only its index. */
function nameRules(issues: readonly InputIssue[], text: string): InputIssue[] {
  const ids = rawRules(text).map((rule) => (rule as { id?: unknown } | null)?.id);
  return issues.map((issue) => {
    const match = /^rules\[(\d+)\]/u.exec(issue.path);
    const id = match ? ids[Number(match[1])] : undefined;
    if (match === null || typeof id !== 'string') return issue;
    return { ...issue, path: issue.path.replace(match[0], `${match[0]} (${id})`) };
  });
}
