import { z } from 'zod';
import { ACCOUNT_KINDS, CATEGORIES, LANGUAGES, SEVERITIES, regexSource } from '../core/policy-schema.js';
import { VALIDATOR_NAMES } from './validators/validator-registry.js';

const text = z.string().trim().min(1, { error: 'must not be empty' });

const ruleId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u, { error: 'must be a kebab-case rule id' });

/**
 * Words near a match that raise (positive score) or lower (negative score) a finding. A word ending
 * in `*` matches any word starting with it (`выручк*` matches выручка, выручки, выручку).
 */
const contextGroup = z.strictObject({
  words: z.array(text).min(1, { error: 'must list at least one word' }),
  score: z.number().int().min(-100).max(100),
  /** How far from the evidence, in words on either side; `post` means anywhere in the same text. */
  window: z.union([z.number().int().min(1).max(500), z.literal('post')]).default(8),
  /** Shown in the explanation, e.g. "financial term nearby". */
  reason: z.string().optional(),
});

const proximity = z.union([
  z.strictObject({ words: z.number().int().min(1).max(500) }),
  z.strictObject({ pixels: z.number().int().min(1).max(10_000), words: z.number().int().min(1).max(500).optional() }),
]);

/**
 * One rule of a pack. A rule finds evidence by `phrases` (literal words matched after
 * normalisation, tolerant of homoglyphs and OCR noise) and/or `patterns` (regular expressions whose
 * first capture group, or the group named `evidence`, is the evidence); or it combines other rules
 * (`composite`). `examples.leak` must each yield the rule, `examples.clean` must each yield nothing
 * from it: the generic pack test runs them all.
 */
export const ruleSchema = z.strictObject({
  id: ruleId,
  title: text,
  description: z.string().optional(),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  /** Base score 0-100; defaults by severity (see SEVERITY_BASE_SCORES). */
  score: z.number().int().min(0).max(100).optional(),
  /** Languages the rule is written for; `any` for language-neutral rules (keys, numbers). */
  languages: z.array(z.enum([...LANGUAGES, 'any'])).min(1, { error: 'must list at least one language or "any"' }),
  /**
   * The kinds of account whose posts the rule runs on (`corporate` for takeover scams: an
   * employee's post about a giveaway is no hijack); unset, every kind's. A text analyzed without
   * an account (`overshare analyze`, `rules test`) is checked by every rule.
   */
  accountKinds: z.array(z.enum(ACCOUNT_KINDS)).min(1, { error: 'must list at least one account kind, or be left out for every kind' }).optional(),
  /**
   * Cheap prefilter: the patterns run only on texts that contain one of these (after
   * normalisation). An empty list means the patterns run on every text.
   */
  keywords: z.array(text).default([]),
  /**
   * Cheap prefilter for number rules (cards, IBANs, tax ids) that have no keyword: the patterns
   * run only on texts with at least this many digits.
   */
  minDigits: z.number().int().min(1).max(64).optional(),
  phrases: z.array(text).default([]),
  patterns: z.array(regexSource).default([]),
  /**
   * What `patterns` run on: `normalized` (lower case, no diacritics, homoglyphs and whitespace
   * folded: for words) or `raw` (the text as written: for keys and numbers).
   */
  match: z.enum(['normalized', 'raw']).default('normalized'),
  /**
   * In `raw` mode, also match where OCR read a digit as a letter next to other digits (O for 0,
   * l/I/| for 1: "CRV-28O61"); the evidence is still the text as written.
   */
  ocrDigits: z.boolean().default(false),
  /** In `raw` mode, ignore letter case. */
  ignoreCase: z.boolean().default(false),
  /** The evidence as written must have no lower-case letters (stamps and banners, not prose). */
  uppercase: z.boolean().default(false),
  /** A checksum or format check the evidence must pass (rules/validators). */
  validate: z.enum(VALIDATOR_NAMES).optional(),
  /** Minimum Shannon entropy of the evidence, in bits per character. */
  entropy: z.number().min(0).max(8).optional(),
  /** Minimum and maximum evidence length in characters. */
  minLength: z.number().int().min(1).optional(),
  maxLength: z.number().int().min(1).optional(),
  context: z.array(contextGroup).default([]),
  /** Report only when a positive context group matched (e.g. a number that is PII only when named). */
  requireContext: z.boolean().default(false),
  /** Evidence matching any of these is not reported (documented examples, placeholders). */
  allow: z.array(regexSource).default([]),
  /** `false` for building blocks that only feed composites and boosters. */
  emit: z.boolean().default(true),
  /** A booster raises findings of these categories in the same text instead of reporting itself. */
  boost: z
    .strictObject({ categories: z.array(z.enum(CATEGORIES)).min(1), score: z.number().int().min(1).max(50) })
    .optional(),
  /** Fires only when every part (rule ids) matched near the others. */
  composite: z.strictObject({ parts: z.array(ruleId).min(2), within: proximity }).optional(),
  examples: z.strictObject({
    leak: z.array(text).min(1, { error: 'must have at least one leak example' }),
    clean: z.array(text).min(1, { error: 'must have at least one clean example' }),
  }),
});

export const packSchema = z.strictObject({
  pack: ruleId,
  description: text,
  rules: z.array(ruleSchema).min(1, { error: 'must have at least one rule' }),
});

export type RuleDefinition = z.output<typeof ruleSchema>;
export type RuleDefinitionInput = z.input<typeof ruleSchema>;
export type PackDefinition = z.output<typeof packSchema>;

/** The base score of a finding by the severity of its rule, when the rule names none. */
export const SEVERITY_BASE_SCORES: Readonly<Record<RuleDefinition['severity'], number>> = {
  info: 20,
  low: 40,
  medium: 60,
  high: 75,
  critical: 90,
};
