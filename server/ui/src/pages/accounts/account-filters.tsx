import { useId, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountCollectionStatus, AccountKind, AccountPlatform } from '../../api/api-types.js';
import { COLLECTION_STATUSES, isPlatform, KINDS, PLATFORMS } from './platforms.js';

/** The filters of `GET /accounts` the page offers, as the address bar keeps them. */
export interface AccountFilterValues {
  platform?: AccountPlatform;
  kind?: AccountKind;
  status?: AccountCollectionStatus;
  active?: 'true' | 'false';
  owner?: string;
  q?: string;
  /** `uncovered`: only accounts with an open coverage gap. */
  coverage?: 'uncovered';
}

/** The filters in the address's query, leaving out values the API would refuse. */
export function readAccountFilters(parameters: URLSearchParams): AccountFilterValues {
  const platform = parameters.get('platform');
  const kind = parameters.get('kind');
  const status = parameters.get('status');
  const active = parameters.get('active');
  const owner = parameters.get('owner')?.trim();
  const q = parameters.get('q')?.trim();
  const coverage = parameters.get('coverage');
  return {
    ...(isPlatform(platform) ? { platform } : {}),
    ...((KINDS as readonly (string | null)[]).includes(kind) ? { kind: kind as AccountKind } : {}),
    ...((COLLECTION_STATUSES as readonly (string | null)[]).includes(status) ? { status: status as AccountCollectionStatus } : {}),
    ...(active === 'true' || active === 'false' ? { active } : {}),
    ...(owner === undefined || owner === '' ? {} : { owner }),
    ...(q === undefined || q === '' ? {} : { q }),
    ...(coverage === 'uncovered' ? { coverage } : {}),
  };
}

/** Menus apply at once; the two texts apply on Enter or Apply; Reset clears them all. */
export function AccountFilters({ values, onChange }: { values: AccountFilterValues; onChange: (values: AccountFilterValues) => void }) {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  const id = useId();
  const [q, setQ] = useState(values.q ?? '');
  const [owner, setOwner] = useState(values.owner ?? '');

  function change(next: Partial<AccountFilterValues>) {
    onChange(withoutEmpty({ ...values, q, owner, ...next }));
  }

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    change({});
  }

  return (
    <form className="toolbar accounts-filters" role="search" aria-label={t('filters.label')} onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-q`}>{t('filters.text')}</label>
        <input id={`${id}-q`} type="search" value={q} placeholder={t('filters.textHint')} onChange={(event) => setQ(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-owner`}>{t('filters.owner')}</label>
        <input id={`${id}-owner`} value={owner} placeholder={t('filters.ownerHint')} onChange={(event) => setOwner(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-platform`}>{t('filters.platform')}</label>
        <select id={`${id}-platform`} value={values.platform ?? ''} onChange={(event) => change({ platform: (event.target.value || undefined) as AccountPlatform | undefined })}>
          <option value="">{t('filters.any')}</option>
          {PLATFORMS.map((platform) => (
            <option key={platform} value={platform}>
              {t(`platforms.${platform}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>{t('filters.status')}</label>
        <select id={`${id}-status`} value={values.status ?? ''} onChange={(event) => change({ status: (event.target.value || undefined) as AccountCollectionStatus | undefined })}>
          <option value="">{t('filters.any')}</option>
          {COLLECTION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`statuses.${status}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('filters.kind')}</label>
        <select id={`${id}-kind`} value={values.kind ?? ''} onChange={(event) => change({ kind: (event.target.value || undefined) as AccountKind | undefined })}>
          <option value="">{t('filters.any')}</option>
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`kinds.${kind}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-active`}>{t('filters.active')}</label>
        <select id={`${id}-active`} value={values.active ?? ''} onChange={(event) => change({ active: (event.target.value || undefined) as 'true' | 'false' | undefined })}>
          <option value="">{t('filters.any')}</option>
          <option value="true">{t('filters.activeOnly')}</option>
          <option value="false">{t('filters.inactiveOnly')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-coverage`}>{t('filters.coverage')}</label>
        <select id={`${id}-coverage`} value={values.coverage ?? ''} onChange={(event) => change({ coverage: (event.target.value || undefined) as 'uncovered' | undefined })}>
          <option value="">{t('filters.any')}</option>
          <option value="uncovered">{t('filters.uncoveredOnly')}</option>
        </select>
      </div>
      <button type="submit">{tCommon('actions.apply')}</button>
      <button
        type="button"
        onClick={() => {
          setQ('');
          setOwner('');
          onChange({});
        }}
      >
        {tCommon('actions.reset')}
      </button>
    </form>
  );
}

function withoutEmpty(values: AccountFilterValues): AccountFilterValues {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => typeof value === 'string' && value.trim() !== ''));
}
