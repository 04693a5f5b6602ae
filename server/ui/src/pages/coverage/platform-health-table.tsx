import { useTranslation } from 'react-i18next';
import type { PlatformHealth, PlatformState } from '../../api/api-types.js';
import { formatNumber, formatRelative } from '../../i18n/format.js';
import { PlatformName } from '../accounts/platform-name.js';

const STATE_CLASS: Record<PlatformState, string> = { ok: 'status-ok', degraded: 'status-warn', down: 'status-bad', blocked: 'status-bad', unknown: 'muted' };

/** Each platform's health over the window: state and why, share of successful collections, failures by kind, last success, canary, accounts. */
export function PlatformHealthTable({ platforms }: { platforms: readonly PlatformHealth[] }) {
  const { t } = useTranslation('coverage');
  return (
    <div className="coverage-table-wrap">
      <table className="data coverage-health" data-testid="platform-health">
        <caption className="visually-hidden">{t('health.label')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('health.platform')}</th>
            <th scope="col">{t('health.state')}</th>
            <th scope="col">{t('health.success')}</th>
            <th scope="col">{t('health.failures')}</th>
            <th scope="col">{t('health.lastSuccess')}</th>
            <th scope="col">{t('health.canary')}</th>
            <th scope="col" className="num">
              {t('health.accounts')}
            </th>
            <th scope="col" className="num">
              {t('health.uncovered')}
            </th>
          </tr>
        </thead>
        <tbody>
          {platforms.map((platform) => (
            <PlatformRow key={platform.platform} platform={platform} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlatformRow({ platform }: { platform: PlatformHealth }) {
  const { t } = useTranslation('coverage');
  const { t: tCommon } = useTranslation();
  const failures = Object.entries(platform.failures).filter(([, count]) => count > 0);
  return (
    <tr data-platform={platform.platform} data-state={platform.state}>
      <th scope="row">
        <PlatformName platform={platform.platform} />
      </th>
      <td>
        <span className={`badge ${STATE_CLASS[platform.state]}`} title={t(`stateHints.${platform.state}`)}>
          {t(`states.${platform.state}`)}
        </span>
        {/* The server's own sentence (English): the counts that decided the state. */}
        <span className="muted coverage-sub" lang="en">
          {platform.reason}
        </span>
      </td>
      <td>
        {platform.success_rate === null ? (
          <span className="muted">{t('health.noAttempts')}</span>
        ) : (
          <>
            <strong>{formatNumber(platform.success_rate, { style: 'percent', maximumFractionDigits: 0 })}</strong>
            <span className="muted coverage-sub">{t('health.share', { successes: formatNumber(platform.successes), attempts: formatNumber(platform.attempts) })}</span>
          </>
        )}
      </td>
      <td>
        {failures.length === 0 ? (
          <span className="muted">{t('health.noFailures')}</span>
        ) : (
          <ul className="coverage-failures">
            {failures.map(([kind, count]) => (
              <li key={kind}>
                {tCommon(`failureKinds.${kind as keyof PlatformHealth['failures']}`)}: {formatNumber(count)}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{platform.last_success_at === null ? '—' : <time dateTime={platform.last_success_at}>{formatRelative(platform.last_success_at)}</time>}</td>
      <td>
        <CanaryOutcome canary={platform.canary} />
      </td>
      <td className="num">{formatNumber(platform.accounts)}</td>
      <td className={`num ${platform.accounts_uncovered > 0 ? 'status-bad' : ''}`}>{formatNumber(platform.accounts_uncovered)}</td>
    </tr>
  );
}

function CanaryOutcome({ canary }: { canary: PlatformHealth['canary'] }) {
  const { t } = useTranslation('coverage');
  const { t: tCommon } = useTranslation();
  if (canary === null) return <span className="muted">{t('health.noCanary')}</span>;
  const text = canary.outcome === 'ok' ? t('health.canaryOk') : t('health.canaryFailed', { reason: tCommon(`failureKinds.${canary.outcome}`) });
  return (
    <span className={canary.outcome === 'ok' ? 'status-ok' : 'status-bad'}>
      {text}
      <span className="muted coverage-sub">
        <time dateTime={canary.attempted_at}>{formatRelative(canary.attempted_at)}</time>
      </span>
    </span>
  );
}
