import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalDialog } from '../../components/modal-dialog.js';

/** Asks why the finding (or the `count` selected ones) is not a leak; the comment is required and sent with the resolution. */
export function FalsePositiveDialog({ count, onSubmit, onClose }: { count: number | undefined; onSubmit: (comment: string) => Promise<boolean>; onClose: () => void }) {
  const { t } = useTranslation('findings');
  const [comment, setComment] = useState('');
  const [isBusy, setBusy] = useState(false);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    if (comment.trim() === '') return;
    setBusy(true);
    const isDone = await onSubmit(comment.trim());
    setBusy(false);
    if (isDone) setComment('');
  }

  const isOpen = count !== undefined;
  return (
    <ModalDialog isOpen={isOpen} title={count !== undefined && count > 1 ? t('falsePositive.titleMany', { count }) : t('falsePositive.title')} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="findings-fp-comment">{t('falsePositive.comment')}</label>
        <textarea id="findings-fp-comment" required maxLength={10_000} value={comment} onChange={(event) => setComment(event.target.value)} />
        <div className="actions">
          <button type="submit" className="primary" disabled={isBusy || comment.trim() === ''}>
            {t('falsePositive.submit')}
          </button>
          <button type="button" onClick={onClose}>
            {t('actions.cancel', { ns: 'common' })}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
