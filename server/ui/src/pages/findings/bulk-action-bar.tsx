import { useTranslation } from 'react-i18next';
import type { QuickAction } from './use-finding-actions.js';

/** The actions on the selected findings, shown while any is selected. */
export function BulkActionBar({ count, isBusy, canAssignToMe, onAction, onClear }: { count: number; isBusy: boolean; canAssignToMe: boolean; onAction: (action: QuickAction) => void; onClear: () => void }) {
  const { t } = useTranslation('findings');
  return (
    <section className="findings-bulk actions" aria-label={t('actions.bulkLabel')}>
      <strong>{t('actions.selected', { count })}</strong>
      <button type="button" className="primary" disabled={isBusy} onClick={() => onAction('confirm')}>
        {t('actions.confirm')}
      </button>
      <button type="button" disabled={isBusy} onClick={() => onAction('falsePositive')}>
        {t('actions.falsePositive')}
      </button>
      {canAssignToMe && (
        <button type="button" disabled={isBusy} onClick={() => onAction('assignToMe')}>
          {t('actions.assignToMe')}
        </button>
      )}
      <button type="button" disabled={isBusy} onClick={() => onAction('moveToReview')}>
        {t('actions.moveToReview')}
      </button>
      <button type="button" onClick={onClear}>
        {t('actions.clearSelection')}
      </button>
    </section>
  );
}
