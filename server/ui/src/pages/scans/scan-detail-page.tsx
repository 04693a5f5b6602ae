import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { ScanDetail } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { CancelScanButton } from './cancel-scan-button.js';
import { isScanLive, ScanStatusBadge } from './scan-badges.js';
import { ScanErrors } from './scan-errors.js';
import { ScanOutcomesTable } from './scan-outcomes-table.js';
import { ScanProgress } from './scan-progress.js';
import './scans.css';

/** /scans/:id: one scan's progress, errors and how each account fared, live every 2 s until all its work is done. */
export function ScanDetailPage() {
  const { t } = useTranslation('scans');
  const { id = '' } = useParams();
  const [isCancelled, setCancelled] = useState(false);
  const scan = useQuery({
    queryKey: ['scans', 'detail', id],
    queryFn: ({ signal }) => apiRequest<ScanDetail>('GET', `/scans/${encodeURIComponent(id)}`, { signal }),
    // The list's rows cache live scans under this key: read afresh on arrival, not a row's last poll.
    staleTime: 0,
    // A cancelled or finished scan may still be analyzing what it collected: follow until it is all done.
    refetchInterval: (query) => (query.state.data && !isFollowed(query.state.data) ? false : 2_000),
  });

  if (scan.isPending) return <Loading />;
  if (scan.isError) {
    return (
      <>
        <p>
          <Link to="/scans">{t('detail.back')}</Link>
        </p>
        <ErrorMessage error={scan.error} onRetry={() => void scan.refetch()} />
      </>
    );
  }
  const run = scan.data;
  const isLive = isScanLive(run.status);
  const started = run.started_at ?? run.created_at;
  const single = run.account_id === null ? undefined : run.accounts.find((outcome) => outcome.account_id === run.account_id);
  return (
    <>
      <p className="scans-back">
        <Link to="/scans">{t('detail.back')}</Link>
      </p>
      <div className="scans-head">
        <h1>{t('detail.title', { when: formatDateTime(started) })}</h1>
        <ScanStatusBadge status={run.status} />
        <CancelScanButton scan={run} onCancelled={() => setCancelled(true)} />
      </div>
      <div role="status">
        {isCancelled && <p className="notice">{t('cancel.done')}</p>}
        {isFollowed(run) && <p className="muted scans-live">{isLive ? t('detail.live') : t('progress.finishing')}</p>}
      </div>
      <div className="scans-detail-grid">
        <section className="panel scans-panel" aria-labelledby="scan-progress-title">
          <h2 id="scan-progress-title">{t('detail.progress')}</h2>
          <ScanProgress progress={run.progress} isLive={isFollowed(run)} />
        </section>
        <section className="panel scans-panel" aria-labelledby="scan-summary-title">
          <h2 id="scan-summary-title">{t('detail.summary')}</h2>
          <dl className="scans-dl">
            <dt>{t('detail.trigger')}</dt>
            <dd>{t(`triggers.${run.trigger}`)}</dd>
            {run.account_id !== null && (
              <>
                <dt>{t('detail.account')}</dt>
                <dd>
                  <Link to={`/accounts/${encodeURIComponent(run.account_id)}`}>{single?.handle ?? run.account_id}</Link>
                </dd>
              </>
            )}
            <dt>{t('list.accounts')}</dt>
            <dd>{formatNumber(run.counts.accounts)}</dd>
            <dt>{t('detail.created')}</dt>
            <dd>{formatDateTime(run.created_at)}</dd>
            <dt>{t('detail.started')}</dt>
            <dd>{run.started_at === null ? t('detail.notYet') : formatDateTime(run.started_at)}</dd>
            <dt>{t('detail.finished')}</dt>
            <dd>{run.finished_at === null ? t('detail.notYet') : formatDateTime(run.finished_at)}</dd>
            {run.started_at !== null && run.finished_at !== null && (
              <>
                <dt>{t('detail.duration')}</dt>
                <dd>{t('detail.durationValue', { seconds: formatNumber((Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000, { maximumFractionDigits: 1 }) })}</dd>
              </>
            )}
          </dl>
        </section>
      </div>
      <ScanErrors scan={run} />
      <ScanOutcomesTable scan={run} />
    </>
  );
}

/** How long after a scan ends its page still follows the analysis of what it collected. */
const FOLLOW_AFTER_END_MS = 10 * 60_000;

/** Whether the scan may still change: queued, running, or lately ended and still analyzing what it collected. */
function isFollowed(scan: ScanDetail): boolean {
  if (isScanLive(scan.status)) return true;
  // A scan whose analysis stalled (a worker gone) is not polled for ever.
  return !scan.progress.is_done && (scan.finished_at === null || Date.now() - Date.parse(scan.finished_at) < FOLLOW_AFTER_END_MS);
}
