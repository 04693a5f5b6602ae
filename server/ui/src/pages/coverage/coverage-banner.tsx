import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CoverageSummary } from '../../api/api-types.js';
import { formatDateTime } from '../../i18n/format.js';
import { useCoverageSummary } from './use-coverage.js';
import './coverage.css';

/**
 * Above every page: how many accounts are not covered and since when, and which platforms are down or
 * block us, with a link to the coverage page. A polite live region, so a gap that opens while someone
 * works is announced; nothing shows while everything is covered.
 */
export function CoverageBanner() {
  const summary = useCoverageSummary();
  return <div role="status">{summary.data !== undefined && <BannerText summary={summary.data} />}</div>;
}

function BannerText({ summary }: { summary: CoverageSummary }) {
  const { t } = useTranslation();
  const out = summary.platforms.filter((platform) => platform.state === 'down' || platform.state === 'blocked');
  if (summary.accounts_uncovered === 0 && out.length === 0) return null;
  const platforms = out
    .map((platform) => t('coverageBanner.platformState', { platform: platform.platform, state: t(`coverageBanner.states.${platform.state as 'down' | 'blocked'}`) }))
    .join(', ');
  const sentences: string[] = [];
  if (summary.accounts_uncovered > 0) {
    const since = summary.oldest_open_gap_started_at;
    sentences.push(
      since === null
        ? t('coverageBanner.uncoveredNoSince', { count: summary.accounts_uncovered })
        : t('coverageBanner.uncovered', { count: summary.accounts_uncovered, since: formatDateTime(since) }),
    );
    if (out.length > 0) sentences.push(t('coverageBanner.platformsAlso', { platforms }));
  } else {
    sentences.push(t('coverageBanner.platformsOut', { platforms }));
  }
  return (
    <div className="notice coverage-banner" data-testid="coverage-banner">
      <span>{sentences.join(' ')}</span> <Link to="/coverage">{t('coverageBanner.link')}</Link>
    </div>
  );
}
