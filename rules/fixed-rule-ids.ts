import type { Category, PackName, Policy, Severity } from '../core/policy-schema.js';

/** The rule id of a finding that quotes a registered confidential document (fingerprints). */
export const CONFIDENTIAL_DOCUMENT_RULE = 'confidential-document';
/** The rule id of a finding whose image GPS lies inside a sensitive site. */
export const SENSITIVE_SITE_RULE = 'sensitive-site-location';
/** Takeover signal: a corporate account posted far more in the last hours than it usually does in a day. */
export const TAKEOVER_POST_BURST_RULE = 'takeover-post-burst';
/** Takeover signal: a corporate account linked a domain it never posted before. */
export const TAKEOVER_NEW_LINK_DOMAIN_RULE = 'takeover-new-link-domain';
/** Takeover signal: a corporate account's display name or avatar changed. */
export const TAKEOVER_PROFILE_CHANGED_RULE = 'takeover-profile-changed';

/** The takeover signals, judged when a corporate account is collected rather than when a post is analyzed. */
export const TAKEOVER_SIGNAL_RULE_IDS: readonly string[] = [TAKEOVER_POST_BURST_RULE, TAKEOVER_NEW_LINK_DOMAIN_RULE, TAKEOVER_PROFILE_CHANGED_RULE];

/** A rule that comes from code rather than a pack: how it is listed and what it scores before the policy's overrides. */
export interface FixedRule {
  readonly id: string;
  /** The pack that must be enabled for the rule to run. */
  readonly pack: PackName;
  readonly title: string;
  readonly description: string;
  readonly category: Category;
  readonly severity: Severity;
  /** Base score 0-100. */
  readonly score: number;
}

/**
 * Every fixed rule. Severities of the takeover signals: a burst and a changed profile are `medium`
 * (each alone has innocent causes: a live event, a rebrand), a new link domain `low` (corporate
 * accounts link new sites all the time); each gains points when other signals come with it in the
 * same reading, and the scam texts of the `takeover` pack are `high`.
 */
export const FIXED_RULES: readonly FixedRule[] = [
  {
    id: CONFIDENTIAL_DOCUMENT_RULE,
    pack: 'fingerprints',
    title: 'Quotes a registered confidential document',
    description: 'Passages of a document the policy registers as confidential (confidentialDocuments) appear in the post text or in the text of one of its images.',
    category: 'fingerprint',
    severity: 'high',
    score: 70,
  },
  {
    id: SENSITIVE_SITE_RULE,
    pack: 'organisation',
    title: 'Photo taken inside a sensitive site',
    description: "The GPS position in an image's metadata lies within the radius of a sensitive site the policy names (sensitiveSites).",
    category: 'location',
    severity: 'high',
    score: 75,
  },
  {
    id: TAKEOVER_POST_BURST_RULE,
    pack: 'takeover',
    title: 'Burst of posts on a corporate account',
    description:
      'A corporate account published far more posts in the last hours (takeover.burstWindowHours) than it usually does in a whole day over the weeks before ' +
      '(takeover.burstFactor times its usual daily rate, and at least takeover.burstMinPosts posts): hijacked accounts spam. One finding per burst.',
    category: 'takeover',
    severity: 'medium',
    score: 60,
  },
  {
    id: TAKEOVER_NEW_LINK_DOMAIN_RULE,
    pack: 'takeover',
    title: 'Link to a domain the corporate account never used',
    description:
      "A corporate account's post links to a domain none of its earlier posts linked to (hijackers link their scam sites). The organisation's own domains " +
      '(internalDomains, emailDomains, takeover.ownDomains) never count; the first reading of an account only learns its domains.',
    category: 'takeover',
    severity: 'low',
    score: 45,
  },
  {
    id: TAKEOVER_PROFILE_CHANGED_RULE,
    pack: 'takeover',
    title: 'Corporate account changed its display name or avatar',
    description:
      "The display name or avatar the platform shows for a corporate account differs from the one seen at its last reading (hijackers rename accounts to pose as someone else). Read where the platform shows a profile (Telegram, Mastodon, Bluesky); the first reading only learns it.",
    category: 'takeover',
    severity: 'medium',
    score: 60,
  },
];

/** Rule ids that come from code rather than packs (policy overrides may name them). */
export const FIXED_RULE_IDS: readonly string[] = FIXED_RULES.map((rule) => rule.id);

/** The fixed rules in force under the policy (their pack enabled, not turned off), its severity and score overrides applied. */
export function fixedRulesInForce(policy: Policy): FixedRule[] {
  return FIXED_RULES.flatMap((rule) => {
    const override = policy.overrides[rule.id];
    if (!policy.packs.includes(rule.pack) || override?.enabled === false) return [];
    return [{ ...rule, severity: override?.severity ?? rule.severity, score: override?.score ?? rule.score }];
  });
}
