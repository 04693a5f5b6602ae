import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FindingsSummary } from '../../api/api-types.js';
import { formatNumber } from '../../i18n/format.js';
import { OPEN_STATES, searchFromFilters, type FindingsFilters, type StateTab } from './findings-filters.js';

const TABS: readonly StateTab[] = ['open', 'new', 'in_review', 'reopened', 'resolved', 'all'];

function countOf(tab: StateTab, counts: FindingsSummary['by_state']): number {
  if (tab === 'open') return OPEN_STATES.reduce((sum, state) => sum + counts[state], 0);
  if (tab === 'all') return counts.new + counts.in_review + counts.reopened + counts.resolved;
  return counts[tab];
}

/** The state tabs as links keeping the other filters, each with its count when the summary answered. */
export function FindingsStateTabs({ filters, counts }: { filters: FindingsFilters; counts: FindingsSummary['by_state'] | undefined }) {
  const { t } = useTranslation('findings');
  return (
    <nav aria-label={t('queue.tabsLabel')}>
      <ul className="tabs findings-tabs">
        {TABS.map((tab) => {
          const search = searchFromFilters({ ...filters, tab }).toString();
          const isCurrent = filters.tab === tab;
          return (
            <li key={tab}>
              <Link to={{ pathname: '/findings', search }} className={isCurrent ? 'active' : undefined} aria-current={isCurrent ? 'page' : undefined}>
                {t(`queue.tabs.${tab}`)}
                {counts && <span className="findings-tab-count"> {formatNumber(countOf(tab, counts))}</span>}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
