import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { CreateApiKeyRequest, CreatedApiKey, UserRole } from '../../api/api-types.js';
import { useSignedIn } from '../../session/session-context.js';
import { USER_ROLES } from './add-user-form.js';
import { FormError } from './form-error.js';

const EXPIRIES = ['d30', 'd90', 'd365', 'never', 'date'] as const;
type Expiry = (typeof EXPIRIES)[number];
const DAY_MS = 86_400_000;

function expiresAt(expiry: Expiry, date: string): string | null | undefined {
  switch (expiry) {
    case 'd30':
      return new Date(Date.now() + 30 * DAY_MS).toISOString();
    case 'd90':
      return new Date(Date.now() + 90 * DAY_MS).toISOString();
    case 'd365':
      // The server's own default: 365 days.
      return undefined;
    case 'never':
      return null;
    case 'date':
      // The end of the chosen day in the browser's time zone; a bad date goes as is for the API to refuse.
      return date === '' ? undefined : new Date(`${date}T23:59:59`).toISOString();
  }
}

/**
 * POST /keys: name, role, scopes (offered from the signed-in user's own permissions, since a key can
 * hold no more) and expiry; calls onCreated with the reply, whose token is shown once.
 */
export function CreateKeyForm({ onCreated, onCancel }: { onCreated: (key: CreatedApiKey) => void; onCancel: () => void }) {
  const { t } = useTranslation('settings');
  const { t: tCommon } = useTranslation();
  const session = useSignedIn();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('siem');
  const [scopes, setScopes] = useState<readonly string[]>([]);
  const [expiry, setExpiry] = useState<Expiry>('d365');
  const [date, setDate] = useState('');

  const create = useMutation({
    mutationFn: (body: CreateApiKeyRequest) => apiRequest<CreatedApiKey>('POST', '/keys', { body }),
    onSuccess: async (key) => {
      onCreated(key);
      await queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    const expires = expiresAt(expiry, date);
    create.mutate({ name: name.trim(), role, ...(scopes.length === 0 ? {} : { scopes: [...scopes] }), ...(expires === undefined ? {} : { expires_at: expires }) });
  }

  function toggle(scope: string, isOn: boolean) {
    setScopes((previous) => (isOn ? [...previous, scope] : previous.filter((item) => item !== scope)));
  }

  return (
    <form className="panel" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h3 id={`${id}-title`}>{t('keys.createTitle')}</h3>
      <div className="form-grid settings-form">
        <label htmlFor={`${id}-name`}>{t('keys.name')}</label>
        <input id={`${id}-name`} required maxLength={200} autoComplete="off" placeholder={t('keys.nameHint')} value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor={`${id}-role`}>{t('keys.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
          {USER_ROLES.map((value) => (
            <option key={value} value={value}>
              {tCommon(`roles.${value}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-expiry`}>{t('keys.expiry')}</label>
        <div className="settings-inline">
          <select id={`${id}-expiry`} value={expiry} onChange={(event) => setExpiry(event.target.value as Expiry)}>
            {EXPIRIES.map((value) => (
              <option key={value} value={value}>
                {t(`keys.expiryOptions.${value}`)}
              </option>
            ))}
          </select>
          {expiry === 'date' && (
            <>
              <label htmlFor={`${id}-date`} className="visually-hidden">
                {t('keys.expiryDate')}
              </label>
              <input id={`${id}-date`} type="date" required value={date} onChange={(event) => setDate(event.target.value)} />
            </>
          )}
        </div>
      </div>
      <fieldset className="settings-scopes" aria-describedby={`${id}-scopes-hint`}>
        <legend>{t('keys.scopes')}</legend>
        <p id={`${id}-scopes-hint`} className="muted settings-hint">
          {t('keys.scopesHint')}
        </p>
        <div className="settings-scope-grid">
          {session.permissions.map((permission) => (
            <label key={permission} className="settings-check">
              <input type="checkbox" checked={scopes.includes(permission)} onChange={(event) => toggle(permission, event.target.checked)} />
              <code>{permission}</code>
            </label>
          ))}
        </div>
      </fieldset>
      {create.isError && <FormError error={create.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? t('keys.submitting') : t('keys.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {tCommon('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
