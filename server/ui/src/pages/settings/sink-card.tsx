import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { Sink } from '../../api/api-types.js';
import { ErrorMessage, useErrorText } from '../../components/error-message.js';
import { formatDateTime, formatNumber, formatRelative } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { SinkActionDialog, type SinkAction } from './sink-action-dialog.js';
import { SinkDeliveries } from './sink-deliveries.js';
import { BACKLOG_LIMIT, useSinkBacklog } from './use-sink-backlog.js';

function settingText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** One sink: its target, whether it delivers, how far behind it is and why it fails; the changes sinks:write allows, and its delivery log on demand. */
export function SinkCard({ sink }: { sink: Sink }) {
  const { t } = useTranslation('settings');
  const session = useSignedIn();
  const canWrite = session.can('sinks:write');
  const queryClient = useQueryClient();
  const headingId = useId();
  const deliveriesId = useId();
  const [action, setAction] = useState<SinkAction | null>(null);
  const [isShowingDeliveries, setShowingDeliveries] = useState(false);
  const { backlog, error: backlogError } = useSinkBacklog(sink);
  const errorText = useErrorText();

  const enable = useMutation({
    mutationFn: () => apiRequest<Sink>('PATCH', `/sinks/${encodeURIComponent(sink.id)}`, { body: { is_enabled: true } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sinks'] }),
  });

  function open(next: SinkAction) {
    enable.reset();
    setAction(next);
  }

  const isFailing = sink.consecutive_failures > 0;
  const settings = Object.entries(sink.settings).filter(([key]) => key !== 'has_ca');
  return (
    <section className={`panel settings-sink${sink.is_enabled ? '' : ' settings-sink-off'}`} aria-labelledby={headingId}>
      <div className="settings-sink-head">
        <h3 id={headingId}>{sink.name}</h3>
        <span className="badge">{t(`sinks.kinds.${sink.kind}`)}</span>
        <span className="badge">{t(`sinks.form.formats.${sink.format}`)}</span>
        {sink.is_enabled ? (
          <span className={`badge ${isFailing ? 'status-bad' : 'status-ok'}`}>{isFailing ? t('sinks.failing') : t('sinks.healthy')}</span>
        ) : (
          <span className="badge status-warn">{t('sinks.disabled')}</span>
        )}
      </div>
      <dl className="settings-sink-facts">
        <div>
          <dt>{t('sinks.target')}</dt>
          <dd className="mono">{sink.target}</dd>
        </div>
        <div>
          <dt>{t('sinks.status')}</dt>
          <dd>
            {sink.is_enabled ? t('sinks.enabled') : sink.disabled_reason === null ? t('sinks.disabled') : t('sinks.disabledBecause', { reason: sink.disabled_reason })}
            {!sink.is_enabled && canWrite && <span className="muted settings-subline">{t('sinks.enableHint')}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('sinks.lastDelivered')}</dt>
          <dd>
            {sink.last_delivered_at === null ? (
              <span className="muted">{t('sinks.never')}</span>
            ) : (
              <time dateTime={sink.last_delivered_at} title={formatDateTime(sink.last_delivered_at)}>
                {formatRelative(sink.last_delivered_at)}
              </time>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('sinks.backlog')}</dt>
          <dd data-testid="sink-backlog">
            {backlog === null ? (
              <span className="muted">{t('sinks.backlogUnknown')}</span>
            ) : backlog === undefined ? (
              backlogError === undefined ? '…' : <span className="status-bad">{errorText(backlogError)}</span>
            ) : backlog.count === 0 ? (
              <span className="status-ok">{t('sinks.upToDate')}</span>
            ) : backlog.hasMore ? (
              t('sinks.backlogMore', { limit: BACKLOG_LIMIT })
            ) : (
              t('sinks.backlogCount', { count: backlog.count })
            )}
          </dd>
        </div>
        {backlog?.oldestAt != null && (
          <div>
            <dt>{t('sinks.oldestWaiting')}</dt>
            <dd>
              <time dateTime={backlog.oldestAt} title={formatDateTime(backlog.oldestAt)}>
                {formatRelative(backlog.oldestAt)}
              </time>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('sinks.failures')}</dt>
          <dd className={isFailing ? 'status-bad' : undefined}>
            {formatNumber(sink.consecutive_failures)}
            {sink.failing_since !== null && <span className="muted"> {t('sinks.failingSince', { date: formatDateTime(sink.failing_since) })}</span>}
          </dd>
        </div>
        {sink.is_enabled && (
          <div>
            <dt>{t('sinks.nextAttempt')}</dt>
            <dd>
              <time dateTime={sink.next_attempt_at} title={formatDateTime(sink.next_attempt_at)}>
                {formatRelative(sink.next_attempt_at)}
              </time>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('sinks.secret')}</dt>
          <dd>{sink.has_secret ? t('sinks.secretStored') : t('sinks.secretNone')}</dd>
        </div>
        {settings.length > 0 && (
          <div>
            <dt>{t('sinks.settings')}</dt>
            <dd>{settings.map(([key, value]) => `${key}: ${settingText(value)}`).join(' · ')}</dd>
          </div>
        )}
        <div>
          <dt>{t('sinks.created')}</dt>
          <dd>{formatDateTime(sink.created_at)}</dd>
        </div>
      </dl>
      {sink.last_error !== null && (
        <div className="settings-sink-error">
          <h4>{t('sinks.lastError')}</h4>
          <pre className="settings-error-text">{sink.last_error}</pre>
        </div>
      )}
      {enable.isError && <ErrorMessage error={enable.error} />}
      <div className="actions" role="group" aria-label={t('sinks.actionsLabel', { name: sink.name })}>
        <button type="button" aria-expanded={isShowingDeliveries} aria-controls={deliveriesId} onClick={() => setShowingDeliveries(!isShowingDeliveries)}>
          <span aria-hidden="true">{isShowingDeliveries ? '▾ ' : '▸ '}</span>
          {t('sinks.showDeliveries')}
        </button>
        {canWrite && (
          <>
            {sink.is_enabled ? (
              <button type="button" onClick={() => open({ kind: 'disable' })}>
                {t('sinks.disable')}
              </button>
            ) : (
              <button type="button" className="primary" disabled={enable.isPending} onClick={() => enable.mutate()}>
                {t('sinks.enable')}
              </button>
            )}
            <button type="button" onClick={() => open({ kind: 'redeliver' })}>
              {t('sinks.redeliver')}
            </button>
            <button type="button" onClick={() => open({ kind: 'skip' })}>
              {t('sinks.skip')}
            </button>
            <button type="button" className="danger" onClick={() => open({ kind: 'remove' })}>
              {t('sinks.remove')}
            </button>
          </>
        )}
      </div>
      <div id={deliveriesId} hidden={!isShowingDeliveries}>
        {isShowingDeliveries && (
          <>
            <h4>{t('sinks.deliveriesOf', { name: sink.name })}</h4>
            <SinkDeliveries sink={sink} {...(canWrite ? { onRedeliver: (delivery) => open({ kind: 'redeliver', from: delivery }) } : {})} />
          </>
        )}
      </div>
      {action && <SinkActionDialog sink={sink} action={action} onDone={() => setAction(null)} onCancel={() => setAction(null)} />}
    </section>
  );
}
