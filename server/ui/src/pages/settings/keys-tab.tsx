import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { ApiKey, CreatedApiKey } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime } from '../../i18n/format.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { CreateKeyForm } from './create-key-form.js';
import { ShownOnceSecret } from './shown-once-secret.js';

/** API keys (keys:admin): the list with prefix, scopes and dates; create one (its token shown once) and revoke one after a confirmation. */
export function KeysTab() {
  const { t } = useTranslation('settings');
  const { t: tCommon } = useTranslation();
  const queryClient = useQueryClient();
  const [isCreating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const query = useQuery({ queryKey: ['keys'], queryFn: ({ signal }) => apiRequest<{ items: ApiKey[] }>('GET', '/keys', { signal }) });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => apiRequest<undefined>('DELETE', `/keys/${encodeURIComponent(key.id)}`),
    onSuccess: async (_nothing, key) => {
      setRevoking(null);
      setNotice(t('keys.revoked', { name: key.name }));
      await queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  // "Expired" is judged at the time of the list, not of each render.
  const listedAt = query.dataUpdatedAt;

  return (
    <section aria-labelledby="settings-keys-title">
      <div className="settings-heading">
        <h2 id="settings-keys-title">{t('keys.title')}</h2>
        {!isCreating && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            {t('keys.create')}
          </button>
        )}
      </div>
      <p className="muted">{t('keys.intro')}</p>
      {created && (
        <ShownOnceSecret
          title={t('keys.tokenTitle', { name: created.name })}
          label={t('keys.tokenLabel')}
          secret={created.token}
          hint={t('keys.tokenUse')}
          onDone={() => setCreated(null)}
        />
      )}
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {isCreating && (
        <CreateKeyForm
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />}
      {query.data?.items.length === 0 && <p className="muted">{t('keys.empty')}</p>}
      {query.data && query.data.items.length > 0 && (
        <table className="data settings-table">
          <caption className="visually-hidden">{t('keys.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('keys.columns.name')}</th>
              <th scope="col">{t('keys.columns.prefix')}</th>
              <th scope="col">{t('keys.columns.role')}</th>
              <th scope="col">{t('keys.columns.scopes')}</th>
              <th scope="col">{t('keys.columns.created')}</th>
              <th scope="col">{t('keys.columns.expires')}</th>
              <th scope="col">{t('keys.columns.lastUsed')}</th>
              <th scope="col">{t('keys.columns.status')}</th>
              <th scope="col">{t('keys.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {query.data.items.map((key) => {
              const isExpired = key.expires_at !== null && Date.parse(key.expires_at) <= listedAt;
              return (
                <tr key={key.id} className={key.revoked_at === null ? undefined : 'settings-row-gone'}>
                  <th scope="row" className="settings-row-head">
                    {key.name}
                  </th>
                  <td>
                    <code>{key.prefix}</code>
                  </td>
                  <td>{tCommon(`roles.${key.role}`)}</td>
                  <td>
                    {key.scopes.length === 0 ? (
                      <span className="muted">{t('keys.allScopes')}</span>
                    ) : (
                      <ul className="settings-scope-list">
                        {key.scopes.map((scope) => (
                          <li key={scope}>
                            <code>{scope}</code>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{formatDateTime(key.created_at)}</td>
                  <td>{key.expires_at === null ? <span className="muted">{t('keys.never')}</span> : formatDateTime(key.expires_at)}</td>
                  <td>{key.last_used_at === null ? <span className="muted">{t('keys.never')}</span> : formatDateTime(key.last_used_at)}</td>
                  <td>
                    {key.revoked_at !== null ? (
                      <span className="badge status-bad">{t('keys.revokedOn', { date: formatDateTime(key.revoked_at) })}</span>
                    ) : isExpired ? (
                      <span className="badge status-warn">{t('keys.expired')}</span>
                    ) : (
                      <span className="badge status-ok">{t('keys.active')}</span>
                    )}
                  </td>
                  <td>
                    {key.revoked_at === null && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={t('keys.revokeOf', { name: key.name, prefix: key.prefix })}
                        onClick={() => {
                          revoke.reset();
                          setNotice(null);
                          setRevoking(key);
                        }}
                      >
                        {t('keys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('keys.revokeTitle', { name: revoking.name })}
          confirmLabel={t('keys.revoke')}
          isDanger
          isBusy={revoke.isPending}
          error={revoke.error ?? undefined}
          onConfirm={() => revoke.mutate(revoking)}
          onCancel={() => setRevoking(null)}
        >
          <p>{t('keys.revokeText', { prefix: revoking.prefix })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
