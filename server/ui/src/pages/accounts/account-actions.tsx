import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Account, DeleteAccountResult } from '../../api/api-types.js';
import { useSignedIn } from '../../session/session-context.js';
import type { Feedback } from './action-feedback.js';
import { RemoveAccountDialog } from './remove-account-dialog.js';
import { useScanAccountNow, useSetAccountActive } from './use-account-actions.js';

/**
 * The buttons for one account that the signed-in role may use: scan now (active accounts only),
 * enable or disable, and remove (after asking). Each names its account for screen readers.
 */
export function AccountActions({
  account,
  isFull = false,
  onFeedback,
  onRemoved,
}: {
  account: Pick<Account, 'id' | 'handle' | 'active'>;
  /** Scan now reads back past the account's cursor, to catch edited posts. */
  isFull?: boolean;
  onFeedback: (feedback: Feedback) => void;
  onRemoved?: (result: DeleteAccountResult) => void;
}) {
  const { t } = useTranslation('accounts');
  const { can } = useSignedIn();
  const scanNow = useScanAccountNow();
  const setActive = useSetAccountActive();
  const [isRemoving, setRemoving] = useState(false);
  const { handle } = account;

  function startScan() {
    onFeedback(undefined);
    scanNow.mutate(
      { id: account.id, isFull },
      {
        onSuccess: (scan) =>
          onFeedback({
            tone: 'ok',
            content: (
              <>
                {t('scanStarted.text', { handle })} {scan.accounts_left_to_other_scans > 0 && t('scanStarted.otherScan')}{' '}
                <Link to={`/scans/${encodeURIComponent(scan.id)}`}>{t('scanStarted.follow')}</Link>
              </>
            ),
          }),
        onError: (error) => onFeedback({ tone: 'error', error }),
      },
    );
  }

  function toggle() {
    onFeedback(undefined);
    const isActive = !account.active;
    setActive.mutate(
      { id: account.id, isActive },
      {
        onSuccess: () => onFeedback({ tone: 'ok', content: t(isActive ? 'toggled.enabled' : 'toggled.disabled', { handle }) }),
        onError: (error) => onFeedback({ tone: 'error', error }),
      },
    );
  }

  const mayScan = can('scans:write') && account.active;
  const mayWrite = can('accounts:write');
  if (!mayScan && !mayWrite) return null;
  return (
    <div className="accounts-actions">
      {mayScan && (
        <button type="button" className="primary" disabled={scanNow.isPending} aria-label={t('actions.scanNowLabel', { handle })} onClick={startScan}>
          {scanNow.isPending ? t('actions.scanning') : t('actions.scanNow')}
        </button>
      )}
      {mayWrite && (
        <button
          type="button"
          disabled={setActive.isPending}
          aria-label={t(account.active ? 'actions.disableLabel' : 'actions.enableLabel', { handle })}
          onClick={toggle}
        >
          {account.active ? t('actions.disable') : t('actions.enable')}
        </button>
      )}
      {mayWrite && (
        <button type="button" className="danger" aria-label={t('actions.removeLabel', { handle })} onClick={() => setRemoving(true)}>
          {t('actions.remove')}
        </button>
      )}
      {isRemoving && (
        <RemoveAccountDialog
          account={account}
          onClose={() => setRemoving(false)}
          onDisabled={() => {
            setRemoving(false);
            onFeedback({ tone: 'ok', content: t('toggled.disabled', { handle }) });
          }}
          onRemoved={(result) => {
            setRemoving(false);
            onFeedback({ tone: 'ok', content: t('remove.done', { handle, ...result.deleted }) });
            onRemoved?.(result);
          }}
        />
      )}
    </div>
  );
}
