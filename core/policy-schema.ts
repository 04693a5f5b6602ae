import { z } from 'zod';
import { isRegexSafe, UNSAFE_REGEX_MESSAGE } from './is-regex-safe.js';

/** Languages every text pack and the OCR cover. */
export const LANGUAGES = ['en', 'ru', 'uk', 'pl', 'el', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Rule packs shipped with overshare (rules/packs/*.yaml, plus the two generated from the policy). */
export const PACK_NAMES = ['markings', 'secrets', 'pii', 'business', 'organisation', 'fingerprints', 'takeover'] as const;
export type PackName = (typeof PACK_NAMES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Finding categories, as in DESIGN.md. */
export const CATEGORIES = [
  'marking',
  'secret',
  'credential',
  'pii',
  'financial',
  'codename',
  'internal_host',
  'employee_id',
  'customer',
  'personnel',
  'product',
  'security',
  'fingerprint',
  'location',
  'takeover',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Kinds of registered account: an organisation's own (`corporate`) or one of its people's (`employee`). */
export const ACCOUNT_KINDS = ['corporate', 'employee'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

const text = z.string().trim().min(1, { error: 'must not be empty' });

/**
 * A JavaScript regular expression in Unicode mode, free of catastrophic backtracking; a bad one
 * fails with the engine's reason. `strict` (for patterns the policy's author writes, which run
 * over every post) refuses any variable repetition nested in another.
 */
function checkedRegexSource(strict: boolean) {
  return z.string().superRefine((source, context) => {
    try {
      new RegExp(source, 'u');
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `is not a valid regular expression: ${(error as Error).message}`,
      });
      return;
    }
    if (!isRegexSafe(source, { strict })) context.addIssue({ code: 'custom', message: UNSAFE_REGEX_MESSAGE });
  });
}

/** A regular expression of a rule pack (reviewed, tested against its examples). */
export const regexSource = checkedRegexSource(false);
/** A regular expression written in a policy file. */
const policyRegexSource = checkedRegexSource(true);

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/u, {
    error: 'must be a domain name such as corp.example.com (no scheme, no path)',
  });

const hostLabel = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/u, { error: 'must be a single host name such as jira or wiki-prod' });

const ruleId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u, { error: 'must be a kebab-case rule id' });

const days = (fallback: number) =>
  z.number().int().min(1, { error: 'must be at least 1 day' }).max(36_500).default(fallback);

/** An allowlist entry: literal text (the short form) or a regular expression, each with an optional reason. */
const allowEntry = z.union([
  text.transform((literal) => ({ text: literal })),
  z.strictObject({ text, reason: z.string().optional() }),
  z.strictObject({ pattern: policyRegexSource, reason: z.string().optional() }),
]);

const codeName = z.strictObject({
  name: text,
  description: z.string().optional(),
  /** A code name that is also a common word (a bird, a spice) is matched only in the case written here. */
  caseSensitive: z.boolean().default(false),
  /** Words that make a mention of the name count (e.g. "project", "launch"). */
  context: z.array(text).default([]),
});

const sensitiveSite = z.strictObject({
  name: text,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  radiusM: z.number().positive({ error: 'must be a positive number of metres' }).max(100_000),
});

const confidentialDocument = z.strictObject({
  id: ruleId,
  title: text,
  /** A text file (.txt or .md), relative to the policy file. */
  path: text,
});

/**
 * How the takeover signals of corporate accounts are judged (the `takeover` pack): a burst of posts
 * far above the account's usual daily rate, links to domains it never posted before (the
 * organisation's own domains aside), a changed display name or avatar.
 */
const takeoverSettings = z.strictObject({
  /** The burst window: posts published in the last this many hours are counted. */
  burstWindowHours: z.number().int().min(1, { error: 'must be at least 1 hour' }).max(72, { error: 'must be at most 72 hours' }).default(6),
  /** A burst is at least this many times the account's usual number of posts a day. */
  burstFactor: z.number().min(1, { error: 'must be at least 1 (the usual rate)' }).max(100).default(3),
  /** A burst is also at least this many posts, so a quiet account's few posts are never one. */
  burstMinPosts: z.number().int().min(2, { error: 'must be at least 2 posts' }).max(10_000).default(8),
  /** The usual rate is taken over this many days before the window (fewer while the account's history is shorter). */
  baselineDays: z.number().int().min(1, { error: 'must be at least 1 day' }).max(365, { error: 'must be at most 365 days' }).default(30),
  /**
   * Domains of the organisation's own that are never a new link domain, besides `internalDomains`
   * and `emailDomains` (its website, shop, link shortener); subdomains included.
   */
  ownDomains: z.array(domainName).default([]),
});

