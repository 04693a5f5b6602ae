import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format.js';

/** A rule's false-positive rate as a percentage, or a muted "no verdicts yet" while none of its findings is resolved. */
export function FalsePositiveRate({ rate }: { rate: number | null }) {
  const { t } = useTranslation('rules');
  if (rate === null) return <span className="muted">{t('fpRateNone')}</span>;
  // Above a third, most of what the rule raises is noise: worth a look at its pack.
  const tone = rate >= 1 / 3 ? 'status-bad' : rate > 0.1 ? 'status-warn' : 'status-ok';
  return <span className={tone}>{formatNumber(rate, { style: 'percent', maximumFractionDigits: 1 })}</span>;
}
