import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { CoverageGapState, CoverageSummary } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatDateTime, formatNumber, formatRelative } from '../../i18n/format.js';
import { PlatformName } from '../accounts/platform-name.js';
import { isPlatform } from '../accounts/platforms.js';
import { CoverageGapsTable } from './coverage-gaps-table.js';
import { PlatformHealthTable } from './platform-health-table.js';
import { useCoverageGaps, useCoverageSummary } from './use-coverage.js';
import './coverage.css';

const GAP_STATES = ['all', 'open', 'closed'] as const satisfies readonly CoverageGapState[];

/** /coverage: each platform's health, the accounts not covered now, and gaps that ended; filtered by gap state and platform in the address. */
export function CoveragePage() {
  const { t } = useTranslation('coverage');
  const { t: tAccounts } = useTranslation('accounts');
  const id = useId();
  const [parameters, setParameters] = useSearchParams();
  const state: CoverageGapState = (GAP_STATES as readonly (string | null)[]).includes(parameters.get('state')) ? (parameters.get('state') as CoverageGapState) : 'all';
  const platform = parameters.get('platform') ?? undefined;
  const summary = useCoverageSummary();
  const platforms = summary.data?.platforms.filter((health) => platform === undefined || health.platform === platform) ?? [];

  function setFilter(name: 'state' | 'platform', value: string) {
    const next = new URLSearchParams(parameters);
    if (value === '' || (name === 'state' && value === 'all')) next.delete(name);
    else next.set(name, value);
    setParameters(next);
  }

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted coverage-intro">{t('intro', { count: summary.data?.window_hours ?? 6 })}</p>
      {summary.isPending && <Loading />}
      {summary.isError && <ErrorMessage error={summary.error} onRetry={() => void summary.refetch()} />}
      {summary.data !== undefined && <CoverageTotals summary={summary.data} />}
      <form className="toolbar" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-state`}>{t('filters.state')}</label>
          <select id={`${id}-state`} value={state} onChange={(event) => setFilter('state', event.target.value)}>
            {GAP_STATES.map((name) => (
              <option key={name} value={name}>
                {t(`filters.states.${name}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-platform`}>{t('filters.platform')}</label>
          <select id={`${id}-platform`} value={platform ?? ''} onChange={(event) => setFilter('platform', event.target.value)}>
            <option value="">{t('filters.any')}</option>
            {/* A platform in the address that has no accounts any more stays choosable, so the filter still reads true. */}
            {[...new Set([...(summary.data?.platforms.map((health) => health.platform) ?? []), ...(platform === undefined ? [] : [platform])])].map((name) => (
              <option key={name} value={name}>
                {isPlatform(name) ? tAccounts(`platforms.${name}`) : name}
              </option>
            ))}
          </select>
        </div>
      </form>
      {summary.data !== undefined && (
        <section aria-labelledby={`${id}-health`}>
          <h2 id={`${id}-health`}>{t('health.title')}</h2>
          {platforms.length === 0 ? (
            <p className="panel">{platform === undefined ? t('health.empty') : t('health.emptyFiltered')}</p>
          ) : (
            <PlatformHealthTable platforms={platforms} />
          )}
        </section>
      )}
      {state !== 'closed' && <GapsSection state="open" platform={platform} />}
      {state !== 'open' && <GapsSection state="closed" platform={platform} />}
    </>
  );
}

/** The installation's coverage in four figures. */
function CoverageTotals({ summary }: { summary: CoverageSummary }) {
  const { t } = useTranslation('coverage');
  return (
    <dl className="panel coverage-totals" data-testid="coverage-totals">
      <div>
        <dt>{t('totals.uncovered')}</dt>
        <dd className={summary.accounts_uncovered > 0 ? 'status-bad' : 'status-ok'}>{formatNumber(summary.accounts_uncovered)}</dd>
      </div>
      <div>
        <dt>{t('totals.openGaps')}</dt>
        <dd>{formatNumber(summary.open_gaps)}</dd>
      </div>
      <div>
        <dt>{t('totals.oldest')}</dt>
        <dd className="coverage-total-text">
          {summary.oldest_open_gap_started_at === null ? (
            t('totals.none')
          ) : (
            <time dateTime={summary.oldest_open_gap_started_at}>{formatDateTime(summary.oldest_open_gap_started_at)}</time>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('totals.asOf')}</dt>
        <dd className="coverage-total-text">
          <time dateTime={summary.generated_at}>{formatRelative(summary.generated_at)}</time>
        </dd>
      </div>
    </dl>
  );
}

/** One list of gaps (open or ended) with its heading, page by page. */
function GapsSection({ state, platform }: { state: 'open' | 'closed'; platform: string | undefined }) {
  const { t } = useTranslation('coverage');
  const { t: tCommon } = useTranslation();
  const id = useId();
  const list = useCoverageGaps(state, platform);
  const gaps = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{t(`${state}.title`)}</h2>
      <p className="muted coverage-intro">
        {t(`${state}.intro`)}
        {platform !== undefined && (
          <>
            {' '}
            (<PlatformName platform={platform} />)
          </>
        )}
      </p>
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && gaps.length === 0 && (
        <p className="panel" data-testid={`${state}-gaps-empty`}>
          {platform === undefined ? t(`${state}.empty`) : t(`${state}.emptyFiltered`)}
        </p>
      )}
      {gaps.length > 0 && <CoverageGapsTable gaps={gaps} state={state} />}
      {list.hasNextPage && (
        <div className="actions">
          <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {list.isFetchingNextPage ? tCommon('status.loading') : tCommon('actions.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}
