import { useTranslation } from 'react-i18next';
import { rules as rulesWords } from '../../i18n/locales/en/rules.js';

type KnownSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';
type KnownCategory = keyof typeof rulesWords.categories;

const SEVERITIES: readonly string[] = ['info', 'low', 'medium', 'high', 'critical'] satisfies readonly KnownSeverity[];

function isKnownSeverity(value: string): value is KnownSeverity {
  return SEVERITIES.includes(value);
}

function isKnownCategory(value: string): value is KnownCategory {
  return Object.hasOwn(rulesWords.categories, value);
}

/** Names of severities and categories in the UI's language; a value the UI does not know is shown as sent. */
export function useRuleLabels(): { severity: (value: string) => string; category: (value: string) => string; severityRank: (value: string) => number } {
  const { t: tCommon } = useTranslation();
  const { t } = useTranslation('rules');
  return {
    severity: (value) => (isKnownSeverity(value) ? tCommon(`severities.${value}`) : value),
    category: (value) => (isKnownCategory(value) ? t(`categories.${value}`) : value),
    severityRank: (value) => SEVERITIES.indexOf(value),
  };
}

/** The badge class of a severity (styles.css `sev-*`); a severity the UI does not know gets the plain badge. */
export function severityClass(value: string): string {
  return isKnownSeverity(value) ? `badge sev-${value}` : 'badge';
}
