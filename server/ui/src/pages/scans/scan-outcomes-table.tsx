import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ScanDetail } from '../../api/api-types.js';
import { formatDateTime, formatNumber, formatRelative } from '../../i18n/format.js';
import { PlatformName } from '../accounts/platform-name.js';
import { ScanOutcomeBadge } from './scan-badges.js';

const PROBLEMS = new Set(['blocked', 'failed', 'skipped']);

/** How each account fared in the scan and why one was blocked, failed or skipped; can show only those. */
export function ScanOutcomesTable({ scan }: { scan: ScanDetail }) {
  const { t } = useTranslation('scans');
  const id = useId();
  const [isOnlyProblems, setOnlyProblems] = useState(false);
  const shown = isOnlyProblems ? scan.accounts.filter((outcome) => PROBLEMS.has(outcome.status)) : scan.accounts;
  return (
    <section className="panel scans-panel" aria-labelledby={`${id}-title`}>
      <div className="scans-section-head">
        <h2 id={`${id}-title`} className="scans-panel-title">
          {t('detail.outcomes')} <span className="muted">({formatNumber(scan.accounts.length)})</span>
        </h2>
        {scan.accounts.length > 0 && (
          <label className="scans-only-problems">
            <input type="checkbox" checked={isOnlyProblems} onChange={(event) => setOnlyProblems(event.target.checked)} /> {t('detail.onlyProblems')}
          </label>
        )}
      </div>
      {scan.accounts_truncated && <p className="notice">{t('detail.truncated', { shown: formatNumber(scan.accounts.length) })}</p>}
      {scan.accounts.length === 0 && <p className="muted">{t('detail.noOutcomes')}</p>}
      {scan.accounts.length > 0 && shown.length === 0 && <p className="muted">{t('detail.noProblems')}</p>}
      {shown.length > 0 && (
        <div className="scans-table-wrap">
          <table className="data scans-outcomes">
            <caption className="visually-hidden">{t('detail.outcomesLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('detail.account')}</th>
                <th scope="col">{t('detail.outcome')}</th>
                <th scope="col" className="num">
                  {t('detail.posts')}
                </th>
                <th scope="col">{t('detail.error')}</th>
                <th scope="col">{t('detail.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((outcome) => (
                <tr key={outcome.account_id} data-account-id={outcome.account_id} data-outcome={outcome.status}>
                  <th scope="row">
                    <Link to={`/accounts/${encodeURIComponent(outcome.account_id)}`}>{outcome.handle}</Link>{' '}
                    <span className="muted">
                      <PlatformName platform={outcome.platform} />
                    </span>
                  </th>
                  <td>
                    <ScanOutcomeBadge outcome={outcome.status} />
                  </td>
                  <td className="num">{formatNumber(outcome.posts)}</td>
                  <td className={outcome.error !== null || PROBLEMS.has(outcome.status) ? 'scans-error-text' : 'muted'}>
                    {outcome.error ?? (PROBLEMS.has(outcome.status) ? t(`outcomeHints.${outcome.status}`) : '—')}
                  </td>
                  <td>
                    <time dateTime={outcome.updated_at} title={formatDateTime(outcome.updated_at)}>
                      {formatRelative(outcome.updated_at)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
