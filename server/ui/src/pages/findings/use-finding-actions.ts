import { useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error.js';
import type { BulkTriageRequest, BulkTriageResult, FindingDetail, FindingItem, FindingList } from '../../api/api-types.js';
import { useFindingTitle } from './finding-badges.js';
import { assignFindingToMe, bulkTriageFindings, findingKeys, transitionFinding } from './findings-api.js';

/** The one-key triage actions of the queue. */
export type QuickAction = 'confirm' | 'falsePositive' | 'assignToMe' | 'moveToReview';

/** What the last action said: a line for the live region, a warning, or an error to show with ErrorMessage. */
export interface ActionFeedback {
  status?: string;
  warning?: string;
  error?: unknown;
  bulk?: { result: BulkTriageResult; titles: ReadonlyMap<string, string> };
}

/** Puts a changed finding into every cached list and its detail, before the refetch confirms it. */
export function patchCachedFinding(queryClient: QueryClient, updated: FindingItem): void {
  queryClient.setQueriesData<InfiniteData<FindingList>>({ queryKey: [...findingKeys.all, 'list'] }, (data) =>
    data
      ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === updated.id ? updated : item)) })) }
      : data,
  );
  queryClient.setQueryData<FindingDetail>(findingKeys.detail(updated.id), (detail) => (detail ? { ...detail, ...updated } : detail));
}

/**
 * Triage of one finding or many from the queue: each change is sent with the version the row shows
 * (If-Match), the row updates at once and every list and count is refetched. A 412 (someone else
 * changed it) reloads the finding and says so; other failures come back as `feedback.error`.
 */
export function useFindingActions(userId: string | undefined) {
  const { t } = useTranslation('findings');
  const titleOf = useFindingTitle();
  const queryClient = useQueryClient();
  const [feedback, setFeedback] = useState<ActionFeedback>({});
  const [isBusy, setBusy] = useState(false);

  async function refresh(): Promise<void> {
    await queryClient.invalidateQueries({ queryKey: findingKeys.all });
  }

  /** Runs one quick action on one finding; resolves true when it was done. */
  async function runQuick(item: FindingItem, action: QuickAction, comment?: string): Promise<boolean> {
    const title = titleOf(item);
    if ((action === 'confirm' || action === 'falsePositive') && item.state === 'resolved') {
      setFeedback({ warning: t('actions.alreadyResolved', { title }) });
      return false;
    }
    if (action === 'moveToReview' && item.state !== 'new' && item.state !== 'reopened') {
      setFeedback({ warning: t('actions.notFromState', { title, state: t(`states.${item.state}`, { ns: 'common' }) }) });
      return false;
    }
    setBusy(true);
    try {
      const updated = await callFor(item, action, comment);
      patchCachedFinding(queryClient, updated);
      setFeedback({ status: t(`actions.done.${action}`, { title }) });
      void refresh();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        await refresh();
        setFeedback({ warning: t('actions.stale', { title }) });
      } else {
        setFeedback({ error });
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  /** Runs one change on many findings; the per-finding outcome lands in `feedback.bulk`. */
  async function runBulk(items: readonly FindingItem[], action: QuickAction, comment?: string): Promise<BulkTriageResult | undefined> {
    const ids = items.map((item) => item.id);
    const request = bulkRequestFor(ids, action, comment, userId);
    if (!request) return undefined;
    setBusy(true);
    try {
      const result = await bulkTriageFindings(request);
      setFeedback({ bulk: { result, titles: new Map(items.map((item) => [item.id, titleOf(item)])) } });
      return result;
    } catch (error) {
      setFeedback({ error });
      return undefined;
    } finally {
      setBusy(false);
      void refresh();
    }
  }

  return { feedback, setFeedback, isBusy, runQuick, runBulk };
}

function callFor(item: FindingItem, action: QuickAction, comment: string | undefined): Promise<FindingItem> {
  switch (action) {
    case 'confirm':
      return transitionFinding(item.id, item.version, { to: 'resolved', resolution: 'confirmed_leak' });
    case 'falsePositive':
      return transitionFinding(item.id, item.version, { to: 'resolved', resolution: 'false_positive', comment: comment ?? '' });
    case 'assignToMe':
      return assignFindingToMe(item.id, item.version);
    case 'moveToReview':
      return transitionFinding(item.id, item.version, { to: 'in_review' });
  }
}

function bulkRequestFor(ids: string[], action: QuickAction, comment: string | undefined, userId: string | undefined): BulkTriageRequest | undefined {
  switch (action) {
    case 'confirm':
      return { action: 'transition', ids, to: 'resolved', resolution: 'confirmed_leak' };
    case 'falsePositive':
      return { action: 'transition', ids, to: 'resolved', resolution: 'false_positive', comment: comment ?? '' };
    case 'moveToReview':
      return { action: 'transition', ids, to: 'in_review' };
    case 'assignToMe':
      return userId === undefined ? undefined : { action: 'assign', ids, assignee_id: userId };
  }
}
