import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { FindingItem } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatNumber } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { ActionFeedbackView } from './action-feedback.js';
import { BulkActionBar } from './bulk-action-bar.js';
import { FalsePositiveDialog } from './false-positive-dialog.js';
import { fetchFindings, fetchFindingsSummary, findingKeys } from './findings-api.js';
import { FindingsFilterBar, FindingsSortControls, SEARCH_FIELD_ID } from './findings-filter-bar.js';
import { filtersFromSearch, listQueryOf, searchFromFilters, summaryQueryOf, type FindingsFilters } from './findings-filters.js';
import { FindingsStateTabs } from './findings-state-tabs.js';
import { FindingsTable, type QueueState, type ReturnState } from './findings-table.js';
import { SavedViews } from './saved-views.js';
import { ShortcutHelpDialog } from './shortcut-help-dialog.js';
import { useFindingActions, type QuickAction } from './use-finding-actions.js';
import { useShortcutKeys } from './use-shortcut-keys.js';
import './findings.css';

/** Which finding the keyboard is on: its id, and its place to fall back to when it leaves the list. */
interface Cursor {
  id: string | undefined;
  index: number;
}

/**
 * The findings queue: filters, counts and sort in the URL, saved views, cursor paging, and
 * keyboard triage (j/k to move, Enter to open, x to select, c/f/a/r to act, ? for help), with bulk
 * actions on the selection for roles that may triage.
 */
