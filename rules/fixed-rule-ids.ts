/** The rule id of a finding that quotes a registered confidential document (fingerprints). */
export const CONFIDENTIAL_DOCUMENT_RULE = 'confidential-document';
/** The rule id of a finding whose image GPS lies inside a sensitive site. */
export const SENSITIVE_SITE_RULE = 'sensitive-site-location';

/** Rule ids that come from code rather than packs (policy overrides may name them). */
export const FIXED_RULE_IDS: readonly string[] = [CONFIDENTIAL_DOCUMENT_RULE, SENSITIVE_SITE_RULE];
