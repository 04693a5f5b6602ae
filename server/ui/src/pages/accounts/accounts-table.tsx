import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Account } from '../../api/api-types.js';
import { formatDateTime, formatRelative } from '../../i18n/format.js';
import { AccountActions } from './account-actions.js';
import type { Feedback } from './action-feedback.js';
import { AccountStatusWhy, CanaryBadge } from './account-status.js';
import { PlatformName } from './platform-name.js';

/** The accounts as a table: who, whose, whether and how it is scanned, and the actions the role may use. */
export function AccountsTable({ accounts, onFeedback }: { accounts: readonly Account[]; onFeedback: (feedback: Feedback) => void }) {
  const { t } = useTranslation('accounts');
  return (
    <div className="accounts-table-wrap">
      <table className="data accounts-table">
        <caption className="visually-hidden">{t('list.label')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('list.account')}</th>
            <th scope="col">{t('list.owner')}</th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col">{t('list.scanning')}</th>
            <th scope="col">{t('list.lastScanned')}</th>
            <th scope="col">{t('list.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id} data-account-id={account.id}>
              <th scope="row" className="accounts-cell-account">
                <Link to={`/accounts/${encodeURIComponent(account.id)}`} className="accounts-handle">
                  {account.handle}
                </Link>
                <span className="muted">
                  <PlatformName platform={account.platform} />
                  {account.display_name !== null && <> · {account.display_name}</>}
                </span>
                {account.is_canary && (
                  <span>
                    <CanaryBadge />
                  </span>
                )}
              </th>
              <td>
                <span className="accounts-kind">{t(`kinds.${account.kind}`)}</span>
                {account.owner_name !== null && <span>{account.owner_name}</span>}
                {account.owner_employee_id !== null && <span className="muted">{t('list.employeeId', { id: account.owner_employee_id })}</span>}
                {account.owner_email !== null && <span className="muted accounts-email">{account.owner_email}</span>}
              </td>
              <td className="accounts-cell-status">
                <AccountStatusWhy account={account} />
              </td>
              <td>
                <span className={account.active ? 'status-ok' : 'status-warn'}>{account.active ? t('active.yes') : t('active.no')}</span>
                {account.active && account.next_scan_at !== null && (
                  <span className="muted">
                    {t('list.nextScan')}:{' '}
                    <time dateTime={account.next_scan_at} title={formatDateTime(account.next_scan_at)}>
                      {formatRelative(account.next_scan_at)}
                    </time>
                  </span>
                )}
              </td>
              <td>
                {account.last_scanned_at === null ? (
                  <span className="muted">—</span>
                ) : (
                  <time dateTime={account.last_scanned_at} title={formatDateTime(account.last_scanned_at)}>
                    {formatRelative(account.last_scanned_at)}
                  </time>
                )}
              </td>
              <td>
                <AccountActions account={account} onFeedback={onFeedback} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
