import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import type { RuleDetail } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatNumber } from '../../i18n/format.js';

const RESOLUTIONS = ['confirmed_leak', 'false_positive', 'authorized', 'accepted_risk', 'duplicate', 'out_of_scope'] as const;

/** One rule as GET /rules/{id} gives it: verdicts on its resolved findings and, when the server sends them, its examples as plain text. */
export function RuleDetails({ id, domId }: { id: string; domId: string }) {
  const { t } = useTranslation('rules');
  const query = useQuery({
    queryKey: ['rules', id],
    queryFn: ({ signal }) => apiRequest<RuleDetail>('GET', `/rules/${encodeURIComponent(id)}`, { signal }),
  });
  return (
    <section id={domId} className="rules-details" aria-label={t('detail.label', { id })}>
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && <RuleDetailView rule={query.data} />}
    </section>
  );
}

function RuleDetailView({ rule }: { rule: RuleDetail }) {
  const { t } = useTranslation('rules');
  const resolved = RESOLUTIONS.reduce((sum, resolution) => sum + rule.resolutions[resolution], 0);
  return (
    <div className="rules-details-grid">
      <div>
        {rule.description !== null && <p>{rule.description}</p>}
        <h3>{t('detail.verdicts')}</h3>
        <dl className="rules-verdicts">
          {RESOLUTIONS.map((resolution) => (
            <div key={resolution}>
              <dt>{t(`resolutions.${resolution}`)}</dt>
              <dd>{formatNumber(rule.resolutions[resolution])}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          {resolved === 0
            ? t('detail.noVerdicts')
            : t('detail.fpRateOf', { falsePositives: formatNumber(rule.resolutions.false_positive), resolved: formatNumber(resolved) })}
        </p>
      </div>
      <div>
        <h3>{t('detail.examples')}</h3>
        {rule.examples.leak.length + rule.examples.clean.length === 0 ? (
          <p className="muted">{t('detail.noExamples')}</p>
        ) : (
          <>
            <Examples title={t('detail.leak')} examples={rule.examples.leak} kind="leak" />
            <Examples title={t('detail.clean')} examples={rule.examples.clean} kind="clean" />
          </>
        )}
      </div>
    </div>
  );
}

function Examples({ title, examples, kind }: { title: string; examples: readonly string[]; kind: 'leak' | 'clean' }) {
  const { t } = useTranslation('rules');
  return (
    <>
      <h4 className="rules-examples-title">{title}</h4>
      {examples.length === 0 ? (
        <p className="muted">{t('detail.noneOfKind')}</p>
      ) : (
        <ul className={`rules-examples rules-examples-${kind}`}>
          {examples.map((example, index) => (
            <li key={index}>
              <pre>{example}</pre>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
