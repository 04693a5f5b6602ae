import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { AuditEntry, AuditList } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { AuditDetails } from './audit-details.js';
import { readAuditFilters, toAuditQuery, type AuditFilters } from './audit-filter-params.js';
import { AuditFiltersForm } from './audit-filters-form.js';
import { useActorNames } from './use-actor-names.js';
import './audit.css';

const PAGE_SIZE = 100;

/** Pages of the UI that show one target of an audit entry. */
const TARGET_PAGES: Readonly<Record<string, string>> = { finding: '/findings', account: '/accounts', scan_run: '/scans' };

/** The audit log (audit:read): filters held in the URL, newest first, more loaded by cursor. */
export function AuditPage() {
  const { t } = useTranslation('audit');
  const session = useSignedIn();
  if (!session.can('audit:read')) {
    return (
      <>
        <h1>{t('title')}</h1>
        <p className="notice">{t('forbidden')}</p>
      </>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const { t } = useTranslation('audit');
  const { t: tCommon } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  // A new object each render is fine: the query key is compared by value.
  const filters = readAuditFilters(searchParams);
  const names = useActorNames();

  const query = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) =>
      apiRequest<AuditList>('GET', '/audit', { query: { ...toAuditQuery(filters), limit: PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  function apply(next: AuditFilters) {
    const parameters = new URLSearchParams();
    for (const [name, value] of Object.entries(next)) parameters.set(name, value);
    setSearchParams(parameters);
  }

  const entries = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <AuditFiltersForm filters={filters} onApply={apply} />
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && entries.length === 0 && <p className="notice">{t('empty')}</p>}
      {entries.length > 0 && (
        <>
          <table className="data audit-table">
            <caption className="visually-hidden">{t('title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('columns.when')}</th>
                <th scope="col">{t('columns.who')}</th>
                <th scope="col">{t('columns.action')}</th>
                <th scope="col">{t('columns.target')}</th>
                <th scope="col">{t('columns.details')}</th>
                <th scope="col">{t('columns.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} names={names} />
              ))}
            </tbody>
          </table>
          <div className="audit-paging">
            <p className="muted" role="status">
              {t('shown', { count: entries.length })}
              {!query.hasNextPage && ` ${t('end')}`}
            </p>
            {query.hasNextPage && (
              <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage ? t('loadingMore') : tCommon('actions.loadMore')}
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}

function filterLink(filters: Record<string, string>): string {
  return `/audit?${new URLSearchParams(filters).toString()}`;
}

function AuditRow({ entry, names }: { entry: AuditEntry; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation('audit');
  const actorName = entry.actor_name ?? (entry.actor_id === null ? undefined : names.get(entry.actor_id));
  const actorText = actorName ?? entry.actor_id ?? t('unknownActor');
  const targetPage = entry.target_type === null ? undefined : TARGET_PAGES[entry.target_type];
  const targetName = entry.target_id === null ? undefined : names.get(entry.target_id);
  return (
    <tr>
      <td className="audit-when">
        <time dateTime={entry.occurred_at} title={entry.occurred_at}>
          {formatDateTime(entry.occurred_at)}
        </time>
      </td>
      <td>
        <span className="audit-actor-type">{t(`actorTypes.${entry.actor_type}`)}</span>{' '}
        {entry.actor_id === null ? (
          entry.actor_type !== 'system' && <span className="muted">{t('unknownActor')}</span>
        ) : (
          <Link
            to={filterLink({ actor_type: entry.actor_type, actor_id: entry.actor_id })}
            className={actorName === undefined ? 'mono audit-id' : undefined}
            aria-label={t('onlyActor', { actor: actorText })}
            title={entry.actor_id}
          >
            {actorText}
          </Link>
        )}
      </td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        {entry.target_type !== null && <span>{entry.target_type}</span>}{' '}
        {entry.target_id !== null && (
          <>
            <Link
              to={filterLink({ ...(entry.target_type === null ? {} : { target_type: entry.target_type }), target_id: entry.target_id })}
              className={targetName === undefined ? 'mono audit-id' : undefined}
              aria-label={t('onlyTarget', { target: `${entry.target_type ?? ''} ${targetName ?? entry.target_id}`.trim() })}
              title={entry.target_id}
            >
              {targetName ?? entry.target_id}
            </Link>
            {targetPage !== undefined && (
              <>
                {' '}
                <Link to={`${targetPage}/${encodeURIComponent(entry.target_id)}`} aria-label={t('openTargetLabel', { type: entry.target_type ?? '', id: entry.target_id })}>
                  {t('openTarget')}
                </Link>
              </>
            )}
          </>
        )}
      </td>
      <td>
        <AuditDetails details={entry.details} />
      </td>
      <td className="mono">{entry.ip ?? '—'}</td>
    </tr>
  );
}
