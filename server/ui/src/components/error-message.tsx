import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_ERROR_STATUS } from '../api/api-error.js';

/** The text a user should read for a failed call: what went wrong and what to do. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error: unknown) => {
    if (!(error instanceof ApiError)) return t('errors.generic', { detail: error instanceof Error ? error.message : String(error) });
    if (error.status === NETWORK_ERROR_STATUS) return t('errors.network');
    // The API says why (a missing permission, or a session changed in another tab): its words are better.
    if (error.status === 403) return error.detail ?? t('errors.forbidden');
    if (error.status === 404) return t('errors.notFound');
    if (error.status === 412) return t('errors.conflict');
    if (error.status === 429) return t('errors.throttled', { seconds: error.retryAfterSeconds ?? 60 });
    return error.detail ?? error.title;
  };
}

/** An error box announced to screen readers, with the API's located problems listed. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const problems = error instanceof ApiError && error.status === 400 ? error.problems : [];
  return (
    <div className="error-box" role="alert">
      {/* A 400's detail repeats its problems in one line: the list below says it better. */}
      <p>{problems.length > 0 ? t('errors.invalid') : text(error)}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>
              <code>{problem.path}</code>: {problem.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('actions.retry')}
        </button>
      )}
    </div>
  );
}
