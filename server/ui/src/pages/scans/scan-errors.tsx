import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ScanDetail } from '../../api/api-types.js';
import { formatDateTime } from '../../i18n/format.js';

/** The scan's errors (untrusted collector text, rendered as text), each with its account when it has one. */
export function ScanErrors({ scan }: { scan: ScanDetail }) {
  const { t } = useTranslation('scans');
  const handles = new Map(scan.accounts.map((outcome) => [outcome.account_id, `${outcome.platform}: ${outcome.handle}`]));
  return (
    <section className="panel scans-panel" aria-labelledby="scan-errors-title">
      <h2 id="scan-errors-title">
        {t('detail.errors')} <span className="muted">({scan.errors.length})</span>
      </h2>
      {scan.errors.length === 0 ? (
        <p className="muted">{t('detail.noErrors')}</p>
      ) : (
        <div className="scans-table-wrap">
          <table className="data scans-errors">
            <caption className="visually-hidden">{t('detail.errorsLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('detail.errorAt')}</th>
                <th scope="col">{t('detail.errorAccount')}</th>
                <th scope="col">{t('detail.errorMessage')}</th>
              </tr>
            </thead>
            <tbody>
              {scan.errors.map((error, index) => (
                <tr key={`${error.at}-${index}`}>
                  <th scope="row">
                    <time dateTime={error.at}>{formatDateTime(error.at)}</time>
                  </th>
                  <td>
                    {error.account_id === null ? (
                      <span className="muted">{t('detail.scanWide')}</span>
                    ) : (
                      <Link to={`/accounts/${encodeURIComponent(error.account_id)}`}>{handles.get(error.account_id) ?? error.account_id}</Link>
                    )}
                  </td>
                  <td className="scans-error-text">{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
