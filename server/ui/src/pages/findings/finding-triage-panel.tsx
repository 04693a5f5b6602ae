import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error.js';
import type { FindingDetail, FindingItem, FindingState, Resolution, TransitionRequest } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { useSignedIn } from '../../session/session-context.js';
import { endOfDay, expiryBounds } from './accepted-risk-expiry.js';
import { assignFinding, assignFindingToMe, fetchUsers, findingKeys, transitionFinding } from './findings-api.js';
import { patchCachedFinding } from './use-finding-actions.js';

/** Where a finding may go from each state (store/repositories/finding-triage-repository.ts). */
const NEXT_STATES: Record<FindingState, readonly FindingState[]> = {
  new: ['in_review', 'resolved'],
  in_review: ['resolved'],
  resolved: ['reopened'],
  reopened: ['in_review', 'resolved'],
};
const RESOLUTIONS = ['confirmed_leak', 'false_positive', 'authorized', 'accepted_risk', 'duplicate', 'out_of_scope'] as const satisfies readonly Resolution[];
const NEEDS_COMMENT: ReadonlySet<Resolution> = new Set(['false_positive', 'accepted_risk']);

/**
 * Triage of one finding: buttons for the states it may go to, a resolve form asking what the
 * resolution needs (a comment for false_positive and accepted_risk, an expiry of at most two years
 * for accepted_risk), and assignment. Every change carries the version shown (If-Match); a 412
 * reloads the finding and says someone else changed it.
 */
