import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { AccountDetail, AccountScan } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime, formatNumber, formatRelative } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { ScanOutcomeBadge } from '../scans/scan-badges.js';
import { AccountActions } from './account-actions.js';
import { AccountFields } from './account-fields.js';
import { AccountHistory } from './account-history.js';
import { AccountStatusWhy, CanaryBadge } from './account-status.js';
import { ActionFeedback, type Feedback } from './action-feedback.js';
import { PlatformName } from './platform-name.js';
import './accounts.css';

/** /accounts/:id: one account's registration, status and why, what it holds, its scans, and its actions. */
export function AccountDetailPage() {
  const { t } = useTranslation('accounts');
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { can } = useSignedIn();
  const [feedback, setFeedback] = useState<Feedback>(undefined);
  const [isFull, setFull] = useState(false);
  const detail = useQuery({
    queryKey: ['accounts', 'detail', id],
    queryFn: ({ signal }) => apiRequest<AccountDetail>('GET', `/accounts/${encodeURIComponent(id)}`, { signal }),
    // While it waits in a scan its status and counts change: follow them.
    refetchInterval: (query) => (query.state.data?.current_scan ? 2_000 : false),
  });

  if (detail.isPending) return <Loading />;
  if (detail.isError) {
    return (
      <>
        <p>
          <Link to="/accounts">{t('actions.backToList')}</Link>
        </p>
        <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />
      </>
    );
  }
  const account = detail.data;
  const isLive = account.current_scan !== null;
  return (
    <>
      <p className="accounts-back">
        <Link to="/accounts">{t('actions.backToList')}</Link>
      </p>
      <div className="accounts-head">
        <div>
          <h1 className="accounts-detail-title">{account.handle}</h1>
          <p className="muted">
            <PlatformName platform={account.platform} /> · {t(`kinds.${account.kind}`)}
            {account.display_name !== null && <> · {account.display_name}</>}
            {account.is_canary && (
              <>
                {' '}
                <CanaryBadge />
              </>
            )}
          </p>
        </div>
        <div className="accounts-detail-actions">
          {can('scans:write') && account.active && (
            <label className="accounts-full-scan">
              <input type="checkbox" checked={isFull} onChange={(event) => setFull(event.target.checked)} /> {t('detail.fullScan')}
            </label>
          )}
          <AccountActions
            account={account}
            isFull={isFull}
            onFeedback={setFeedback}
            onRemoved={(result) => void navigate('/accounts', { state: { removed: { handle: account.handle, ...result.deleted } } })}
          />
        </div>
      </div>
      <ActionFeedback feedback={feedback} onDismiss={() => setFeedback(undefined)} />
      <div className="accounts-detail-grid">
        <section className="panel accounts-panel" aria-labelledby="account-status-title">
          <h2 id="account-status-title">{t('detail.status')}</h2>
          <dl className="accounts-dl">
            <dt>{t('detail.statusNow')}</dt>
            <dd>
              <AccountStatusWhy account={account} />
              {account.coverage_gap !== null && can('coverage:read') && (
                <Link to={`/coverage?platform=${encodeURIComponent(account.platform)}`} className="accounts-block">
                  {t('coverage.seeCoverage')}
                </Link>
              )}
            </dd>
            <dt>{t('list.scanning')}</dt>
            <dd className={account.active ? 'status-ok' : 'status-warn'}>{account.active ? t('active.yes') : t('active.no')}</dd>
            <dt>{t('detail.lastScanned')}</dt>
            <dd>
              <When iso={account.last_scanned_at} />
            </dd>
            <dt>{t('detail.coveredUntil')}</dt>
            <dd>
              <When iso={account.last_success_at} />
            </dd>
            <dt>{t('detail.nextScan')}</dt>
            <dd>{account.active ? <When iso={account.next_scan_at} /> : t('detail.notScheduled')}</dd>
            {/* A blocked or failing account's error shows with its status above; an older one of an OK account here. */}
            {account.status === 'ok' && account.last_error !== null && (
              <>
                <dt>{t('detail.lastError')}</dt>
                <dd className="accounts-error-text">
                  {account.last_error} <span className="muted">(<When iso={account.last_error_at} />)</span>
                </dd>
              </>
            )}
            <dt>{t('detail.currentScan')}</dt>
            <dd>{account.current_scan === null ? t('detail.none') : <ScanLine scan={account.current_scan} shownError={account.last_error} />}</dd>
            <dt>{t('detail.lastScan')}</dt>
            <dd>{account.last_scan === null ? t('detail.none') : <ScanLine scan={account.last_scan} shownError={account.last_error} />}</dd>
          </dl>
        </section>
        <section className="panel accounts-panel" aria-labelledby="account-holdings-title">
          <h2 id="account-holdings-title">{t('detail.holdings')}</h2>
          <dl className="accounts-counts">
            <div>
              <dt>{t('detail.openFindings')}</dt>
              <dd data-testid="account-open-findings">{formatNumber(account.counts.open_findings)}</dd>
            </div>
            <div>
              <dt>{t('detail.findings')}</dt>
              <dd>{formatNumber(account.counts.findings)}</dd>
            </div>
            <div>
              <dt>{t('detail.posts')}</dt>
              <dd>{formatNumber(account.counts.posts)}</dd>
            </div>
            <div>
              <dt>{t('detail.images')}</dt>
              <dd>{formatNumber(account.counts.images)}</dd>
            </div>
          </dl>
          {can('findings:read') && (
            <p>
              <Link to={`/findings?account=${encodeURIComponent(account.id)}`}>{t('actions.viewFindings')}</Link>
            </p>
          )}
        </section>
      </div>
      <AccountHistory accountId={account.id} isLive={isLive} />
      <AccountFields account={account} />
    </>
  );
}

function When({ iso }: { iso: string | null }) {
  const { t } = useTranslation();
  if (iso === null) return <>{t('status.never')}</>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

/** A scan the account took part in; its error unless it is `shownError`, the one the status shows already. */
function ScanLine({ scan, shownError }: { scan: AccountScan; shownError: string | null }) {
  const { t } = useTranslation('accounts');
  return (
    <span className="accounts-scan-line">
      <ScanOutcomeBadge outcome={scan.outcome} /> <span className="muted">({t('detail.scanStatus', { status: t(`scanStatuses.${scan.scan_status}`) })})</span> ·{' '}
      {t('history.posts')}: {formatNumber(scan.posts)} ·{' '}
      <When iso={scan.at} /> · <Link to={`/scans/${encodeURIComponent(scan.scan_id)}`}>{t('detail.openScan')}</Link>
      {scan.error !== null && scan.error !== shownError && <span className="accounts-error-text accounts-scan-error">{scan.error}</span>}
    </span>
  );
}
