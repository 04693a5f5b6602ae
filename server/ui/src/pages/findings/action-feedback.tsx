import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message.js';
import type { ActionFeedback } from './use-finding-actions.js';

/**
 * What the last triage action said: a polite status line (always present, so screen readers hear
 * each new one), a warning, an error, or the per-finding outcome of a bulk change with each
 * failure named and explained.
 */
export function ActionFeedbackView({ feedback, onDismiss }: { feedback: ActionFeedback; onDismiss: () => void }) {
  const { t } = useTranslation('findings');
  const failures = feedback.bulk?.result.results.filter((result) => result.status === 'error') ?? [];
  const succeeded = (feedback.bulk?.result.results.length ?? 0) - failures.length;
  // One status line that stays mounted, so screen readers announce each new text in it.
  const status = feedback.status ?? (feedback.bulk && failures.length === 0 ? t('bulk.summary', { ok: succeeded, failed: 0 }) : '');
  return (
    <div className="findings-feedback">
      <p role="status" className={status === '' ? 'visually-hidden' : 'findings-status'}>
        {status}
      </p>
      {feedback.warning !== undefined && (
        <p className="notice" role="alert">
          {feedback.warning}
        </p>
      )}
      {feedback.error !== undefined && <ErrorMessage error={feedback.error} />}
      {feedback.bulk && failures.length > 0 && (
        <section className="error-box findings-bulk-result" aria-labelledby="findings-bulk-result-title" role="alert">
          <h2 id="findings-bulk-result-title">{t('bulk.resultsTitle')}</h2>
          <p>{t('bulk.summary', { ok: succeeded, failed: failures.length })}</p>
          <ul>
            {failures.map((failure) => (
              <li key={failure.id}>
                {t('bulk.failedItem', {
                  title: feedback.bulk?.titles.get(failure.id) ?? failure.id,
                  detail: failure.error ? `${failure.error.detail} (${failure.error.status})` : '',
                })}
              </li>
            ))}
          </ul>
          <button type="button" onClick={onDismiss}>
            {t('bulk.dismiss')}
          </button>
        </section>
      )}
    </div>
  );
}