export function FindingsPage() {
  const { t } = useTranslation('findings');
  const session = useSignedIn();
  const canTriage = session.can('findings:triage');
  const userId = session.user?.id;
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearch(searchParams);
  const listQuery = listQueryOf(filters);
  const canonicalSearch = searchFromFilters(filters).toString();
  const queueSearch = canonicalSearch === '' ? '' : `?${canonicalSearch}`;

  const list = useInfiniteQuery({
    queryKey: findingKeys.list(listQuery),
    queryFn: ({ pageParam, signal }) => fetchFindings({ ...listQuery, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  // Each tab counts without the state filter and each chip without the severity filter.
  const stateSummaryQuery = summaryQueryOf(filters, 'state');
  const severitySummaryQuery = summaryQueryOf(filters, 'severity');
  const stateSummary = useQuery({ queryKey: findingKeys.summary(stateSummaryQuery), queryFn: ({ signal }) => fetchFindingsSummary(stateSummaryQuery, signal) });
  const severitySummary = useQuery({ queryKey: findingKeys.summary(severitySummaryQuery), queryFn: ({ signal }) => fetchFindingsSummary(severitySummaryQuery, signal) });

  const items: FindingItem[] = list.data?.pages.flatMap((page) => page.items) ?? [];
  const location = useLocation();
  const [cursor, setCursor] = useState<Cursor>(() => ({ id: (location.state as Partial<ReturnState> | null)?.activeId, index: -1 }));
  const foundIndex = cursor.id === undefined ? -1 : items.findIndex((item) => item.id === cursor.id);
  const activeIndex = foundIndex >= 0 ? foundIndex : Math.min(cursor.index, items.length - 1);
  const active = activeIndex >= 0 ? items[activeIndex] : undefined;

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const selectedItems = items.filter((item) => selected.has(item.id));
  const [falsePositiveFor, setFalsePositiveFor] = useState<{ items: FindingItem[]; isBulk: boolean } | undefined>(undefined);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const { feedback, setFeedback, isBusy, runQuick, runBulk } = useFindingActions(userId);

  const tableArea = useRef<HTMLDivElement>(null);
  const activeId = active?.id;
  useEffect(() => {
    if (activeId === undefined) return;
    const row = tableArea.current?.querySelector<HTMLElement>(`tr[data-finding-id="${CSS.escape(activeId)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);
  // Back from a finding, focus returns to its row once the list shows it.
  const returnedTo = useRef((location.state as Partial<ReturnState> | null)?.activeId);
  useEffect(() => {
    const id = returnedTo.current;
    if (id === undefined || activeId !== id) return;
    returnedTo.current = undefined;
    tableArea.current?.querySelector<HTMLElement>(`tr[data-finding-id="${CSS.escape(id)}"] .findings-row-link`)?.focus({ preventScroll: true });
  }, [activeId]);

  // Other filters (a tab, a saved view, the back button) start a new list: no cursor, nothing selected.
  const [listedSearch, setListedSearch] = useState(canonicalSearch);
  if (listedSearch !== canonicalSearch) {
    setListedSearch(canonicalSearch);
    setCursor({ id: undefined, index: -1 });
    setSelected(new Set());
  }

  function changeFilters(next: FindingsFilters) {
    setSearchParams(searchFromFilters(next));
  }

  function moveTo(index: number) {
    const item = items[index];
    if (item) setCursor({ id: item.id, index });
  }

  /** Focus follows the keyboard cursor, so Enter on the focused link and screen readers agree with the highlight. */
  function focusRow(id: string | undefined) {
    if (id === undefined) return;
    const link = tableArea.current?.querySelector<HTMLElement>(`tr[data-finding-id="${CSS.escape(id)}"] .findings-row-link`);
    link?.focus({ preventScroll: true });
  }

  function move(delta: 1 | -1) {
    if (items.length === 0) return;
    const next = activeIndex < 0 ? 0 : Math.max(0, Math.min(items.length - 1, activeIndex + delta));
    moveTo(next);
    focusRow(items[next]?.id);
    if (delta === 1 && next >= items.length - 3 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }

  function open(item: FindingItem) {
    const state: QueueState = { queueSearch };
    void navigate(`/findings/${item.id}`, { state });
  }

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  /** After resolving the active finding the cursor goes to the next one (which stays put if the resolved one leaves the list). */
  async function quick(item: FindingItem, action: QuickAction, comment?: string): Promise<boolean> {
    const index = items.findIndex((each) => each.id === item.id);
    const isDone = await runQuick(item, action, comment);
    if (isDone && (action === 'confirm' || action === 'falsePositive') && item.id === active?.id) {
      setCursor({ id: items[index + 1]?.id, index });
      focusRow(items[index + 1]?.id);
    }
    return isDone;
  }

  async function bulk(action: QuickAction, comment?: string): Promise<boolean> {
    const result = await runBulk(selectedItems, action, comment);
    if (!result) return false;
    const failed = new Set(result.results.filter((each) => each.status === 'error').map((each) => each.id));
    setSelected(failed);
    return true;
  }

  function act(action: QuickAction, target: 'active' | 'selection') {
    if (target === 'selection') {
      if (selectedItems.length === 0) return;
      if (action === 'falsePositive') setFalsePositiveFor({ items: selectedItems, isBulk: true });
      else void bulk(action);
      return;
    }
    if (!active) return;
    if (action === 'falsePositive') setFalsePositiveFor({ items: [active], isBulk: false });
    else void quick(active, action);
  }

  // As in mail clients: with findings selected the keys act on them, else on the active one.
  const keyTarget = selectedItems.length > 0 ? 'selection' : 'active';
  useShortcutKeys((key) => {
    switch (key) {
      case 'j':
        move(1);
        return true;
      case 'k':
        move(-1);
        return true;
      case 'Enter':
        if (active) open(active);
        return active !== undefined;
      case '?':
        setHelpOpen(true);
        return true;
      case '/':
        document.getElementById(SEARCH_FIELD_ID)?.focus();
        return true;
    }
    if (!canTriage || isBusy) return false;
    if (key === 'x') {
      if (active) toggle(active.id);
      return active !== undefined;
    }
    if (keyTarget === 'active' && !active) return false;
    switch (key) {
      case 'c':
        act('confirm', keyTarget);
        return true;
      case 'f':
        act('falsePositive', keyTarget);
        return true;
      case 'a':
        if (userId === undefined) return false;
        act('assignToMe', keyTarget);
        return true;
      case 'r':
        act('moveToReview', keyTarget);
        return true;
      default:
        return false;
    }
  });

  const counted = severitySummary.data;
  const total = counted && (filters.severity.length === 0 ? counted.total : filters.severity.reduce((sum, severity) => sum + counted.by_severity[severity], 0));

  return (
    <div className="findings-page">
      <div className="findings-heading">
        <h1>{t('title')}</h1>
        {userId !== undefined && (
          <SavedViews key={userId} userId={userId} currentSearch={canonicalSearch} onRecall={(search) => changeFilters(filtersFromSearch(new URLSearchParams(search)))} />
        )}
        <p className="findings-help-hint">
          <button type="button" className="findings-link-button" onClick={() => setHelpOpen(true)}>
            {t('queue.keyboardHint')}
          </button>
        </p>
      </div>
      <FindingsStateTabs filters={filters} counts={stateSummary.data?.by_state} />
      <FindingsFilterBar filters={filters} onChange={changeFilters} severityCounts={severitySummary.data?.by_severity} />
      <div className="findings-list-head">
        <p className="findings-count" aria-live="polite">
          {total !== undefined && t('queue.matching', { count: total })}
          {(stateSummary.isError || severitySummary.isError) && <span className="muted"> {t('queue.countsUnavailable')}</span>}
        </p>
        <FindingsSortControls filters={filters} onChange={changeFilters} />
      </div>
      {canTriage && selectedItems.length > 0 && (
        <BulkActionBar
          count={selectedItems.length}
          isBusy={isBusy}
          canAssignToMe={userId !== undefined}
          onAction={(action) => act(action, 'selection')}
          onClear={() => setSelected(new Set())}
        />
      )}
      <ActionFeedbackView feedback={feedback} onDismiss={() => setFeedback({})} />
      <div ref={tableArea}>
        {list.isPending && <Loading />}
        {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
        {list.isSuccess && items.length === 0 && <p className="muted">{t('queue.empty')}</p>}
        {items.length > 0 && (
          <FindingsTable
            items={items}
            activeId={active?.id}
            selected={selected}
            isSelectable={canTriage}
            queueSearch={queueSearch}
            onToggle={toggle}
            onToggleAll={(isSelecting) => setSelected(isSelecting ? new Set(items.map((item) => item.id)) : new Set())}
            onActivate={(id) => moveTo(items.findIndex((item) => item.id === id))}
          />
        )}
      </div>
      <div className="findings-paging">
        {items.length > 0 && (
          <span className="muted">
            {total !== undefined
              ? t('queue.shown', { shown: formatNumber(items.length), total: formatNumber(total) })
              : t('queue.shownNoTotal', { shown: formatNumber(items.length) })}
          </span>
        )}
        {list.hasNextPage && (
          <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? t('status.loading', { ns: 'common' }) : t('actions.loadMore', { ns: 'common' })}
          </button>
        )}
        {list.isFetchNextPageError && <ErrorMessage error={list.error} onRetry={() => void list.fetchNextPage()} />}
      </div>
      <FalsePositiveDialog
        count={falsePositiveFor?.items.length}
        onClose={() => setFalsePositiveFor(undefined)}
        onSubmit={async (comment) => {
          if (!falsePositiveFor) return false;
          const isDone = falsePositiveFor.isBulk
            ? await bulk('falsePositive', comment)
            : falsePositiveFor.items[0] !== undefined && (await quick(falsePositiveFor.items[0], 'falsePositive', comment));
          setFalsePositiveFor(undefined);
          return isDone;
        }}
      />
      <ShortcutHelpDialog isOpen={isHelpOpen} page="queue" canTriage={canTriage} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
