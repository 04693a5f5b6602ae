import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CoverageGap } from '../../api/api-types.js';
import { formatDateTime, formatNumber, formatRelative } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { PlatformName } from '../accounts/platform-name.js';
import { formatDuration } from './format-duration.js';

/**
 * Open gaps (`state="open"`): since when each account is not covered, for how long, why and how many
 * collections failed. Ended gaps (`state="closed"`): the span, what the restoring collection caught up
 * and what it never collected. The platform's error is untrusted text and is shown as text.
 */
export function CoverageGapsTable({ gaps, state }: { gaps: readonly CoverageGap[]; state: 'open' | 'closed' }) {
  const { t } = useTranslation('coverage');
  return (
    <div className="coverage-table-wrap">
      <table className="data coverage-gaps" data-testid={`${state}-gaps`}>
        <caption className="visually-hidden">{t(`${state}.label`)}</caption>
        <thead>
          <tr>
            <th scope="col">{t('gaps.account')}</th>
            {state === 'open' ? (
              <>
                <th scope="col">{t('open.since')}</th>
                <th scope="col">{t('open.duration')}</th>
              </>
            ) : (
              <th scope="col">{t('closed.span')}</th>
            )}
            <th scope="col">{t('gaps.reason')}</th>
            <th scope="col" className="num">
              {t('gaps.failures')}
            </th>
            {state === 'closed' && <th scope="col">{t('closed.caughtUp')}</th>}
          </tr>
        </thead>
        <tbody>
          {gaps.map((gap) => (
            <tr key={gap.id} data-gap-id={gap.id} data-reason={gap.reason}>
              <th scope="row">
                <GapAccount gap={gap} />
              </th>
              {state === 'open' ? (
                <>
                  <td>
                    <time dateTime={gap.started_at}>{formatDateTime(gap.started_at)}</time>
                  </td>
                  <td className="coverage-duration">{formatDuration(gap.started_at)}</td>
                </>
              ) : (
                <td>
                  {t('closed.spanText', { from: formatDateTime(gap.started_at), to: formatDateTime(gap.ended_at) })}
                  <span className="muted coverage-sub">{t('closed.lasted', { duration: formatDuration(gap.started_at, gap.ended_at) })}</span>
                </td>
              )}
              <td>
                <GapReason gap={gap} />
              </td>
              <td className="num">
                {formatNumber(gap.failures)}
                <span className="muted coverage-sub">
                  <time dateTime={gap.last_failed_at}>{formatRelative(gap.last_failed_at)}</time>
                </span>
              </td>
              {state === 'closed' && (
                <td>
                  <CaughtUp gap={gap} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The account: its handle (a link for those who may read accounts), platform and display name, and whether it is a canary. */
function GapAccount({ gap }: { gap: CoverageGap }) {
  const { t } = useTranslation('coverage');
  const { can } = useSignedIn();
  const { account } = gap;
  if (account.handle === null) {
    return (
      <>
        <span className="muted">{t('gaps.unnamed')}</span>
        <span className="muted coverage-sub">
          <PlatformName platform={account.platform} />
        </span>
      </>
    );
  }
  const handle = <span className="coverage-handle">{account.handle}</span>;
  return (
    <>
      {can('accounts:read') ? <Link to={`/accounts/${encodeURIComponent(account.id)}`}>{handle}</Link> : handle}
      <span className="muted coverage-sub">
        <PlatformName platform={account.platform} />
        {account.display_name !== null && <> · {account.display_name}</>}
      </span>
      {account.is_canary && (
        <span className="badge coverage-canary" title={t('gaps.canaryHint')}>
          {t('gaps.canary')}
        </span>
      )}
    </>
  );
}

function GapReason({ gap }: { gap: CoverageGap }) {
  const { t: tCommon } = useTranslation();
  return (
    <>
      <strong className="coverage-reason">{tCommon(`failureKinds.${gap.reason}`)}</strong>
      {/* What the platform or the crawler said: untrusted, so text only (React escapes it). */}
      {gap.last_error !== null && <span className="coverage-error-text">{gap.last_error}</span>}
    </>
  );
}

function CaughtUp({ gap }: { gap: CoverageGap }) {
  const { t } = useTranslation('coverage');
  return (
    <>
      {gap.caught_up_posts === null ? '—' : t('closed.caughtUpPosts', { count: gap.caught_up_posts })}
      {gap.uncovered_until !== null && (
        <span className="coverage-missed">{t('closed.missed', { from: formatDateTime(gap.started_at), to: formatDateTime(gap.uncovered_until) })}</span>
      )}
    </>
  );
}
