import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ShownOnceSecretProps {
  title: string;
  /** The label of the field that holds the secret ("Token", "Generated password"). */
  label: string;
  secret: string;
  /** How to use it, shown under the field. */
  hint?: string;
  /** Called when the user says they have stored it: the secret is then forgotten. */
  onDone: () => void;
}

/**
 * A secret the API returns once (a key's token, a generated password or webhook secret): a clear
 * warning, the value in a read-only field, a copy button, and Done to forget it. Takes the focus
 * when shown so that it is announced.
 */
export function ShownOnceSecret({ title, label, secret, hint, onDone }: ShownOnceSecretProps) {
  const { t } = useTranslation('settings');
  const titleId = useId();
  const fieldId = useId();
  const regionRef = useRef<HTMLElement>(null);
  const fieldRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    regionRef.current?.focus();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopyState('copied');
    } catch {
      fieldRef.current?.select();
      setCopyState('failed');
    }
  }

  return (
    <section ref={regionRef} tabIndex={-1} className="panel settings-secret" aria-labelledby={titleId} data-testid="shown-once-secret">
      <h3 id={titleId}>{title}</h3>
      <p className="settings-secret-warning">
        <strong>{t('secret.once')}</strong>
      </p>
      <label htmlFor={fieldId}>{label}</label>
      <div className="settings-secret-row">
        <input
          ref={fieldRef}
          id={fieldId}
          className="mono settings-secret-value"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {t('secret.copy')}
        </button>
      </div>
      {hint !== undefined && <p className="muted">{hint}</p>}
      <p role="status" className={copyState === 'failed' ? 'status-bad' : 'status-ok'}>
        {copyState === 'copied' ? t('secret.copied') : copyState === 'failed' ? t('secret.copyFailed') : ''}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        {t('secret.done')}
      </button>
    </section>
  );
}
