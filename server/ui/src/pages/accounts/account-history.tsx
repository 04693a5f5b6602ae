import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import { ApiError } from '../../api/api-error.js';
import type { AccountHistory } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { ScanOutcomeBadge, ScanStatusBadge } from '../scans/scan-badges.js';

const PAGE_SIZE = 20;

/**
 * Every scan that covered the account, newest first and paged: its outcome, counts, and the kind
 * and text of any error. Refreshed every 2 s while `isLive` (the account waits in a scan).
 */
export function AccountHistory({ accountId, isLive }: { accountId: string; isLive: boolean }) {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  const history = useInfiniteQuery({
    queryKey: ['accounts', 'history', accountId],
    queryFn: ({ pageParam, signal }) =>
      apiRequest<AccountHistory>('GET', `/accounts/${encodeURIComponent(accountId)}/history`, { query: { cursor: pageParam, limit: PAGE_SIZE }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: isLive ? 2_000 : false,
  });
  const entries = history.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="panel accounts-panel" aria-labelledby="account-history-title">
      <h2 id="account-history-title">{t('history.title')}</h2>
      {history.isPending && <Loading />}
      {history.isError &&
        // The account itself loaded, so a 404 here means this server has no history route.
        (history.error instanceof ApiError && history.error.status === 404 ? (
          <p className="muted">{t('history.unavailable')}</p>
        ) : (
          <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
        ))}
      {history.isSuccess && entries.length === 0 && <p className="muted">{t('history.empty')}</p>}
      {entries.length > 0 && (
        <div className="accounts-table-wrap">
          <table className="data accounts-history">
            <caption className="visually-hidden">{t('history.label')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.when')}</th>
                <th scope="col">{t('history.scan')}</th>
                <th scope="col">{t('history.outcome')}</th>
                <th scope="col" className="num">
                  {t('history.posts')}
                </th>
                <th scope="col" className="num">
                  {t('history.newFindings')}
                </th>
                <th scope="col">{t('history.errorKind')}</th>
                <th scope="col">{t('history.error')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.scan_id}>
                  <th scope="row">
                    <time dateTime={entry.scan_started_at ?? entry.scan_created_at}>{formatDateTime(entry.scan_started_at ?? entry.scan_created_at)}</time>
                  </th>
                  <td>
                    <Link to={`/scans/${encodeURIComponent(entry.scan_id)}`}>{t('detail.openScan')}</Link> <ScanStatusBadge status={entry.scan_status} />
                    <span className="muted accounts-block">{t(`history.triggers.${entry.trigger}`)}</span>
                  </td>
                  <td>
                    <ScanOutcomeBadge outcome={entry.outcome} />
                  </td>
                  <td className="num">{formatNumber(entry.counts.posts)}</td>
                  <td className="num">{formatNumber(entry.counts.new_findings)}</td>
                  <td>{entry.error_kind === null ? '—' : <span title={t(`history.errorKindHints.${entry.error_kind}`)}>{t(`history.errorKinds.${entry.error_kind}`)}</span>}</td>
                  <td className={entry.error === null ? 'muted' : 'accounts-error-text'}>{entry.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {history.hasNextPage && (
        <div className="actions">
          <button type="button" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
            {history.isFetchingNextPage ? tCommon('status.loading') : tCommon('actions.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}
