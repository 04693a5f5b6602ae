import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { StartedScan, StartScanRequest } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';

/** Starts a scan of every active account (optionally full) and links to it; the API's refusal is shown as it said it. */
export function StartScanForm() {
  const { t } = useTranslation('scans');
  const queryClient = useQueryClient();
  const [isFull, setFull] = useState(false);
  const start = useMutation({
    mutationFn: (body: StartScanRequest) => apiRequest<StartedScan>('POST', '/scans', { body }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['scans'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
  });

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    start.mutate({ all: true, full: isFull });
  }

  return (
    <form className="panel scans-start" aria-label={t('start.label')} onSubmit={submit}>
      <div className="scans-start-row">
        <button type="submit" className="primary" disabled={start.isPending}>
          {start.isPending ? t('start.starting') : t('start.all')}
        </button>
        <label className="scans-start-full">
          <input type="checkbox" checked={isFull} onChange={(event) => setFull(event.target.checked)} /> {t('start.full')}
        </label>
      </div>
      <div role="status">
        {start.data !== undefined && (
          <p className="notice" data-testid="scan-started">
            {t('start.started', { count: start.data.counts.accounts })}{' '}
            {start.data.accounts_left_to_other_scans > 0 && t('start.startedOther', { count: start.data.accounts_left_to_other_scans })}{' '}
            <Link to={`/scans/${encodeURIComponent(start.data.id)}`}>{t('start.follow')}</Link>
          </p>
        )}
      </div>
      {start.error !== null && <ErrorMessage error={start.error} />}
    </form>
  );
}