const TAKEOVER_DEFAULTS = { burstWindowHours: 6, burstFactor: 3, burstMinPosts: 8, baselineDays: 30, ownDomains: [] };

const override = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z.enum(SEVERITIES).optional(),
  /** Replaces the rule's base score (0-100). */
  score: z.number().int().min(0).max(100).optional(),
});

/**
 * The organisation's policy (`overshare.policy.yaml`): what counts as confidential for it and how
 * findings are scored, suppressed and kept. Unknown fields are errors, so a typo never silently
 * turns a check off.
 */
export const policySchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1 (the only policy format so far)' }),
    organisation: z.strictObject({
      name: text,
      aliases: z.array(text).default([]),
    }),
    codeNames: uniqueBy(codeName, 'name', (entry) => entry.name.toLowerCase()),
    internalDomains: z.array(domainName).default([]),
    internalHostnames: z.array(hostLabel).default([]),
    emailDomains: z.array(domainName).default([]),
    employeeIdPattern: policyRegexSource.optional(),
    sensitiveSites: uniqueBy(sensitiveSite, 'name', (entry) => entry.name),
    confidentialDocuments: uniqueBy(confidentialDocument, 'id', (entry) => entry.id),
    packs: z.array(z.enum(PACK_NAMES)).default([...PACK_NAMES]),
    overrides: z.record(ruleId, override).default({}),
    allowlists: z
      .strictObject({
        global: z.array(allowEntry).default([]),
        rules: z.record(ruleId, z.array(allowEntry)).default({}),
        accounts: z
          .record(
            z.string().regex(/^[a-z][a-z0-9-]*:.+$/u, { error: 'must be "platform:handle", e.g. mastodon:@alice@example.social' }),
            z.array(allowEntry),
          )
          .default({}),
      })
      .default({ global: [], rules: {}, accounts: {} }),
    takeover: takeoverSettings.default(TAKEOVER_DEFAULTS),
    reviewThreshold: z.number().int().min(0).max(100).default(60),
    languages: z.array(z.enum(LANGUAGES)).min(1).default(['en', 'ru', 'uk', 'pl', 'el']),
    retention: z
      .strictObject({
        /** Findings still open (new, in review, reopened). */
        findingsDays: days(365),
        /** Findings after their resolution. */
        resolvedFindingsDays: days(180),
        /** The URL, ids and hashes kept of a post with no finding. */
        cleanPostsDays: days(30),
        /** SIEM events in the outbox, once every sink has taken them. */
        eventsDays: days(90),
        auditLogDays: days(730),
      })
      .default({ findingsDays: 365, resolvedFindingsDays: 180, cleanPostsDays: 30, eventsDays: 90, auditLogDays: 730 }),
  });

export type Policy = z.output<typeof policySchema>;
export type AllowEntry = z.output<typeof allowEntry>;
/** The `takeover` settings of a parsed policy, every default filled in. */
export type TakeoverSettings = z.output<typeof takeoverSettings>;

/**
 * A list whose entries must differ in `field` (compared by `keyOf`). Checked on the list itself, so
 * a repeat is reported together with problems elsewhere in the policy.
 */
function uniqueBy<Entry extends z.ZodType>(entry: Entry, field: string, keyOf: (value: z.output<Entry>) => string) {
  return z
    .array(entry)
    .default([])
    .superRefine((values, context) => {
      const seen = new Map<string, number>();
      values.forEach((value, index) => {
        const key = keyOf(value);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else
          context.addIssue({
            code: 'custom',
            path: [index, field],
            message: `repeats entry ${first} (${JSON.stringify(key)}); each must be unique`,
          });
      });
    });
}
