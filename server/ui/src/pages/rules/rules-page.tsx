import { useQuery } from '@tanstack/react-query';
import { Fragment, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { apiRequest } from '../../api/api-client.js';
import type { Rule } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { Loading } from '../../components/loading.js';
import { formatNumber } from '../../i18n/format.js';
import { FalsePositiveRate } from './false-positive-rate.js';
import { PolicyPanel } from './policy-panel.js';
import { RuleDetails } from './rule-details.js';
import { severityClass, useRuleLabels } from './use-rule-labels.js';
import './rules.css';

const STATE_COLUMNS = ['new', 'in_review', 'resolved', 'reopened'] as const;

/** Every rule in force grouped by pack, filtered by text and category (both kept in the URL), and the policy in effect. */
export function RulesPage() {
  const { t } = useTranslation('rules');
  const { t: tCommon } = useTranslation();
  const labels = useRuleLabels();
  const [searchParams, setSearchParams] = useSearchParams();
  // The search box keeps its own text: deriving it from the URL would drop keys typed while the URL updates.
  const [text, setText] = useState(() => searchParams.get('q') ?? '');
  const category = searchParams.get('category') ?? '';
  const openRule = searchParams.get('rule');
  const searchId = useId();
  const categoryId = useId();

  const query = useQuery({
    queryKey: ['rules'],
    queryFn: ({ signal }) => apiRequest<{ items: Rule[] }>('GET', '/rules', { signal }),
  });

  const items = query.data?.items;
  const categories = useMemo(() => [...new Set((items ?? []).map((rule) => rule.category))].sort(), [items]);
  const packs = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const matching = (items ?? []).filter(
      (rule) =>
        (category === '' || rule.category === category) &&
        (needle === '' || [rule.id, rule.title, rule.pack].some((field) => field.toLowerCase().includes(needle))),
    );
    const byPack = new Map<string, Rule[]>();
    for (const rule of matching) byPack.set(rule.pack, [...(byPack.get(rule.pack) ?? []), rule]);
    return [...byPack.entries()];
  }, [items, text, category]);
  const shown = packs.reduce((sum, [, rules]) => sum + rules.length, 0);

  function setParam(name: string, value: string | null) {
    setSearchParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value === null || value === '') next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );
  }

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <PolicyPanel />
      <search className="toolbar" aria-label={t('filters.label')}>
        <div className="field">
          <label htmlFor={searchId}>{t('filters.search')}</label>
          <input id={searchId} type="search" value={text} placeholder={t('filters.searchHint')} onChange={(event) => {
              setText(event.target.value);
              setParam('q', event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={categoryId}>{t('filters.category')}</label>
          <select id={categoryId} value={category} onChange={(event) => setParam('category', event.target.value)}>
            <option value="">{t('filters.allCategories')}</option>
            {categories.map((value) => (
              <option key={value} value={value}>
                {labels.category(value)}
              </option>
            ))}
          </select>
        </div>
        {(text !== '' || category !== '') && (
          <button
            type="button"
            onClick={() => {
              setText('');
              setSearchParams(new URLSearchParams(), { replace: true });
            }}
          >
            {t('filters.clear')}
          </button>
        )}
        {items && (
          <p className="muted rules-count" role="status">
            {t('shown', { shown: formatNumber(shown), total: formatNumber(items.length) })}
          </p>
        )}
      </search>
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />}
      {items && packs.length === 0 && <p className="notice">{items.length === 0 ? tCommon('status.empty') : t('noMatch')}</p>}
      {packs.map(([pack, rules]) => (
        <PackSection key={pack} pack={pack} rules={rules} openRule={openRule} onToggle={(id) => setParam('rule', openRule === id ? null : id)} />
      ))}
    </>
  );
}

function PackSection({ pack, rules, openRule, onToggle }: { pack: string; rules: readonly Rule[]; openRule: string | null; onToggle: (id: string) => void }) {
  const { t } = useTranslation('rules');
  const labels = useRuleLabels();
  const headingId = useId();
  return (
    <section className="rules-pack" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t('packTitle', { pack })} <span className="muted rules-pack-count">{t('packCount', { count: rules.length })}</span>
      </h2>
      <table className="data rules-table">
        <thead>
          <tr>
            <th scope="col">{t('columns.rule')}</th>
            <th scope="col">{t('columns.category')}</th>
            <th scope="col">{t('columns.severity')}</th>
            <th scope="col" className="num">
              {t('columns.total')}
            </th>
            {STATE_COLUMNS.map((state) => (
              <th key={state} scope="col" className="num">
                {t(`columns.${state}`)}
              </th>
            ))}
            <th scope="col" className="num">
              {t('columns.fpRate')}
            </th>
            <th scope="col">
              <span className="visually-hidden">{t('columns.details')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => {
            const isOpen = openRule === rule.id;
            const detailsId = `rule-details-${rule.id}`;
            return (
              <Fragment key={rule.id}>
                <tr className={isOpen ? 'active' : undefined}>
                  <th scope="row" className="rules-rule-cell">
                    <span className="rules-rule-title">{rule.title}</span>
                    <code className="rules-rule-id">{rule.id}</code>
                  </th>
                  <td>{labels.category(rule.category)}</td>
                  <td>
                    <span className={severityClass(rule.severity)}>{labels.severity(rule.severity)}</span>
                  </td>
                  <td className="num">{formatNumber(rule.findings.total)}</td>
                  {STATE_COLUMNS.map((state) => (
                    <td key={state} className="num">
                      {formatNumber(rule.findings[state])}
                    </td>
                  ))}
                  <td className="num">
                    <FalsePositiveRate rate={rule.false_positive_rate} />
                  </td>
                  <td>
                    <button type="button" aria-expanded={isOpen} aria-controls={isOpen ? detailsId : undefined} onClick={() => onToggle(rule.id)}>
                      <span aria-hidden="true">{isOpen ? '▾ ' : '▸ '}</span>
                      <span className="visually-hidden">{isOpen ? t('hideDetails', { id: rule.id }) : t('showDetails', { id: rule.id })}</span>
                      <span aria-hidden="true">{t('columns.details')}</span>
                    </button>
                  </td>
                </tr>
                {isOpen && (
                  <tr className="rules-details-row">
                    <td colSpan={6 + STATE_COLUMNS.length}>
                      <RuleDetails id={rule.id} domId={detailsId} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
