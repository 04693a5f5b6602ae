import { useQuery } from '@tanstack/react-query';
import type { SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FindingsSummary } from '../../api/api-types.js';
import { formatNumber } from '../../i18n/format.js';
import { useSignedIn } from '../../session/session-context.js';
import { fetchAccounts, fetchRules } from './findings-api.js';
import { CATEGORIES, PLATFORMS, SEVERITIES, SORTS, type FindingsFilters } from './findings-filters.js';

/** The search field's id, for the `/` shortcut. */
export const SEARCH_FIELD_ID = 'findings-search';

type Change = (next: FindingsFilters) => void;

/**
 * The queue's filters: search and owner (applied with Enter), severity chips with their counts, and
 * selects applied at once. Every change goes through `onChange`, which puts it in the URL.
 */
export function FindingsFilterBar({ filters, onChange, severityCounts }: { filters: FindingsFilters; onChange: Change; severityCounts: FindingsSummary['by_severity'] | undefined }) {
  const { t } = useTranslation('findings');
  const { can } = useSignedIn();
  const rules = useQuery({ queryKey: ['rules', 'list'], queryFn: ({ signal }) => fetchRules(signal), enabled: can('rules:read'), staleTime: 300_000 });
  const accounts = useQuery({ queryKey: ['accounts', 'filter-options'], queryFn: ({ signal }) => fetchAccounts(signal), enabled: can('accounts:read'), staleTime: 300_000 });

  function submitText(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    onChange({ ...filters, text: field('text'), owner: field('owner') });
  }

  function toggleSeverity(severity: FindingsFilters['severity'][number]) {
    const chosen = filters.severity.includes(severity) ? filters.severity.filter((each) => each !== severity) : [...filters.severity, severity];
    onChange({ ...filters, severity: SEVERITIES.filter((each) => chosen.includes(each)) });
  }

  const accountOptions = (accounts.data?.items ?? []).map((account) => ({ value: account.id, label: `${account.platform}/${account.handle}` }));
  const ruleOptions = (rules.data?.items ?? []).map((rule) => ({ value: rule.id, label: `${rule.title} (${rule.id})` }));

  return (
    <section className="findings-filters" aria-label={t('filters.label')}>
      <div className="toolbar">
        <form key={`${filters.text}\u0000${filters.owner}`} className="findings-search" onSubmit={submitText} role="search">
          <div className="field">
            <label htmlFor={SEARCH_FIELD_ID}>{t('filters.text')}</label>
            <input id={SEARCH_FIELD_ID} name="text" type="search" defaultValue={filters.text} placeholder={t('filters.textHint')} maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="findings-owner">{t('filters.owner')}</label>
            <input id="findings-owner" name="owner" type="search" defaultValue={filters.owner} placeholder={t('filters.ownerHint')} maxLength={500} />
          </div>
          <button type="submit">{t('filters.search')}</button>
        </form>
        <fieldset className="findings-chips">
          <legend>{t('filters.severity')}</legend>
          {SEVERITIES.map((severity) => (
            <button
              key={severity}
              type="button"
              className={`findings-chip sev-chip-${severity}`}
              aria-pressed={filters.severity.includes(severity)}
              onClick={() => toggleSeverity(severity)}
            >
              {severityCounts
                ? t('filters.severityCount', { severity: t(`severities.${severity}`, { ns: 'common' }), n: formatNumber(severityCounts[severity]) })
                : t(`severities.${severity}`, { ns: 'common' })}
            </button>
          ))}
        </fieldset>
      </div>
      <div className="toolbar">
        <Select id="findings-category" label={t('filters.category')} value={filters.category} onChange={(category) => onChange({ ...filters, category })}>
          {CATEGORIES.map((category) => ({ value: category, label: t(`categories.${category}`) }))}
        </Select>
        <Select id="findings-platform" label={t('filters.platform')} value={filters.platform} onChange={(platform) => onChange({ ...filters, platform })}>
          {PLATFORMS.map((platform) => ({ value: platform, label: platform }))}
        </Select>
        {(accountOptions.length > 0 || filters.account !== '') && (
          <Select id="findings-account" label={t('filters.account')} value={filters.account} onChange={(account) => onChange({ ...filters, account })}>
            {accountOptions}
          </Select>
        )}
        {(ruleOptions.length > 0 || filters.rule !== '') && (
          <Select id="findings-rule" label={t('filters.rule')} value={filters.rule} onChange={(rule) => onChange({ ...filters, rule })}>
            {ruleOptions}
          </Select>
        )}
        <div className="field">
          <label htmlFor="findings-from">{t('filters.createdFrom')}</label>
          <input id="findings-from" type="date" value={filters.createdFrom} onChange={(event) => onChange({ ...filters, createdFrom: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="findings-to">{t('filters.createdTo')}</label>
          <input id="findings-to" type="date" value={filters.createdTo} onChange={(event) => onChange({ ...filters, createdTo: event.target.value })} />
        </div>
        <button
          type="button"
          onClick={() =>
            onChange({ ...filters, severity: [], category: '', platform: '', account: '', rule: '', owner: '', text: '', createdFrom: '', createdTo: '' })
          }
        >
          {t('filters.clear')}
        </button>
      </div>
    </section>
  );
}

/** The list's order: by which date, score or severity, and which way. */
export function FindingsSortControls({ filters, onChange }: { filters: FindingsFilters; onChange: Change }) {
  const { t } = useTranslation('findings');
  return (
    <div className="toolbar findings-sort">
      <div className="field">
        <label htmlFor="findings-sort">{t('filters.sort')}</label>
        <select id="findings-sort" value={filters.sort} onChange={(event) => onChange({ ...filters, sort: SORTS.find((sort) => sort === event.target.value) ?? 'created_at' })}>
          {SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {t(`filters.sorts.${sort}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="findings-order">{t('filters.order')}</label>
        <select id="findings-order" value={filters.order} onChange={(event) => onChange({ ...filters, order: event.target.value === 'asc' ? 'asc' : 'desc' })}>
          <option value="desc">{t('filters.orders.desc')}</option>
          <option value="asc">{t('filters.orders.asc')}</option>
        </select>
      </div>
    </div>
  );
}

/** A labelled select whose first option is "Any"; a value not among the options is kept as its own option. */
function Select({ id, label, value, onChange, children }: { id: string; label: string; value: string; onChange: (value: string) => void; children: { value: string; label: string }[] }) {
  const { t } = useTranslation('findings');
  const options = value !== '' && !children.some((option) => option.value === value) ? [...children, { value, label: value }] : children;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{t('filters.any')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
