import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-error.js';
import { ErrorMessage } from '../components/error-message.js';
import { useSession } from '../session/session-context.js';

/** Username and password; says when the session ended by itself and when sign-in is throttled. */
export function SignInPage() {
  const { t } = useTranslation();
  const { signIn, endedReason } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username, password);
    } catch (caught) {
      setError(caught);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        {endedReason === 'expired' && error === undefined && <p role="status">{t('signIn.expired')}</p>}
        {error !== undefined && <SignInError error={error} />}
        <label htmlFor="username">{t('signIn.username')}</label>
        <input id="username" name="username" autoComplete="username" required value={username} onChange={(event) => setUsername(event.target.value)} />
        <label htmlFor="password">{t('signIn.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="primary" disabled={isBusy}>
          {isBusy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}

function SignInError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 401) return <p className="error-box" role="alert">{t('signIn.wrong')}</p>;
  if (error instanceof ApiError && error.status === 429) {
    return <p className="error-box" role="alert">{t('signIn.throttled', { minutes: Math.max(1, Math.ceil((error.retryAfterSeconds ?? 900) / 60)) })}</p>;
  }
  return <ErrorMessage error={error} />;
}
