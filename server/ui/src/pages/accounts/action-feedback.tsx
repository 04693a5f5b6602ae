import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message.js';

/** What the last action on the page did: a confirmation to read, or the error it met. */
export type Feedback = { tone: 'ok'; content: ReactNode } | { tone: 'error'; error: unknown } | undefined;

/** Shows the last action's outcome: a polite status for success, an alert for an error, each dismissible. */
export function ActionFeedback({ feedback, onDismiss }: { feedback: Feedback; onDismiss: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <div role="status" className="accounts-feedback">
        {feedback?.tone === 'ok' && (
          <div className="notice accounts-feedback-row">
            <div>{feedback.content}</div>
            <button type="button" onClick={onDismiss}>
              {t('actions.close')}
            </button>
          </div>
        )}
      </div>
      {feedback?.tone === 'error' && (
        <div className="accounts-feedback-row">
          <ErrorMessage error={feedback.error} />
          <button type="button" onClick={onDismiss}>
            {t('actions.close')}
          </button>
        </div>
      )}
    </>
  );
}
