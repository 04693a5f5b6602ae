import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import { ApiError } from '../../api/api-error.js';
import type { CreatedUser, UpdatedUser, User, UserList } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { AddUserForm } from './add-user-form.js';
import { ShownOnceSecret } from './shown-once-secret.js';
import { UserActionDialog, type UserAction, type UserActionResult } from './user-action-dialog.js';

/** Users (users:admin): the list with role, status and last sign-in; add, change role, disable or enable, and give a new password. */
export function UsersTab() {
  const { t } = useTranslation('settings');
  const { t: tCommon } = useTranslation();
  const session = useSignedIn();
  const queryClient = useQueryClient();
  const [isAdding, setAdding] = useState(false);
  const [action, setAction] = useState<UserAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [password, setPassword] = useState<{ username: string; value: string } | null>(null);

  const query = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => apiRequest<UserList>('GET', '/users', { signal }) });
  const enable = useMutation({
    mutationFn: (user: User) => apiRequest<UpdatedUser>('PATCH', `/users/${encodeURIComponent(user.id)}`, { body: { disabled: false } }),
    onSuccess: async (user) => {
      setNotice(t('users.enabledDone', { username: user.username }));
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

  function created(user: CreatedUser) {
    setAdding(false);
    if (user.generated_password === null) setNotice(t('users.created', { username: user.username }));
    else {
      setNotice(null);
      setPassword({ username: user.username, value: user.generated_password });
    }
  }

  function done(result: UserActionResult) {
    setAction(null);
    setNotice(result.message);
    if (result.password) setPassword(result.password);
  }

  function open(next: UserAction) {
    enable.reset();
    setNotice(null);
    setAction(next);
  }

  if (query.isError && query.error instanceof ApiError && query.error.status === 404) {
    return <p className="notice">{t('missingApi', { route: 'GET /api/v1/users' })}</p>;
  }
  return (
    <section aria-labelledby="settings-users-title">
      <div className="settings-heading">
        <h2 id="settings-users-title">{t('users.title')}</h2>
        {!isAdding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t('users.add')}
          </button>
        )}
      </div>
      <p className="muted">{t('users.intro')}</p>
      {password && (
        <ShownOnceSecret
          title={t('users.generatedTitle', { username: password.username })}
          label={t('users.generatedLabel')}
          secret={password.value}
          onDone={() => setPassword(null)}
        />
      )}
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {enable.isError && <ErrorMessage error={enable.error} />}
      {isAdding && <AddUserForm onCreated={created} onCancel={() => setAdding(false)} />}
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && (
        <table className="data settings-table">
          <caption className="visually-hidden">{t('users.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('users.columns.username')}</th>
              <th scope="col">{t('users.columns.role')}</th>
              <th scope="col">{t('users.columns.status')}</th>
              <th scope="col">{t('users.columns.lastLogin')}</th>
              <th scope="col">{t('users.columns.created')}</th>
              <th scope="col">{t('users.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {query.data.items.map((user) => {
              const isSelf = user.id === session.user?.id;
              return (
                <tr key={user.id}>
                  <th scope="row" className="settings-row-head">
                    {user.username} {isSelf && <span className="muted">{t('users.you')}</span>}
                    {user.display_name !== null && <span className="muted settings-subline">{user.display_name}</span>}
                    {user.email !== null && <span className="muted settings-subline">{user.email}</span>}
                  </th>
                  <td>{tCommon(`roles.${user.role}`)}</td>
                  <td>
                    <span className={`badge ${user.disabled ? 'status-bad' : 'status-ok'}`}>{user.disabled ? t('users.disabled') : t('users.enabled')}</span>
                  </td>
                  <td>{user.last_login_at === null ? <span className="muted">{t('users.never')}</span> : formatDateTime(user.last_login_at)}</td>
                  <td>{formatDateTime(user.created_at)}</td>
                  <td>
                    <div className="settings-row-actions">
                      {isSelf ? (
                        <span className="muted settings-hint">{t('users.selfNote')}</span>
                      ) : (
                        <>
                          <button type="button" aria-label={t('users.changeRoleOf', { username: user.username })} onClick={() => open({ kind: 'role', user })}>
                            {t('users.changeRole')}
                          </button>
                          {user.disabled ? (
                            <button
                              type="button"
                              aria-label={t('users.enableOf', { username: user.username })}
                              disabled={enable.isPending}
                              onClick={() => {
                                setNotice(null);
                                enable.mutate(user);
                              }}
                            >
                              {t('users.enable')}
                            </button>
                          ) : (
                            <button type="button" className="danger" aria-label={t('users.disableOf', { username: user.username })} onClick={() => open({ kind: 'disable', user })}>
                              {t('users.disable')}
                            </button>
                          )}
                          {/* Not for oneself: the reset ends one's own session before the new password could be copied. */}
                          <button type="button" aria-label={t('users.resetPasswordOf', { username: user.username })} onClick={() => open({ kind: 'reset', user })}>
                            {t('users.resetPassword')}
                          </button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {action && <UserActionDialog action={action} onDone={done} onCancel={() => setAction(null)} />}
    </section>
  );
}
