import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { Sink, SinkDelivery } from '../../api/api-types.js';
import { formatDateTime } from '../../i18n/format.js';
import { ConfirmDialog } from './confirm-dialog.js';

/** Which change to a sink the dialog confirms; a redelivery may start at a delivery of the log. */
export type SinkAction = { kind: 'disable' } | { kind: 'redeliver'; from?: SinkDelivery } | { kind: 'skip' } | { kind: 'remove' };

/** Confirms and makes one change to a sink (disable, redeliver, skip, remove), explaining what it does; the API's refusals show inside it. */
export function SinkActionDialog({ sink, action, onDone, onCancel }: { sink: Sink; action: SinkAction; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const fieldId = useId();
  const [reason, setReason] = useState('');
  const [skipCount, setSkipCount] = useState('1');
  const [redeliverFrom, setRedeliverFrom] = useState<'delivery' | 'beginning'>(action.kind === 'redeliver' && action.from ? 'delivery' : 'beginning');
  const path = `/sinks/${encodeURIComponent(sink.id)}`;

  const change = useMutation({
    mutationFn: (): Promise<unknown> => {
      switch (action.kind) {
        case 'disable':
          return apiRequest('PATCH', path, { body: { is_enabled: false, ...(reason.trim() === '' ? {} : { reason: reason.trim() }) } });
        case 'redeliver':
          return apiRequest('POST', `${path}/redeliver`, { body: redeliverFrom === 'delivery' && action.from ? { after: action.from.first_cursor } : {} });
        case 'skip':
          return apiRequest('POST', `${path}/skip`, { body: { events: Number(skipCount) } });
        case 'remove':
          return apiRequest('DELETE', path);
      }
    },
    onSuccess: async () => {
      onDone();
      await queryClient.invalidateQueries({ queryKey: ['sinks'] });
    },
  });
  const common = { onCancel, onConfirm: () => change.mutate(), isBusy: change.isPending, error: change.error ?? undefined };

  switch (action.kind) {
    case 'disable':
      return (
        <ConfirmDialog {...common} title={t('sinks.disableTitle', { name: sink.name })} confirmLabel={t('sinks.disable')} isDanger>
          <p>{t('sinks.disableText')}</p>
          <label htmlFor={fieldId}>{t('sinks.reason')}</label>
          <input id={fieldId} className="settings-wide" maxLength={500} value={reason} aria-describedby={`${fieldId}-hint`} onChange={(event) => setReason(event.target.value)} />
          <p id={`${fieldId}-hint`} className="muted settings-hint">
            {t('sinks.reasonHint')}
          </p>
        </ConfirmDialog>
      );
    case 'redeliver':
      return (
        <ConfirmDialog {...common} title={t('sinks.redeliverTitle', { name: sink.name })} confirmLabel={t('sinks.redeliverConfirm')}>
          <p>{t('sinks.redeliverText')}</p>
          <fieldset className="settings-radios">
            <legend>{t('sinks.redeliverFrom')}</legend>
            {action.from && (
              <label className="settings-check">
                <input type="radio" name={fieldId} checked={redeliverFrom === 'delivery'} onChange={() => setRedeliverFrom('delivery')} />
                {t('sinks.redeliverAfter', { date: formatDateTime(action.from.attempted_at) })}
              </label>
            )}
            <label className="settings-check">
              <input type="radio" name={fieldId} checked={redeliverFrom === 'beginning'} onChange={() => setRedeliverFrom('beginning')} />
              {t('sinks.redeliverAll')}
            </label>
          </fieldset>
        </ConfirmDialog>
      );
    case 'skip':
      return (
        <ConfirmDialog {...common} title={t('sinks.skipTitle', { name: sink.name })} confirmLabel={t('sinks.skipConfirm')} isDanger>
          <p>{t('sinks.skipText')}</p>
          <label htmlFor={fieldId}>{t('sinks.skipCount')}</label>{' '}
          <input id={fieldId} type="number" min={1} max={10_000} step={1} required value={skipCount} onChange={(event) => setSkipCount(event.target.value)} />
        </ConfirmDialog>
      );
    case 'remove':
      return (
        <ConfirmDialog {...common} title={t('sinks.removeTitle', { name: sink.name })} confirmLabel={t('sinks.removeConfirm')} isDanger>
          <p>{t('sinks.removeText')}</p>
        </ConfirmDialog>
      );
  }
}
