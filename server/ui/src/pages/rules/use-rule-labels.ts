import { useTranslation } from 'react-i18next';
import { findings as findingsWords } from '../../i18n/locales/en/findings.js';

type KnownSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';
type KnownCategory = keyof typeof findingsWords.categories;

const SEVERITIES: readonly string[] = ['info', 'low', 'medium', 'high', 'critical'] satisfies readonly KnownSeverity[];

function isKnownSeverity(value: string): value is KnownSeverity {
  return SEVERITIES.includes(value);
}

function isKnownCategory(value: string): value is KnownCategory {
  return Object.hasOwn(findingsWords.categories, value);
}

/** Names of severities and categories in the UI's language; a value the UI does not know is shown as sent. */
export function useRuleLabels(): { severity: (value: string) => string; category: (value: string) => string; severityRank: (value: string) => number } {
  const { t: tCommon } = useTranslation();
  // Category names are the findings page's: one name per category wherever it shows.
  const { t: tFindings } = useTranslation('findings');
  return {
    severity: (value) => (isKnownSeverity(value) ? tCommon(`severities.${value}`) : value),
    category: (value) => (isKnownCategory(value) ? tFindings(`categories.${value}`) : value),
    severityRank: (value) => SEVERITIES.indexOf(value),
  };
}

/** The badge class of a severity (styles.css `sev-*`); a severity the UI does not know gets the plain badge. */
export function severityClass(value: string): string {
  return isKnownSeverity(value) ? `badge sev-${value}` : 'badge';
}
