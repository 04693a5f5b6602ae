import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FindingDetail } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { StateBadge } from './finding-badges.js';
import { commentFinding, findingKeys } from './findings-api.js';

type Actor = FindingDetail['audit'][number]['actor'];

function useActorName(): (actor: Actor) => string {
  const { t } = useTranslation('findings');
  return (actor) => (actor.type === 'system' ? t('system') : (actor.name ?? t('unknownUser')));
}

/** A detail value as plain text: strings as they are, anything else as JSON. */
function detailText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One version per row, oldest first: what the finding was at each change. */
export function FindingHistory({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const assigneeName = (id: string | null) => {
    if (id === null) return t('unassigned');
    if (finding.assignee?.id === id) return finding.assignee.name ?? t('unknownUser');
    return id.slice(0, 8);
  };
  return (
    <section className="panel" aria-labelledby="findings-history-title">
      <h2 id="findings-history-title">{t('detail.history')}</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col" className="num">
              {t('detail.historyVersion')}
            </th>
            <th scope="col">{t('detail.historyWhen')}</th>
            <th scope="col">{t('detail.historyEvent')}</th>
            <th scope="col">{t('detail.historyState')}</th>
            <th scope="col">{t('detail.historyAssignee')}</th>
          </tr>
        </thead>
        <tbody>
          {finding.history.map((entry) => (
            <tr key={entry.version}>
              <td className="num">{entry.version}</td>
              <td>
                <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
              </td>
              <td>{t(`detail.events.${entry.type}`)}</td>
              <td>
                <StateBadge finding={entry} />
              </td>
              <td>{assigneeName(entry.assignee_id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Who did what to the finding (changes, comments, reveals), oldest first; empty for roles that may not see it. */
export function FindingAuditTrail({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const actorName = useActorName();
  return (
    <section className="panel" aria-labelledby="findings-audit-title">
      <h2 id="findings-audit-title">{t('detail.audit')}</h2>
      {finding.audit.length === 0 ? (
        <p className="muted">{t('detail.auditEmpty')}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t('detail.auditWhen')}</th>
              <th scope="col">{t('detail.auditWho')}</th>
              <th scope="col">{t('detail.auditAction')}</th>
              <th scope="col">{t('detail.auditDetails')}</th>
            </tr>
          </thead>
          <tbody>
            {finding.audit.map((entry, index) => (
              <tr key={`${entry.occurred_at}-${index}`}>
                <td>
                  <time dateTime={entry.occurred_at}>{formatDateTime(entry.occurred_at)}</time>
                </td>
                <td>{actorName(entry.actor)}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td className="findings-audit-details">
                  {Object.entries(entry.details)
                    .filter(([, value]) => value !== null && value !== undefined)
                    .map(([name, value]) => `${name}: ${detailText(value)}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The comments, oldest first, and (for roles that may triage) a form to add one. */
export function FindingComments({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const { can } = useSignedIn();
  const queryClient = useQueryClient();
  const actorName = useActorName();
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: (text: string) => commentFinding(finding.id, text),
    onSuccess: async () => {
      setBody('');
      await queryClient.invalidateQueries({ queryKey: findingKeys.detail(finding.id) });
    },
  });

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    if (body.trim() !== '') add.mutate(body.trim());
  }

  return (
    <section className="panel" aria-labelledby="findings-comments-title">
      <h2 id="findings-comments-title">{t('detail.comments')}</h2>
      {finding.comments.length === 0 && <p className="muted">{t('detail.commentsEmpty')}</p>}
      {finding.comments.map((comment) => (
        <article key={comment.id} className="findings-comment">
          <strong>{actorName(comment.author)}</strong>{' '}
          <time className="muted" dateTime={comment.created_at}>
            {formatDateTime(comment.created_at)}
          </time>
          <p>{comment.body}</p>
        </article>
      ))}
      {can('findings:triage') && (
        <form className="findings-form" onSubmit={submit}>
          <h3>{t('detail.addComment')}</h3>
          <label htmlFor="findings-new-comment">{t('detail.commentLabel')}</label>
          <textarea id="findings-new-comment" required maxLength={10_000} value={body} onChange={(event) => setBody(event.target.value)} />
          <div className="actions">
            <button type="submit" disabled={add.isPending || body.trim() === ''}>
              {t('detail.commentSubmit')}
            </button>
          </div>
          <p role="status" className={add.isSuccess ? 'findings-status' : 'visually-hidden'}>
            {add.isSuccess ? t('detail.commentAdded') : ''}
          </p>
          {add.isError && <ErrorMessage error={add.error} />}
        </form>
      )}
    </section>
  );
}
