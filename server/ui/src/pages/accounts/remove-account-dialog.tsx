import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import { ApiError } from '../../api/api-error.js';
import type { Account, AccountDetail, DeleteAccountResult } from '../../api/api-types.js';
import { ErrorMessage, useErrorText } from '../../components/error-message.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { useRemoveAccount, useSetAccountActive } from './use-account-actions.js';

/**
 * Asks before deleting an account. When the API refuses because the account holds findings, it
 * says so and offers the two ways on: delete them too (force), or disable the account and keep them.
 */
export function RemoveAccountDialog({
  account,
  onClose,
  onRemoved,
  onDisabled,
}: {
  account: Pick<Account, 'id' | 'handle' | 'active'>;
  onClose: () => void;
  onRemoved: (result: DeleteAccountResult) => void;
  onDisabled: () => void;
}) {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  const errorText = useErrorText();
  const remove = useRemoveAccount();
  const setActive = useSetAccountActive();
  const [refusal, setRefusal] = useState<ApiError | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const isBusy = remove.isPending || setActive.isPending;
  // Refused for its findings: say what it holds in the UI's words (the API's text is for API callers).
  const held = useQuery({
    queryKey: ['accounts', 'detail', account.id],
    queryFn: ({ signal }) => apiRequest<AccountDetail>('GET', `/accounts/${encodeURIComponent(account.id)}`, { signal }),
    enabled: refusal !== undefined,
    staleTime: 0,
  });

  function submit(isForced: boolean) {
    setError(undefined);
    remove.mutate(
      { id: account.id, isForced },
      {
        onSuccess: (result) => onRemoved(result),
        onError: (error) => {
          // 409: the account holds findings, which only a forced delete takes with it.
          if (error instanceof ApiError && error.status === 409 && !isForced) setRefusal(error);
          else setError(error);
        },
      },
    );
  }

  function disable() {
    setError(undefined);
    setActive.mutate({ id: account.id, isActive: false }, { onSuccess: onDisabled, onError: setError });
  }

  return (
    <ModalDialog title={t('remove.title', { handle: account.handle })} onClose={onClose}>
      <p>{t('remove.explain')}</p>
      {refusal !== undefined && (
        <div className="notice accounts-remove-refused" role="alert" data-testid="account-remove-refused">
          <h3>{t('remove.heldTitle')}</h3>
          <p>{held.data === undefined ? errorText(refusal) : t('remove.heldCounts', { findings: held.data.counts.findings, open: held.data.counts.open_findings, posts: held.data.counts.posts, images: held.data.counts.images })}</p>
          <p>{t('remove.heldExplain')}</p>
        </div>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      {/* The safe choice first: showModal() focuses it. */}
      <div className="actions">
        <button type="button" onClick={onClose} disabled={isBusy}>
          {tCommon('actions.cancel')}
        </button>
        {refusal === undefined ? (
          <button type="button" className="danger" disabled={isBusy} onClick={() => submit(false)}>
            {remove.isPending ? t('remove.removing') : t('remove.confirm')}
          </button>
        ) : (
          <>
            {account.active && (
              <button type="button" className="primary" disabled={isBusy} onClick={disable}>
                {t('remove.disableInstead')}
              </button>
            )}
            <button type="button" className="danger" disabled={isBusy} onClick={() => submit(true)}>
              {remove.isPending ? t('remove.removing') : t('remove.force')}
            </button>
          </>
        )}
      </div>
    </ModalDialog>
  );
}
