import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { AccountList } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { useSignedIn } from '../../session/session-context.js';
import { AccountFilters, readAccountFilters, type AccountFilterValues } from './account-filters.js';
import { AccountsTable } from './accounts-table.js';
import { ActionFeedback, type Feedback } from './action-feedback.js';
import { AddAccountDialog } from './add-account-dialog.js';
import { countBadRows, ImportAccountsDialog } from './import-accounts-dialog.js';
import './accounts.css';

const PAGE_SIZE = 50;

/** /accounts: the registered accounts, filtered and paged, with adding, CSV import and per-account actions. */
export function AccountsPage() {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  const { can } = useSignedIn();
  const [parameters, setParameters] = useSearchParams();
  const filters = readAccountFilters(parameters);
  const location = useLocation();
  // Coming from an account's page that removed it: say what went with it.
  const [feedback, setFeedback] = useState<Feedback>(() => removedFeedback(location.state, t));
  const [dialog, setDialog] = useState<'add' | 'import' | undefined>(undefined);

  const list = useInfiniteQuery({
    queryKey: ['accounts', 'list', filters],
    queryFn: ({ pageParam, signal }) => apiRequest<AccountList>('GET', '/accounts', { query: { ...filters, cursor: pageParam, limit: PAGE_SIZE }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const accounts = list.data?.pages.flatMap((page) => page.items) ?? [];
  const hasFilters = Object.keys(filters).length > 0;

  function applyFilters(values: AccountFilterValues) {
    setParameters(new URLSearchParams(Object.entries(values) as [string, string][]));
  }

  return (
    <>
      <div className="accounts-head">
        <div>
          <h1>{t('title')}</h1>
          <p className="muted accounts-intro">{t('intro')}</p>
        </div>
        {can('accounts:write') && (
          <div className="actions">
            <button type="button" className="primary" onClick={() => setDialog('add')}>
              {t('actions.add')}
            </button>
            <button type="button" onClick={() => setDialog('import')}>
              {t('actions.import')}
            </button>
          </div>
        )}
      </div>
      <ActionFeedback feedback={feedback} onDismiss={() => setFeedback(undefined)} />
      <AccountFilters key={parameters.toString()} values={filters} onChange={applyFilters} />
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && accounts.length === 0 && <p className="panel">{hasFilters ? t('list.empty') : t('list.emptyAll')}</p>}
      {accounts.length > 0 && (
        <>
          <p className="muted accounts-count" aria-live="polite">
            {t('list.count', { count: accounts.length })}
            {list.hasNextPage && <> · {t('list.more')}</>}
          </p>
          <AccountsTable accounts={accounts} onFeedback={setFeedback} />
        </>
      )}
      {list.hasNextPage && (
        <div className="actions">
          <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {list.isFetchingNextPage ? tCommon('status.loading') : tCommon('actions.loadMore')}
          </button>
        </div>
      )}
      {dialog === 'add' && (
        <AddAccountDialog
          onClose={() => setDialog(undefined)}
          onAdded={(account) => {
            setDialog(undefined);
            setFeedback({
              tone: 'ok',
              content: (
                <>
                  {t('add.done', { handle: account.handle })} <Link to={`/accounts/${encodeURIComponent(account.id)}`}>{account.handle}</Link>
                </>
              ),
            });
          }}
        />
      )}
      {dialog === 'import' && (
        <ImportAccountsDialog
          onClose={() => setDialog(undefined)}
          onImported={(result) =>
            setFeedback({
              tone: 'ok',
              content: [
                t('import.result', { count: result.imported }),
                result.skipped > 0 ? t('import.skipped', { count: result.skipped }) : '',
                countBadRows(result) > 0 ? t('import.problems', { count: countBadRows(result) }) : '',
              ].join(' '),
            })
          }
        />
      )}
    </>
  );
}

function removedFeedback(state: unknown, t: TFunction<'accounts'>): Feedback {
  if (typeof state !== 'object' || state === null || !('removed' in state)) return undefined;
  const removed = state.removed as { handle: string; posts: number; images: number; findings: number };
  return { tone: 'ok', content: t('remove.done', removed) };
}
