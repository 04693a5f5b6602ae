/**
 * Secrets published in vendors' documentation and tutorials: they look real but grant nothing, so
 * they never flag. Compared after trimming quotes.
 */
const DOCUMENTED_EXAMPLES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'ASIAIOSFODNN7EXAMPLE',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'xoxb-not-a-real-token-this-will-not-work',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

// Placeholders people type instead of the real value: xxxx, ****, <your-token>, ${API_KEY}, "changeme".
const PLACEHOLDER = new RegExp(
  [
    '^(?:x{4,}|X{4,}|\\*{3,}|•{3,}|\\.{4,}|0{8,})$',
    '(?:x{8,}|X{8,}|\\*{6,}|•{6,})',
    '^<[^>]*>$',
    '^\\$\\{[^}]*\\}$',
    '^\\{\\{[^}]*\\}\\}$',
    '^(?:your|my|example|sample|dummy|placeholder|redacted|insert|replace)[_-]?(?:api[_-]?)?(?:key|token|secret|password|here|value)$',
    '(?:^|[^a-z])(?:your|example|sample|dummy|placeholder|redacted|insert|replace)[_-](?:api[_-]?)?(?:key|token|secret|password|here|value)',
    'EXAMPLE(?:KEY)?$',
  ].join('|'),
  'iu',
);

/** Why a matched secret is a documented example or a placeholder, or undefined if it may be real. */
export function exampleSecretReason(evidence: string): string | undefined {
  const value = evidence.replace(/^["'`]+|["'`]+$/gu, '');
  if (DOCUMENTED_EXAMPLES.has(value)) return 'a documented example secret';
  if (PLACEHOLDER.test(value)) return 'a placeholder, not a real value';
  // A run of one character taking most of the value ("aaaaaaaaaaaaaaaa", "1111-1111").
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  const most = Math.max(0, ...counts.values());
  if (value.length >= 8 && most / value.length > 0.6) return 'a placeholder, not a real value';
  return undefined;
}
