import { useInfiniteQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { ScanList, ScanStatus, ScanTrigger } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { useSignedIn } from '../../session/session-context.js';
import { isScanLive } from './scan-badges.js';
import { ScansTable } from './scans-table.js';
import { StartScanForm } from './start-scan-form.js';
import './scans.css';

const PAGE_SIZE = 25;
const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly ScanStatus[];
const TRIGGERS = ['schedule', 'manual', 'api'] as const satisfies readonly ScanTrigger[];

/** /scans: running and recent scans, live while any runs (every 2 s, else every 30 s), with start and cancel for roles that may. */
export function ScansPage() {
  const { t } = useTranslation('scans');
  const { t: tCommon } = useTranslation();
  const { can } = useSignedIn();
  const id = useId();
  const [parameters, setParameters] = useSearchParams();
  const status = (STATUSES as readonly (string | null)[]).includes(parameters.get('status')) ? (parameters.get('status') as ScanStatus) : undefined;
  const trigger = (TRIGGERS as readonly (string | null)[]).includes(parameters.get('trigger')) ? (parameters.get('trigger') as ScanTrigger) : undefined;

  const list = useInfiniteQuery({
    queryKey: ['scans', 'list', { status, trigger }],
    queryFn: ({ pageParam, signal }) => apiRequest<ScanList>('GET', '/scans', { query: { status, trigger, cursor: pageParam, limit: PAGE_SIZE }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.items.some((scan) => isScanLive(scan.status))) ? 2_000 : 30_000),
  });
  const scans = list.data?.pages.flatMap((page) => page.items) ?? [];
  const isAnyLive = scans.some((scan) => isScanLive(scan.status));

  function setFilter(name: 'status' | 'trigger', value: string) {
    const next = new URLSearchParams(parameters);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setParameters(next);
  }

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted scans-intro">{t('intro')}</p>
      {can('scans:write') && <StartScanForm />}
      <form className="toolbar" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('filters.status')}</label>
          <select id={`${id}-status`} value={status ?? ''} onChange={(event) => setFilter('status', event.target.value)}>
            <option value="">{t('filters.any')}</option>
            {STATUSES.map((name) => (
              <option key={name} value={name}>
                {t(`statuses.${name}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-trigger`}>{t('filters.trigger')}</label>
          <select id={`${id}-trigger`} value={trigger ?? ''} onChange={(event) => setFilter('trigger', event.target.value)}>
            <option value="">{t('filters.any')}</option>
            {TRIGGERS.map((name) => (
              <option key={name} value={name}>
                {t(`triggers.${name}`)}
              </option>
            ))}
          </select>
        </div>
        {isAnyLive && <p className="muted scans-live">{t('list.live')}</p>}
      </form>
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && scans.length === 0 && <p className="panel">{status === undefined && trigger === undefined ? t('list.emptyAll') : t('list.empty')}</p>}
      {scans.length > 0 && <ScansTable scans={scans} />}
      {list.hasNextPage && (
        <div className="actions">
          <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {list.isFetchingNextPage ? tCommon('status.loading') : tCommon('actions.loadMore')}
          </button>
        </div>
      )}
    </>
  );
}
