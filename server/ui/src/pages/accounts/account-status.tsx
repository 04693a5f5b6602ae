import { useTranslation } from 'react-i18next';
import type { Account, AccountCollectionStatus, AccountCoverageGap } from '../../api/api-types.js';
import { formatDateTime, formatRelative } from '../../i18n/format.js';
import { formatDuration } from '../coverage/format-duration.js';

const STATUS_CLASS: Record<AccountCollectionStatus, string> = { ok: 'status-ok', blocked: 'status-bad', failing: 'status-bad', pending: 'muted' };

/** The account's collection status as a coloured badge whose words, not colour alone, say it. */
export function AccountStatusBadge({ status }: { status: AccountCollectionStatus }) {
  const { t } = useTranslation('accounts');
  return (
    <span className={`badge ${STATUS_CLASS[status]}`} data-status={status}>
      {t(`statuses.${status}`)}
    </span>
  );
}

/** The mark of a canary account (a known public account read to watch its platform), with what that means as its tooltip. */
export function CanaryBadge() {
  const { t } = useTranslation('accounts');
  return (
    <span className="badge accounts-canary" title={t('coverage.canaryHint')} data-canary="true">
      {t('coverage.canary')}
    </span>
  );
}

/**
 * The status with why it is so: for an account not covered now, since when, for how long and the
 * kind of failure; for a blocked or failing one the kind of failure; then the error the last
 * collection met (untrusted text, rendered as text) and since when.
 */
export function AccountStatusWhy({ account }: { account: Pick<Account, 'status' | 'active' | 'last_error' | 'last_error_at' | 'coverage_gap' | 'consecutive_failures'> }) {
  const { t } = useTranslation('accounts');
  const { status, coverage_gap: gap } = account;
  let reason: string | undefined;
  if (status === 'blocked' || status === 'failing') reason = t(`statusWhy.${status}`);
  else if (status === 'pending') reason = account.active ? t('statusWhy.pendingActive') : t('statusWhy.pendingInactive');
  const error = gap?.last_error ?? (status !== 'ok' ? account.last_error : null);
  return (
    <div className="accounts-status">
      <AccountStatusBadge status={status} />
      {gap !== null ? <CoverageGapLine gap={gap} /> : reason !== undefined && <span className="accounts-status-reason">{reason}</span>}
      {error !== null && <span className="accounts-status-error">{error}</span>}
      {gap !== null && account.consecutive_failures > 0 && <span className="muted accounts-status-when">{t('coverage.failures', { count: account.consecutive_failures })}</span>}
      {error !== null && account.last_error_at !== null && (
        <span className="muted accounts-status-when">
          <time dateTime={account.last_error_at} title={formatDateTime(account.last_error_at)}>
            {t('statusWhy.errorAt', { when: formatRelative(account.last_error_at) })}
          </time>
        </span>
      )}
    </div>
  );
}

/** "Not covered since X (for 3 h): login wall". */
function CoverageGapLine({ gap }: { gap: AccountCoverageGap }) {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  return (
    <span className="accounts-status-reason accounts-not-covered" data-gap-id={gap.id} data-reason={gap.reason}>
      {t('coverage.notCovered', { since: formatDateTime(gap.started_at), duration: formatDuration(gap.started_at), reason: tCommon(`failureKinds.${gap.reason}`) })}
    </span>
  );
}
