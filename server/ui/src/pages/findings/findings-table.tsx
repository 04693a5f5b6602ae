import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FindingItem } from '../../api/api-types.js';
import { formatDateTime, formatRelative } from '../../i18n/format.js';
import { SeverityBadge, StateBadge, useFindingTitle } from './finding-badges.js';

/** Where a finding link came from: the detail page's back link and j/k return to this queue. */
export interface QueueState {
  queueSearch: string;
}

/** What the detail page's way back tells the queue: the finding last seen, to highlight again. */
export interface ReturnState {
  activeId: string;
}

/**
 * The queue's rows: the active one highlighted (aria-current) and each title a link to the finding.
 * With `isSelectable`, a checkbox per row and one for all rows choose findings for bulk actions.
 */
export function FindingsTable({
  items,
  activeId,
  selected,
  isSelectable,
  queueSearch,
  onToggle,
  onToggleAll,
  onActivate,
}: {
  items: readonly FindingItem[];
  activeId: string | undefined;
  selected: ReadonlySet<string>;
  isSelectable: boolean;
  queueSearch: string;
  onToggle: (id: string) => void;
  onToggleAll: (isSelecting: boolean) => void;
  onActivate: (id: string) => void;
}) {
  const { t } = useTranslation('findings');
  const titleOf = useFindingTitle();
  const allCheckbox = useRef<HTMLInputElement>(null);
  const selectedCount = items.filter((item) => selected.has(item.id)).length;
  const isAllSelected = items.length > 0 && selectedCount === items.length;

  useEffect(() => {
    if (allCheckbox.current) allCheckbox.current.indeterminate = selectedCount > 0 && !isAllSelected;
  }, [selectedCount, isAllSelected]);

  const state: QueueState = { queueSearch };
  return (
    <table className="data findings-table" aria-label={t('queue.tableLabel')}>
      <thead>
        <tr>
          {isSelectable && (
            <th scope="col" className="findings-select-cell">
              <input ref={allCheckbox} type="checkbox" checked={isAllSelected} aria-label={t('queue.selectAll')} onChange={() => onToggleAll(!isAllSelected)} />
            </th>
          )}
          <th scope="col">{t('queue.columns.severity')}</th>
          <th scope="col" className="num">
            {t('queue.columns.score')}
          </th>
          <th scope="col">{t('queue.columns.title')}</th>
          <th scope="col">{t('queue.columns.category')}</th>
          <th scope="col">{t('queue.columns.account')}</th>
          <th scope="col">{t('queue.columns.owner')}</th>
          <th scope="col">{t('queue.columns.state')}</th>
          <th scope="col">{t('queue.columns.assignee')}</th>
          <th scope="col">{t('queue.columns.created')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const isActive = item.id === activeId;
          const title = titleOf(item);
          return (
            <tr
              key={item.id}
              data-finding-id={item.id}
              className={isActive ? 'active' : undefined}
              aria-current={isActive ? 'true' : undefined}
              onFocus={() => onActivate(item.id)}
            >
              {isSelectable && (
                <td className="findings-select-cell">
                  <input type="checkbox" checked={selected.has(item.id)} aria-label={t('queue.selectRow', { title })} onChange={() => onToggle(item.id)} />
                </td>
              )}
              <td>
                <SeverityBadge severity={item.severity} />
              </td>
              <td className="num">{item.score}</td>
              <td className="findings-title-cell">
                <Link to={`/findings/${item.id}`} state={state} className="findings-row-link">
                  {title}
                </Link>
                <span className="findings-evidence masked">{item.evidence.text}</span>
                {!item.is_current && <span className="badge findings-stale">{t('queue.notCurrent')}</span>}
              </td>
              <td>{t(`categories.${item.category}`)}</td>
              <td className="findings-account-cell">
                <span className="muted">{item.account.platform}/</span>
                {item.account.handle}
              </td>
              <td>{item.account.owner_name ?? '—'}</td>
              <td>
                <StateBadge finding={item} />
              </td>
              <td>{item.assignee ? (item.assignee.name ?? t('unknownUser')) : <span className="muted">{t('unassigned')}</span>}</td>
              <td>
                <time dateTime={item.created_at} title={formatDateTime(item.created_at)}>
                  {formatRelative(item.created_at)}
                </time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
