import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { Sink, SinkDelivery } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';

const OUTCOME_CLASS: Record<SinkDelivery['outcome'], string> = { delivered: 'status-ok', redelivered: 'status-ok', failed: 'status-bad' };

/** A sink's delivery log, newest first (GET /sinks/{id}/deliveries); with onRedeliver, each entry offers to send its events again. */
export function SinkDeliveries({ sink, onRedeliver }: { sink: Sink; onRedeliver?: (delivery: SinkDelivery) => void }) {
  const { t } = useTranslation('settings');
  const query = useQuery({
    queryKey: ['sinks', sink.id, 'deliveries'],
    queryFn: ({ signal }) => apiRequest<{ items: SinkDelivery[] }>('GET', `/sinks/${encodeURIComponent(sink.id)}/deliveries`, { query: { limit: 50 }, signal }),
    refetchInterval: 15_000,
  });
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.items.length === 0) return <p className="muted">{t('sinks.noDeliveries')}</p>;
  return (
    <table className="data settings-deliveries">
      <caption className="visually-hidden">{t('sinks.deliveriesOf', { name: sink.name })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('sinks.deliveryColumns.when')}</th>
          <th scope="col">{t('sinks.deliveryColumns.outcome')}</th>
          <th scope="col" className="num">
            {t('sinks.deliveryColumns.events')}
          </th>
          <th scope="col" className="num">
            {t('sinks.deliveryColumns.http')}
          </th>
          <th scope="col" className="num">
            {t('sinks.deliveryColumns.duration')}
          </th>
          <th scope="col">{t('sinks.deliveryColumns.error')}</th>
          {onRedeliver && <th scope="col">{t('sinks.deliveryColumns.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {query.data.items.map((delivery) => (
          <tr key={delivery.id}>
            <td>
              <time dateTime={delivery.attempted_at}>{formatDateTime(delivery.attempted_at)}</time>
            </td>
            <td>
              <span className={OUTCOME_CLASS[delivery.outcome]}>{t(`sinks.outcomes.${delivery.outcome}`)}</span>
            </td>
            <td className="num">{t('sinks.deliveredOf', { delivered: formatNumber(delivery.delivered_count), total: formatNumber(delivery.event_count) })}</td>
            <td className="num">{delivery.http_status ?? '—'}</td>
            <td className="num">{t('sinks.durationMs', { ms: formatNumber(delivery.duration_ms) })}</td>
            <td className="settings-error-text">{delivery.error ?? ''}</td>
            {onRedeliver && (
              <td>
                <button
                  type="button"
                  aria-label={t('sinks.redeliverHereOf', { date: formatDateTime(delivery.attempted_at) })}
                  onClick={() => onRedeliver(delivery)}
                >
                  {t('sinks.redeliverHere')}
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
