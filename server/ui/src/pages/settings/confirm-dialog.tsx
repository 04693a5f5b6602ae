import { useEffect, useId, useRef, type ReactNode, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message.js';

export interface ConfirmDialogProps {
  title: string;
  /** The confirming button's text: says what happens ("Revoke", "Remove sink"). */
  confirmLabel: string;
  isDanger?: boolean;
  isBusy?: boolean;
  /** Confirming is pointless yet (nothing chosen that would change anything). */
  isConfirmDisabled?: boolean;
  /** The failure of the last attempt, shown inside the dialog (e.g. the API's 409 refusal). */
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  /** What will happen, and any fields the action takes. */
  children: ReactNode;
}

/**
 * A modal confirmation on the native <dialog> (showModal: focus is trapped and Escape cancels).
 * Mount it to open it; the safe choice, Cancel, comes first and takes the focus.
 */
export function ConfirmDialog({ title, confirmLabel, isDanger = false, isBusy = false, isConfirmDisabled = false, error, onConfirm, onCancel, children }: ConfirmDialogProps) {
  const { t } = useTranslation('settings');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    if (!isBusy && !isConfirmDisabled) onConfirm();
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className="settings-dialog"
      onCancel={(event) => {
        // Escape: the parent unmounts the dialog, which closes it.
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        {error !== undefined && error !== null && <ErrorMessage error={error} />}
        <div className="actions settings-dialog-actions">
          <button type="button" onClick={onCancel}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className={isDanger ? 'danger' : 'primary'} disabled={isBusy || isConfirmDisabled}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
