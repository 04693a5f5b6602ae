import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { ScanDetail, ScanRun } from '../../api/api-types.js';
import { formatDateTime, formatNumber, formatRelative } from '../../i18n/format.js';
import { CancelScanButton } from './cancel-scan-button.js';
import { isScanLive, ScanStatusBadge } from './scan-badges.js';
import { ScanProgress } from './scan-progress.js';

/** Scans as a table, newest first; a live scan's row follows its progress every 2 s. */
export function ScansTable({ scans }: { scans: readonly ScanRun[] }) {
  const { t } = useTranslation('scans');
  return (
    <div className="scans-table-wrap">
      <table className="data scans-table">
        <caption className="visually-hidden">{t('list.label')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('list.scan')}</th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col">{t('list.progress')}</th>
            <th scope="col" className="num">
              {t('list.posts')}
            </th>
            <th scope="col" className="num">
              {t('list.images')}
            </th>
            <th scope="col" className="num">
              {t('list.findings')}
            </th>
            <th scope="col" className="num">
              {t('list.errors')}
            </th>
            <th scope="col">{t('list.finished')}</th>
            <th scope="col">{t('list.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {scans.map((scan) => (
            <ScanRow key={scan.id} scan={scan} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScanRow({ scan }: { scan: ScanRun }) {
  const { t } = useTranslation('scans');
  const isLive = isScanLive(scan.status);
  // The list's counts are final only when a scan has finished: a live one's come from its progress.
  const detail = useQuery({
    queryKey: ['scans', 'detail', scan.id],
    queryFn: ({ signal }) => apiRequest<ScanDetail>('GET', `/scans/${encodeURIComponent(scan.id)}`, { signal }),
    enabled: isLive,
    refetchInterval: isLive ? 2_000 : false,
  });
  const progress = isLive ? detail.data?.progress : undefined;
  const started = scan.started_at ?? scan.created_at;
  return (
    <tr data-scan-id={scan.id} data-status={scan.status}>
      <th scope="row">
        <Link to={`/scans/${encodeURIComponent(scan.id)}`}>
          <time dateTime={started}>{formatDateTime(started)}</time>
        </Link>
        <span className="muted scans-sub">
          {t(`triggers.${scan.trigger}`)}
          {scan.account_id !== null && <> · {t('list.oneAccount')}</>}
        </span>
      </th>
      <td>
        <ScanStatusBadge status={scan.status} />
      </td>
      <td className="scans-cell-progress">
        {progress === undefined ? (
          <span>
            {t('list.accounts')}: {formatNumber(scan.counts.accounts)}
          </span>
        ) : (
          <ScanProgress progress={progress} isLive isCompact />
        )}
      </td>
      <td className="num">{formatNumber(progress?.posts.total ?? scan.counts.posts)}</td>
      <td className="num">{formatNumber(progress?.images.total ?? scan.counts.images)}</td>
      <td className="num">{formatNumber(progress?.findings ?? scan.counts.findings)}</td>
      <td className={scan.counts.errors > 0 ? 'num status-bad' : 'num'}>{isLive ? '—' : formatNumber(scan.counts.errors)}</td>
      <td>
        {scan.finished_at === null ? (
          <span className="muted">{t('detail.notYet')}</span>
        ) : (
          <time dateTime={scan.finished_at} title={formatDateTime(scan.finished_at)}>
            {formatRelative(scan.finished_at)}
          </time>
        )}
      </td>
      <td>
        <CancelScanButton scan={scan} />
      </td>
    </tr>
  );
}
