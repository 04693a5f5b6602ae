import { useId, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_FILTER_NAMES, type AuditFilters } from './audit-filter-params.js';

/** Action prefixes offered as suggestions: the families of actions the server audits. */
const ACTION_PREFIXES = ['account.', 'api_key.', 'auth.', 'evidence.', 'finding.', 'jobs.', 'retention.', 'scan.', 'sink.', 'suppression.', 'user.'];

/** The audit log's filter form: applied to the URL on submit, so a filtered view can be bookmarked and shared. */
export function AuditFiltersForm({ filters, onApply }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const { t } = useTranslation('audit');
  const id = useId();
  const activeCount = Object.keys(filters).length;

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next: AuditFilters = {};
    for (const name of AUDIT_FILTER_NAMES) {
      const value = data.get(name);
      if (typeof value === 'string' && value.trim() !== '') next[name] = value.trim();
    }
    onApply(next);
  }

  const text = (name: 'actor_id' | 'action' | 'target_type' | 'target_id', label: string, extra: { list?: string; placeholder?: string; title?: string } = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input id={`${id}-${name}`} name={name} defaultValue={filters[name] ?? ''} {...extra} />
    </div>
  );

  return (
    // Keyed by the applied filters: going back in history resets the inputs to what the URL holds.
    <form key={JSON.stringify(filters)} className="toolbar audit-filters" role="search" aria-label={t('filters.label')} onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-actor_type`}>{t('filters.actorType')}</label>
        <select id={`${id}-actor_type`} name="actor_type" defaultValue={filters.actor_type ?? ''}>
          <option value="">{t('filters.anyActorType')}</option>
          <option value="user">{t('actorTypes.user')}</option>
          <option value="api_key">{t('actorTypes.api_key')}</option>
          <option value="system">{t('actorTypes.system')}</option>
        </select>
      </div>
      {text('actor_id', t('filters.actorId'))}
      {text('action', t('filters.action'), { list: `${id}-actions`, placeholder: t('filters.actionHint'), title: t('filters.actionDescription') })}
      <datalist id={`${id}-actions`}>
        {ACTION_PREFIXES.map((prefix) => (
          <option key={prefix} value={prefix} />
        ))}
      </datalist>
      {text('target_type', t('filters.targetType'))}
      {text('target_id', t('filters.targetId'))}
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('filters.from')}</label>
        <input id={`${id}-from`} name="from" type="datetime-local" defaultValue={filters.from ?? ''} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('filters.to')}</label>
        <input id={`${id}-to`} name="to" type="datetime-local" defaultValue={filters.to ?? ''} />
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          {t('filters.apply')}
        </button>
        {activeCount > 0 && (
          <button type="button" onClick={() => onApply({})}>
            {t('filters.reset')}
          </button>
        )}
      </div>
      {activeCount > 0 && <p className="muted audit-filter-count">{t('filters.active', { count: activeCount })}</p>}
    </form>
  );
}
