import { useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { FindingDetail, FindingList } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDate, formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { FindingAuditTrail, FindingComments, FindingHistory } from './finding-activity.js';
import { SeverityBadge, StateBadge, useFindingTitle } from './finding-badges.js';
import { FindingPostPanel } from './finding-post-panel.js';
import { FindingPresencePanel } from './finding-presence.js';
import { FindingScorePanel } from './finding-score-panel.js';
import { FindingTriagePanel } from './finding-triage-panel.js';
import { fetchFinding, findingKeys } from './findings-api.js';
import { filtersFromSearch, listQueryOf } from './findings-filters.js';
import type { QueueState, ReturnState } from './findings-table.js';
import { ShortcutHelpDialog } from './shortcut-help-dialog.js';
import { SuppressButton } from './suppress-button.js';
import { useShortcutKeys } from './use-shortcut-keys.js';
import './findings.css';

function queueStateOf(state: unknown): QueueState {
  const search = (state as Partial<QueueState> | null)?.queueSearch;
  return { queueSearch: typeof search === 'string' && (search === '' || search.startsWith('?')) ? search : '' };
}

/** The findings before and after this one in the queue it was opened from, when that queue is still cached. */
function useQueueNeighbours(id: string, queueSearch: string): { previous?: string; next?: string } {
  const queryClient = useQueryClient();
  const key = findingKeys.list(listQueryOf(filtersFromSearch(new URLSearchParams(queueSearch))));
  const ids = queryClient.getQueryData<InfiniteData<FindingList>>(key)?.pages.flatMap((page) => page.items.map((item) => item.id)) ?? [];
  const index = ids.indexOf(id);
  if (index < 0) return {};
  return { previous: ids[index - 1], next: ids[index + 1] };
}

/**
 * One finding: the post with its evidence masked (revealed on request, audited), images, account and
 * owner, score and its reasons, history, audit trail and comments, and triage for roles that may.
 * Escape or the back link return to the queue it came from with its filters; j/k go to the next and
 * previous finding of that queue while it is in memory.
 */
export function FindingDetailPage() {
  const { t } = useTranslation('findings');
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSignedIn();
  const queueState = queueStateOf(location.state);
  const backTo = `/findings${queueState.queueSearch}`;
  const neighbours = useQueueNeighbours(id, queueState.queueSearch);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const detail = useQuery({ queryKey: findingKeys.detail(id), queryFn: ({ signal }) => fetchFinding(id, signal) });

  const returnState: ReturnState = { activeId: id };
  useShortcutKeys((key) => {
    if (key === 'Escape') {
      void navigate(backTo, { state: returnState });
      return true;
    }
    if (key === '?') {
      setHelpOpen(true);
      return true;
    }
    const target = key === 'j' ? neighbours.next : key === 'k' ? neighbours.previous : undefined;
    if (target === undefined) return false;
    void navigate(`/findings/${target}`, { state: queueState });
    return true;
  });

  return (
    <div className="findings-detail">
      <nav className="findings-detail-nav" aria-label={t('detail.navLabel')}>
        <Link to={backTo} state={returnState}>
          ← {t('detail.back')}
        </Link>
        {neighbours.previous !== undefined && (
          <Link to={`/findings/${neighbours.previous}`} state={queueState} rel="prev">
            {t('detail.previous')}
          </Link>
        )}
        {neighbours.next !== undefined && (
          <Link to={`/findings/${neighbours.next}`} state={queueState} rel="next">
            {t('detail.next')}
          </Link>
        )}
        <button type="button" className="findings-link-button" onClick={() => setHelpOpen(true)}>
          {t('queue.keyboardHint')}
        </button>
      </nav>
      {detail.isPending && <Loading />}
      {detail.isError && <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />}
      {detail.data && <FindingView key={detail.data.id} finding={detail.data} canTriage={session.can('findings:triage')} />}
      <ShortcutHelpDialog isOpen={isHelpOpen} page="detail" canTriage={false} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

function FindingView({ finding, canTriage }: { finding: FindingDetail; canTriage: boolean }) {
  const { t } = useTranslation('findings');
  const titleOf = useFindingTitle();
  // The siem role reads findings but not accounts: no link to a page that would answer 403.
  const canReadAccounts = useSignedIn().can('accounts:read');
  const accountName = `${finding.account.platform}/${finding.account.handle}`;
  return (
    <>
      <div className="findings-detail-title">
        <h1>{titleOf(finding)}</h1>
        <SeverityBadge severity={finding.severity} />
        <StateBadge finding={finding} />
        <span className="muted">{t(`categories.${finding.category}`)}</span>
      </div>
      <div className="findings-detail-grid">
        <div>
          <FindingPostPanel finding={finding} />
          <FindingScorePanel finding={finding} />
          <FindingComments finding={finding} />
          <FindingHistory finding={finding} />
          <FindingAuditTrail finding={finding} />
        </div>
        <div>
          <section className="panel" aria-labelledby="findings-summary-title">
            <h2 id="findings-summary-title">{t('detail.summary')}</h2>
            <dl className="findings-facts">
              <dt>{t('detail.state')}</dt>
              <dd>
                <StateBadge finding={finding} />
              </dd>
              {finding.resolution_expires_at !== null && (
                <>
                  <dt>{t('detail.resolutionExpires')}</dt>
                  <dd>{formatDate(finding.resolution_expires_at)}</dd>
                </>
              )}
              {finding.resolved_at !== null && (
                <>
                  <dt>{t('detail.resolvedAt')}</dt>
                  <dd>{formatDateTime(finding.resolved_at)}</dd>
                </>
              )}
              <dt>{t('detail.assignee')}</dt>
              <dd>{finding.assignee ? (finding.assignee.name ?? t('unknownUser')) : <span className="muted">{t('unassigned')}</span>}</dd>
              <dt>{t('detail.found')}</dt>
              <dd>{formatDateTime(finding.created_at)}</dd>
              <dt>{t('detail.updated')}</dt>
              <dd>{formatDateTime(finding.updated_at)}</dd>
              <dt>{t('detail.version')}</dt>
              <dd>{finding.version}</dd>
            </dl>
            {finding.suppression_id !== null && <p className="muted">{t('detail.suppressed')}</p>}
          </section>
          <section className="panel" aria-labelledby="findings-account-title">
            <h2 id="findings-account-title">{t('detail.account')}</h2>
            <dl className="findings-facts">
              <dt>{t('detail.account')}</dt>
              <dd>
                {canReadAccounts ? <Link to={`/accounts/${finding.account.id}`}>{accountName}</Link> : accountName}
              </dd>
              <dt>{t('detail.owner')}</dt>
              <dd>{finding.account.owner_name ?? <span className="muted">{t('detail.noOwner')}</span>}</dd>
            </dl>
          </section>
          {canTriage && <FindingTriagePanel finding={finding} />}
          <FindingPresencePanel finding={finding} />
          <SuppressButton finding={finding} />
        </div>
      </div>
    </>
  );
}
