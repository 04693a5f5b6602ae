import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FindingDetail } from '../../api/api-types.js';
import { formatNumber } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { fetchRules } from './findings-api.js';

const FACTORS = ['base', 'context', 'allowlist', 'proximity', 'validators', 'ocrConfidence'] as const;
type Factor = (typeof FACTORS)[number];

function isKnownFactor(name: string): name is Factor {
  return FACTORS.some((factor) => factor === name);
}

/** The score, each factor that raised or lowered it, the engine's explanation, the rules (with titles when the role may read rules) and where the evidence was found. */
export function FindingScorePanel({ finding }: { finding: FindingDetail }) {
  const { t } = useTranslation('findings');
  const { can } = useSignedIn();
  const canReadRules = can('rules:read');
  const rules = useQuery({ queryKey: ['rules', 'list'], queryFn: ({ signal }) => fetchRules(signal), enabled: canReadRules, staleTime: 300_000 });
  const titles = new Map((rules.data?.items ?? []).map((rule) => [rule.id, rule.title]));
  const factors = Object.entries(finding.score_breakdown).filter(([name, value]) => name === 'base' || value !== 0);

  return (
    <section className="panel" aria-labelledby="findings-score-title">
      <h2 id="findings-score-title">{t('detail.score')}</h2>
      <p className="findings-score" aria-label={t('detail.scoreOf', { score: finding.score })}>
        {finding.score}
        <span className="muted"> / 100</span>
      </p>
      <table className="data">
        <caption className="visually-hidden">{t('detail.breakdown')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('detail.factor')}</th>
            <th scope="col" className="num">
              {t('detail.effect')}
            </th>
          </tr>
        </thead>
        <tbody>
          {factors.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{isKnownFactor(name) ? t(`detail.factors.${name}`) : name}</th>
              <td className={`num ${name === 'base' ? '' : value > 0 ? 'findings-up' : 'findings-down'}`}>
                {name === 'base' ? formatNumber(value) : formatNumber(value, { signDisplay: 'always' })}
                {name !== 'base' && <span className="visually-hidden"> ({value > 0 ? t('detail.raised') : t('detail.lowered')})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {finding.explain !== null && (
        <>
          <h3>{t('detail.explain')}</h3>
          <p className="findings-explain">{finding.explain}</p>
        </>
      )}
      <h3>{t('detail.rules')}</h3>
      <ul>
        {finding.rule_ids.map((ruleId) => (
          <li key={ruleId}>
            {canReadRules ? <Link to={`/rules?rule=${encodeURIComponent(ruleId)}`}>{titles.get(ruleId) ?? ruleId}</Link> : ruleId}
            {titles.has(ruleId) && <span className="muted"> ({ruleId})</span>}
          </li>
        ))}
      </ul>
      <p>{t('detail.evidenceSource', { source: t(`sources.${finding.evidence.source}`) })}</p>
    </section>
  );
}
