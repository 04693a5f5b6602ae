import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { ResetPasswordResult, UpdatedUser, UpdateUserRequest, User, UserRole } from '../../api/api-types.js';
import { USER_ROLES } from './add-user-form.js';
import { ConfirmDialog } from './confirm-dialog.js';

/** Which change the dialog asks about, and of whom. */
export interface UserAction {
  kind: 'role' | 'disable' | 'reset';
  user: User;
}

/** What a finished change left to tell: a sentence, and a new password to show once. */
export interface UserActionResult {
  message: string;
  password?: { username: string; value: string };
}

/**
 * Confirms and makes one change to a user: a new role (PATCH), disabling (PATCH), or a new
 * generated password (POST …/password). The API's refusals, such as its 409 for the last enabled
 * admin, are shown inside the dialog.
 */
export function UserActionDialog({ action, onDone, onCancel }: { action: UserAction; onDone: (result: UserActionResult) => void; onCancel: () => void }) {
  const { t } = useTranslation('settings');
  const { t: tCommon } = useTranslation();
  const queryClient = useQueryClient();
  const roleId = useId();
  const { user } = action;
  // The current role first: a role change is a choice, never a default two clicks away (least of all admin).
  const [role, setRole] = useState<UserRole>(user.role);
  const path = `/users/${encodeURIComponent(user.id)}`;

  const update = useMutation({
    mutationFn: (body: UpdateUserRequest) => apiRequest<UpdatedUser>('PATCH', path, { body }),
    onSuccess: async (updated) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      if (updated.revoked_api_keys.length > 0) await queryClient.invalidateQueries({ queryKey: ['keys'] });
      const revoked =
        updated.revoked_api_keys.length === 0
          ? ''
          : ` ${t('users.keysRevoked', { username: updated.username, prefixes: updated.revoked_api_keys.map((key) => key.prefix).join(', ') })}`;
      const message =
        action.kind === 'role' ? t('users.roleChanged', { username: updated.username, role: tCommon(`roles.${updated.role}`) }) : t('users.disabledDone', { username: updated.username });
      onDone({ message: message + revoked });
    },
  });
  const reset = useMutation({
    mutationFn: () => apiRequest<ResetPasswordResult>('POST', `${path}/password`),
    onSuccess: (result) => {
      onDone({ message: t('users.endedSessions', { count: result.ended_sessions }), password: { username: result.username, value: result.password } });
    },
  });

  const common = { onCancel, isBusy: update.isPending || reset.isPending, error: update.error ?? reset.error ?? undefined };
  switch (action.kind) {
    case 'role':
      return (
        <ConfirmDialog {...common} title={t('users.changeRoleTitle', { username: user.username })} confirmLabel={t('users.changeRole')} isConfirmDisabled={role === user.role} onConfirm={() => update.mutate({ role })}>
          <div className="form-grid">
            <label htmlFor={roleId}>{t('users.newRole')}</label>
            <select id={roleId} value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
              {USER_ROLES.map((value) => (
                <option key={value} value={value}>
                  {tCommon(`roles.${value}`)}
                </option>
              ))}
            </select>
          </div>
          <p className="muted">{t('users.changeRoleHint')}</p>
        </ConfirmDialog>
      );
    case 'disable':
      return (
        <ConfirmDialog
          {...common}
          title={t('users.disableTitle', { username: user.username })}
          confirmLabel={t('users.disable')}
          isDanger
          onConfirm={() => update.mutate({ disabled: true })}
        >
          <p>{t('users.disableText')}</p>
        </ConfirmDialog>
      );
    case 'reset':
      return (
        <ConfirmDialog {...common} title={t('users.resetTitle', { username: user.username })} confirmLabel={t('users.resetConfirm')} onConfirm={() => reset.mutate()}>
          <p>{t('users.resetText')}</p>
        </ConfirmDialog>
      );
  }
}
