import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { CreatedUser, CreateUserRequest, UserRole } from '../../api/api-types.js';
import { FormError } from './form-error.js';

/** Every role a user can have, most powerful first. */
export const USER_ROLES: readonly UserRole[] = ['admin', 'reviewer', 'auditor', 'siem'];

/** POST /users: username, role, and an optional password, name and e-mail; calls onCreated with the reply (which holds a generated password when none was given). */
export function AddUserForm({ onCreated, onCancel }: { onCreated: (user: CreatedUser) => void; onCancel: () => void }) {
  const { t } = useTranslation('settings');
  const { t: tCommon } = useTranslation();
  const queryClient = useQueryClient();
  const id = useId();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<UserRole>('reviewer');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');

  const create = useMutation({
    mutationFn: (body: CreateUserRequest) => apiRequest<CreatedUser>('POST', '/users', { body }),
    onSuccess: async (user) => {
      setPassword('');
      onCreated(user);
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    create.mutate({
      username: username.trim(),
      role,
      ...(password === '' ? {} : { password }),
      ...(displayName.trim() === '' ? {} : { display_name: displayName.trim() }),
      ...(email.trim() === '' ? {} : { email: email.trim() }),
    });
  }

  return (
    <form className="panel" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <h3 id={`${id}-title`}>{t('users.addTitle')}</h3>
      <div className="form-grid settings-form">
        <label htmlFor={`${id}-username`}>{t('users.username')}</label>
        <div>
          <input
            id={`${id}-username`}
            required
            autoComplete="off"
            value={username}
            aria-describedby={`${id}-username-hint`}
            onChange={(event) => setUsername(event.target.value)}
          />
          <p id={`${id}-username-hint`} className="muted settings-hint">
            {t('users.usernameHint')}
          </p>
        </div>
        <label htmlFor={`${id}-role`}>{t('users.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
          {USER_ROLES.map((value) => (
            <option key={value} value={value}>
              {tCommon(`roles.${value}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-password`}>
          {t('users.password')} <span className="muted">{t('users.optional')}</span>
        </label>
        <div>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={password}
            aria-describedby={`${id}-password-hint`}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p id={`${id}-password-hint`} className="muted settings-hint">
            {t('users.passwordHint')}
          </p>
        </div>
        <label htmlFor={`${id}-display`}>
          {t('users.displayName')} <span className="muted">{t('users.optional')}</span>
        </label>
        <input id={`${id}-display`} autoComplete="off" value={displayName} onChange={(event) => setDisplayName(event.target.value)} />
        <label htmlFor={`${id}-email`}>
          {t('users.email')} <span className="muted">{t('users.optional')}</span>
        </label>
        <input id={`${id}-email`} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} />
      </div>
      {create.isError && <FormError error={create.error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? t('users.creating') : t('users.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {tCommon('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