export function FindingTriagePanel({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const session = useSignedIn();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['users', 'list'], queryFn: ({ signal }) => fetchUsers(signal), enabled: session.can('users:admin'), staleTime: 60_000 });
  const [isResolving, setResolving] = useState(false);
  const [resolution, setResolution] = useState<Resolution | ''>('');
  const [comment, setComment] = useState('');
  const [expiry, setExpiry] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [assignee, setAssignee] = useState('');
  const [isBusy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ status?: string; warning?: string; error?: unknown }>({});
  const bounds = expiryBounds();
  const userId = session.user?.id;

  async function run(change: () => Promise<FindingItem>, done: (updated: FindingItem) => string): Promise<boolean> {
    setBusy(true);
    setOutcome({});
    try {
      const updated = await change();
      patchCachedFinding(queryClient, updated);
      setOutcome({ status: done(updated) });
      await queryClient.invalidateQueries({ queryKey: findingKeys.all });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        await queryClient.invalidateQueries({ queryKey: findingKeys.all });
        setOutcome({ warning: t('actions.stale', { title: finding.title ?? t('untitled') }) });
      } else {
        setOutcome({ error });
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  const stateDone = (updated: FindingItem) => t('triage.done', { state: t(`states.${updated.state}`, { ns: 'common' }) });

  function move(body: TransitionRequest) {
    void run(() => transitionFinding(finding.id, finding.version, body), stateDone);
  }

  async function resolve(event: SyntheticEvent) {
    event.preventDefault();
    if (resolution === '') return;
    const body: TransitionRequest = { to: 'resolved', resolution };
    if (comment.trim() !== '') body.comment = comment.trim();
    if (resolution === 'accepted_risk' && expiry !== '') body.expires_at = endOfDay(expiry);
    if (resolution === 'duplicate' && duplicateOf.trim() !== '') body.duplicate_of = duplicateOf.trim();
    if (await run(() => transitionFinding(finding.id, finding.version, body), stateDone)) {
      setResolving(false);
      setResolution('');
      setComment('');
      setExpiry('');
      setDuplicateOf('');
    }
  }

  const assignable = (users.data?.items ?? []).filter((user) => !user.disabled && (user.role === 'admin' || user.role === 'reviewer'));
  const nextStates = NEXT_STATES[finding.state];
  const needsComment = resolution !== '' && NEEDS_COMMENT.has(resolution);

  return (
    <section className="panel" aria-labelledby="findings-triage-title">
      <h2 id="findings-triage-title">{t('triage.title')}</h2>
      <div className="actions">
        {nextStates
          .filter((state) => state !== 'resolved')
          .map((state) => (
            <button key={state} type="button" disabled={isBusy} onClick={() => move({ to: state })}>
              {t(`triage.toState.${state}`)}
            </button>
          ))}
        {nextStates.includes('resolved') && (
          <button type="button" disabled={isBusy} onClick={() => move({ to: 'resolved', resolution: 'confirmed_leak' })}>
            {t('actions.confirm')}
          </button>
        )}
        {nextStates.includes('resolved') && (
          <button type="button" className="primary" aria-expanded={isResolving} aria-controls="findings-resolve-form" onClick={() => setResolving(!isResolving)}>
            {t('triage.toState.resolved')}
          </button>
        )}
      </div>
      {isResolving && nextStates.includes('resolved') && (
        <form id="findings-resolve-form" className="findings-form" onSubmit={(event) => void resolve(event)}>
          <label htmlFor="findings-resolution">{t('triage.resolution')}</label>
          <select id="findings-resolution" required value={resolution} onChange={(event) => setResolution(RESOLUTIONS.find((each) => each === event.target.value) ?? '')}>
            <option value="">{t('triage.chooseResolution')}</option>
            {RESOLUTIONS.map((each) => (
              <option key={each} value={each}>
                {t(`resolutions.${each}`)}
              </option>
            ))}
          </select>
          {resolution === 'accepted_risk' && (
            <>
              <label htmlFor="findings-expiry">{t('triage.expires')}</label>
              <input id="findings-expiry" type="date" required min={bounds.min} max={bounds.max} value={expiry} aria-describedby="findings-expiry-hint" onChange={(event) => setExpiry(event.target.value)} />
              <span id="findings-expiry-hint" className="muted">
                {t('triage.expiresHint')}
              </span>
            </>
          )}
          {resolution === 'duplicate' && (
            <>
              <label htmlFor="findings-duplicate-of">{t('triage.duplicateOf')}</label>
              <input id="findings-duplicate-of" value={duplicateOf} pattern="[0-9a-fA-F-]{36}" onChange={(event) => setDuplicateOf(event.target.value)} />
            </>
          )}
          <label htmlFor="findings-resolve-comment">{needsComment ? t('triage.commentRequired') : t('triage.comment')}</label>
          <textarea id="findings-resolve-comment" required={needsComment} maxLength={10_000} value={comment} onChange={(event) => setComment(event.target.value)} />
          <div className="actions">
            <button type="submit" className="primary" disabled={isBusy || resolution === '' || (needsComment && comment.trim() === '')}>
              {t('triage.submit')}
            </button>
            <button type="button" onClick={() => setResolving(false)}>
              {t('actions.cancel', { ns: 'common' })}
            </button>
          </div>
        </form>
      )}
      {nextStates.length === 0 && <p className="muted">{t('triage.noTransitions')}</p>}

      <h3>{t('detail.assignee')}</h3>
      <div className="actions">
        {userId !== undefined && finding.assignee?.id !== userId && (
          <button type="button" disabled={isBusy} onClick={() => void run(() => assignFindingToMe(finding.id, finding.version), () => t('triage.assigned'))}>
            {t('actions.assignToMe')}
          </button>
        )}
        {finding.assignee !== null && (
          <button type="button" disabled={isBusy} onClick={() => void run(() => assignFinding(finding.id, finding.version, null), () => t('triage.assigned'))}>
            {t('actions.unassign')}
          </button>
        )}
      </div>
      {assignable.length > 0 && (
        <form
          className="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            if (assignee !== '') void run(() => assignFinding(finding.id, finding.version, assignee), () => t('triage.assigned'));
          }}
        >
          <div className="field">
            <label htmlFor="findings-assignee">{t('triage.assignTo')}</label>
            <select id="findings-assignee" value={assignee} onChange={(event) => setAssignee(event.target.value)}>
              <option value="">—</option>
              {assignable.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.display_name ?? user.username}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={isBusy || assignee === ''}>
            {t('triage.assignSubmit')}
          </button>
        </form>
      )}
      <p role="status" className={outcome.status ? 'findings-status' : 'visually-hidden'}>
        {outcome.status ?? ''}
      </p>
      {outcome.warning !== undefined && (
        <p className="notice" role="alert">
          {outcome.warning}
        </p>
      )}
      {outcome.error !== undefined && <ErrorMessage error={outcome.error} />}
    </section>
  );
}
