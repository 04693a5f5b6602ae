import { useTranslation } from 'react-i18next';
import type { Account } from '../../api/api-types.js';
import { formatDate, formatDateTime } from '../../i18n/format.js';

/** The account's registration as the API holds it; every value (untrusted) is rendered as text. */
export function AccountFields({ account }: { account: Account }) {
  const { t } = useTranslation('accounts');
  const rows: [label: string, value: string | null][] = [
    [t('detail.kind'), t(`kinds.${account.kind}`)],
    [t('detail.displayName'), account.display_name],
    [t('detail.url'), account.url],
    [t('detail.ownerName'), account.owner_name],
    [t('detail.ownerEmployeeId'), account.owner_employee_id],
    [t('detail.ownerEmail'), account.owner_email],
    [t('detail.ownerDepartment'), account.owner_department],
    [t('detail.noticeGivenAt'), account.notice_given_at === null ? null : formatDate(account.notice_given_at)],
    [t('detail.legalBasis'), account.legal_basis],
    [t('detail.legalBasisAt'), account.legal_basis_at === null ? null : formatDate(account.legal_basis_at)],
    [t('detail.schedule'), account.schedule ?? t('detail.defaultSchedule')],
    [t('detail.createdAt'), formatDateTime(account.created_at)],
    [t('detail.updatedAt'), formatDateTime(account.updated_at)],
  ];
  return (
    <section className="panel accounts-panel" aria-labelledby="account-fields-title">
      <h2 id="account-fields-title">{t('detail.fields')}</h2>
      <dl className="accounts-dl">
        {rows.map(([label, value]) => (
          <div key={label} className="accounts-dl-row">
            <dt>{label}</dt>
            <dd>{value ?? '—'}</dd>
          </div>
        ))}
        {account.selectors !== null && (
          <div className="accounts-dl-row">
            <dt>{t('detail.selectors')}</dt>
            <dd>
              <pre className="accounts-selectors">{JSON.stringify(account.selectors, null, 2)}</pre>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
