import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import { ApiError } from '../../api/api-error.js';
import type { Policy, PolicyReply } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatNumber } from '../../i18n/format.js';
import { useRuleLabels } from './use-rule-labels.js';

type AllowEntry = Policy['allowlists']['global'][number];
type RetentionKey = keyof Policy['retention'];

const RETENTION_KEYS: readonly RetentionKey[] = ['findingsDays', 'resolvedFindingsDays', 'cleanPostsDays', 'eventsDays', 'auditLogDays'];

/** The policy the server runs with (GET /policy), readable first and as raw JSON on demand; says so when the server has no such route. */
export function PolicyPanel() {
  const { t } = useTranslation('rules');
  const query = useQuery({
    queryKey: ['policy'],
    queryFn: ({ signal }) => apiRequest<PolicyReply>('GET', '/policy', { signal }),
    staleTime: 60_000,
  });
  return (
    <section className="panel rules-policy" aria-labelledby="rules-policy-title">
      <h2 id="rules-policy-title">{t('policy.title')}</h2>
      {query.isPending && <Loading />}
      {query.isError &&
        (query.error instanceof ApiError && query.error.status === 404 ? (
          <p className="notice">{t('policy.missing')}</p>
        ) : (
          <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />
        ))}
      {query.data && <PolicyView reply={query.data} />}
    </section>
  );
}

