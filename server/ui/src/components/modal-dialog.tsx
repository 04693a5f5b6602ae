import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ModalDialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Default true; false renders nothing (as not rendering it at all would). */
  isOpen?: boolean;
}

/**
 * A native modal <dialog>, open while it is rendered (and `isOpen`): focus moves to its first
 * control and stays inside, Escape and the close button call `onClose`, and focus goes back to
 * where it was after. Closing unmounts its content, so a dialog opened again starts afresh.
 */
export function ModalDialog({ isOpen = true, ...props }: ModalDialogProps) {
  return isOpen ? <OpenDialog {...props} /> : null;
}

function OpenDialog({ title, onClose, children, className }: Omit<ModalDialogProps, 'isOpen'>) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      // The opener may be gone (a removed row): then focus simply stays on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className={['modal-dialog', className].filter(Boolean).join(' ')}
      onCancel={(event) => {
        // Escape: React unmounts the dialog, rather than the browser closing it behind React's back.
        event.preventDefault();
        onClose();
      }}
      onClose={(event) => {
        // The browser closed it anyway (a repeated Escape); a close that an unmount queued finds it open again or gone.
        if (!event.currentTarget.open) onClose();
      }}
    >
      <h2 id={titleId} className="modal-dialog-title">
        {title}
      </h2>
      {children}
      {/* Last in the DOM, so that showModal() focuses the dialog's first control; CSS puts it top right. */}
      <button type="button" className="modal-dialog-close" onClick={onClose}>
        {t('actions.close')}
      </button>
    </dialog>
  );
}
