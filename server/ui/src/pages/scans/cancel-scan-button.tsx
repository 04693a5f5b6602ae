import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { ScanRun } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { isScanLive } from './scan-badges.js';

/** Cancel for a queued or running scan, after asking; shown only to roles that may cancel. */
export function CancelScanButton({ scan, onCancelled }: { scan: Pick<ScanRun, 'id' | 'status' | 'created_at' | 'started_at'>; onCancelled?: () => void }) {
  const { t } = useTranslation('scans');
  const { can } = useSignedIn();
  const queryClient = useQueryClient();
  const [isAsking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => apiRequest<ScanRun>('POST', `/scans/${encodeURIComponent(scan.id)}/cancel`),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['scans'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
  if (!can('scans:write') || !isScanLive(scan.status)) return null;
  const when = formatDateTime(scan.started_at ?? scan.created_at);
  return (
    <>
      <button type="button" className="danger" aria-label={t('cancel.buttonLabel', { when })} onClick={() => setAsking(true)}>
        {t('cancel.button')}
      </button>
      {isAsking && (
        <ModalDialog
          title={t('cancel.title')}
          onClose={() => {
            setAsking(false);
            cancel.reset();
          }}
        >
          <p>{t('cancel.explain')}</p>
          {cancel.error !== null && <ErrorMessage error={cancel.error} />}
          {/* The safe choice first: showModal() focuses it. */}
          <div className="actions">
            <button type="button" disabled={cancel.isPending} onClick={() => setAsking(false)}>
              {t('cancel.keep')}
            </button>
            <button
              type="button"
              className="danger"
              disabled={cancel.isPending}
              onClick={() =>
                cancel.mutate(undefined, {
                  onSuccess: () => {
                    setAsking(false);
                    onCancelled?.();
                  },
                })
              }
            >
              {cancel.isPending ? t('cancel.cancelling') : t('cancel.confirm')}
            </button>
          </div>
        </ModalDialog>
      )}
    </>
  );
}