function PolicyView({ reply }: { reply: PolicyReply }) {
  const { t } = useTranslation('rules');
  // Read field by field as optional: an older or newer server may send a policy of another shape.
  const policy: Partial<Policy> = reply.policy;
  const retention: Partial<Policy['retention']> = policy.retention ?? {};
  return (
    <>
      <p className="muted">{reply.source === null ? t('policy.sourceUnknown') : t('policy.source', { source: reply.source })}</p>
      <dl className="rules-policy-summary">
        <div>
          <dt>{t('policy.reviewThreshold')}</dt>
          <dd>
            <strong className="rules-policy-threshold">{policy.reviewThreshold === undefined ? '—' : formatNumber(policy.reviewThreshold)}</strong>
            <span className="muted"> {t('policy.reviewThresholdHint')}</span>
          </dd>
        </div>
        {policy.organisation && (
          <div>
            <dt>{t('policy.organisation')}</dt>
            <dd>
              {policy.organisation.name}
              {policy.organisation.aliases.length > 0 && <span className="muted"> {t('policy.aliases', { aliases: policy.organisation.aliases.join(', ') })}</span>}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('policy.packs')}</dt>
          <dd>{listText(policy.packs, t('policy.none'))}</dd>
        </div>
        <div>
          <dt>{t('policy.languages')}</dt>
          <dd>{listText(policy.languages, t('policy.none'))}</dd>
        </div>
        <div>
          <dt>{t('policy.retention')}</dt>
          <dd>
            <ul className="rules-policy-retention">
              {RETENTION_KEYS.map((key) => {
                const value = retention[key];
                return (
                  <li key={key}>
                    {t(`policy.retentionItems.${key}`)}: {value === undefined ? '—' : t('policy.days', { count: value })}
                  </li>
                );
              })}
            </ul>
          </dd>
        </div>
      </dl>
      <details className="rules-policy-more">
        <summary>{t('policy.overrides')}</summary>
        <Overrides overrides={policy.overrides ?? {}} />
      </details>
      <details className="rules-policy-more">
        <summary>{t('policy.terms')}</summary>
        <Terms policy={policy} />
      </details>
      <details className="rules-policy-more">
        <summary>{t('policy.allowlists')}</summary>
        <Allowlists allowlists={policy.allowlists} />
      </details>
      <details className="rules-policy-more">
        <summary>{t('policy.raw')}</summary>
        <pre className="rules-policy-raw">{JSON.stringify(reply.policy, null, 2)}</pre>
      </details>
    </>
  );
}

function listText(values: readonly string[] | undefined, none: string): string {
  return values === undefined || values.length === 0 ? none : values.join(', ');
}

function Overrides({ overrides }: { overrides: Policy['overrides'] }) {
  const { t } = useTranslation('rules');
  const labels = useRuleLabels();
  const entries = Object.entries(overrides);
  if (entries.length === 0) return <p className="muted">{t('policy.noOverrides')}</p>;
  const unchanged = <span className="muted">{t('policy.unchanged')}</span>;
  return (
    <table className="data">
      <caption className="visually-hidden">{t('policy.overrides')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('policy.overrideColumns.rule')}</th>
          <th scope="col">{t('policy.overrideColumns.enabled')}</th>
          <th scope="col">{t('policy.overrideColumns.severity')}</th>
          <th scope="col" className="num">
            {t('policy.overrideColumns.score')}
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([ruleId, override]) => (
          <tr key={ruleId}>
            <th scope="row" className="mono">
              {ruleId}
            </th>
            <td>{override.enabled === undefined ? unchanged : override.enabled ? t('policy.yes') : t('policy.no')}</td>
            <td>{override.severity === undefined ? unchanged : labels.severity(override.severity)}</td>
            <td className="num">{override.score === undefined ? unchanged : formatNumber(override.score)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Terms({ policy }: { policy: Partial<Policy> }) {
  const { t } = useTranslation('rules');
  const none = t('policy.none');
  const sites = policy.sensitiveSites ?? [];
  const documents = policy.confidentialDocuments ?? [];
  return (
    <>
      <dl className="rules-policy-terms">
        <dt>{t('policy.codeNames')}</dt>
        <dd>{listText(policy.codeNames?.map((codeName) => codeName.name), none)}</dd>
        <dt>{t('policy.internalDomains')}</dt>
        <dd>{listText(policy.internalDomains, none)}</dd>
        <dt>{t('policy.internalHostnames')}</dt>
        <dd>{listText(policy.internalHostnames, none)}</dd>
        <dt>{t('policy.emailDomains')}</dt>
        <dd>{listText(policy.emailDomains, none)}</dd>
        <dt>{t('policy.employeeIdPattern')}</dt>
        <dd>{policy.employeeIdPattern === undefined ? none : <code>{policy.employeeIdPattern}</code>}</dd>
      </dl>
      <h3>{t('policy.sites')}</h3>
      {sites.length === 0 ? (
        <p className="muted">{none}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t('policy.siteColumns.name')}</th>
              <th scope="col" className="num">
                {t('policy.siteColumns.lat')}
              </th>
              <th scope="col" className="num">
                {t('policy.siteColumns.lon')}
              </th>
              <th scope="col" className="num">
                {t('policy.siteColumns.radius')}
              </th>
            </tr>
          </thead>
          <tbody>
            {sites.map((site) => (
              <tr key={site.name}>
                <th scope="row">{site.name}</th>
                <td className="num">{formatNumber(site.lat, { maximumFractionDigits: 6 })}</td>
                <td className="num">{formatNumber(site.lon, { maximumFractionDigits: 6 })}</td>
                <td className="num">{formatNumber(site.radiusM)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('policy.documents')}</h3>
      {documents.length === 0 ? (
        <p className="muted">{none}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t('policy.documentColumns.id')}</th>
              <th scope="col">{t('policy.documentColumns.title')}</th>
              <th scope="col">{t('policy.documentColumns.path')}</th>
            </tr>
          </thead>
          <tbody>
            {documents.map((document) => (
              <tr key={document.id}>
                <th scope="row" className="mono">
                  {document.id}
                </th>
                <td>{document.title}</td>
                <td className="mono">{document.path}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Allowlists({ allowlists }: { allowlists: Policy['allowlists'] | undefined }) {
  const { t } = useTranslation('rules');
  const groups: { key: string; label: string; entries: readonly AllowEntry[] }[] = [
    { key: 'global', label: t('policy.allowGlobal'), entries: allowlists?.global ?? [] },
    ...Object.entries(allowlists?.rules ?? {}).map(([rule, entries]) => ({ key: `rule:${rule}`, label: t('policy.allowRule', { rule }), entries })),
    ...Object.entries(allowlists?.accounts ?? {}).map(([account, entries]) => ({
      key: `account:${account}`,
      label: t('policy.allowAccount', { account }),
      entries,
    })),
  ].filter((group) => group.entries.length > 0);
  if (groups.length === 0) return <p className="muted">{t('policy.noAllowlists')}</p>;
  return (
    <dl className="rules-policy-terms">
      {groups.map((group) => (
        <div key={group.key} className="rules-policy-allow-group">
          <dt>{group.label}</dt>
          {group.entries.map((entry, index) => {
            const reason = 'reason' in entry ? entry.reason : undefined;
            return (
              <dd key={index}>
                {'pattern' in entry ? <code>{t('policy.allowPattern', { pattern: entry.pattern })}</code> : <q>{entry.text}</q>}
                {reason !== undefined && <span className="muted"> {t('policy.allowReason', { reason })}</span>}
              </dd>
            );
          })}
        </div>
      ))}
    </dl>
  );
}
