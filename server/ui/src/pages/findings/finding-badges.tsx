import { useTranslation } from 'react-i18next';
import type { FindingItem, FindingState, Severity } from '../../api/api-types.js';

/** A finding's severity as a coloured badge (the colour repeats the word; it never stands alone). */
export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return <span className={`badge sev-${severity}`}>{t(`severities.${severity}`)}</span>;
}

const STATE_CLASSES: Record<FindingState, string> = {
  new: 'findings-state-new',
  in_review: 'findings-state-review',
  reopened: 'findings-state-reopened',
  resolved: 'findings-state-resolved',
};

/** A finding's state, with its resolution once resolved. */
export function StateBadge({ finding }: { finding: Pick<FindingItem, 'state' | 'resolution'> }) {
  const { t } = useTranslation('findings');
  return (
    <span className={`findings-state ${STATE_CLASSES[finding.state]}`}>
      {t(`states.${finding.state}`, { ns: 'common' })}
      {finding.resolution !== null && <span className="findings-resolution"> · {t(`resolutions.${finding.resolution}`)}</span>}
    </span>
  );
}

/** The title of a finding, or a stand-in when it has none. */
export function useFindingTitle(): (finding: Pick<FindingItem, 'title'>) => string {
  const { t } = useTranslation('findings');
  return (finding) => finding.title ?? t('untitled');
}
