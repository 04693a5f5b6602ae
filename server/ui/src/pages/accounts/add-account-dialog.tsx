import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiRequest } from '../../api/api-client.js';
import { ApiError } from '../../api/api-error.js';
import type { Account, AccountKind, AccountPlatform, CreateAccountRequest } from '../../api/api-types.js';
import { ErrorMessage } from '../../components/error-message.js';
import { FormField } from './form-field.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { KINDS, PLATFORMS } from './platforms.js';

/** The optional text fields of `POST /accounts`, in the order the form shows them. */
const TEXT_FIELDS = [
  'url',
  'display_name',
  'owner_name',
  'owner_employee_id',
  'owner_email',
  'owner_department',
  'notice_given_at',
  'legal_basis',
  'legal_basis_at',
  'schedule',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];
type FieldName = 'platform' | 'handle' | 'kind' | 'active' | 'is_canary' | 'selectors' | TextField;

const FIELD_NAMES: readonly string[] = ['platform', 'handle', 'kind', 'active', 'is_canary', 'selectors', ...TEXT_FIELDS];
const DATE_FIELDS: readonly TextField[] = ['notice_given_at', 'legal_basis_at'];
const HINTED: Partial<Record<FieldName, 'handleHint' | 'kindHint' | 'urlHint' | 'notice_given_atHint' | 'scheduleHint' | 'selectorsHint'>> = {
  handle: 'handleHint',
  kind: 'kindHint',
  url: 'urlHint',
  notice_given_at: 'notice_given_atHint',
  schedule: 'scheduleHint',
  selectors: 'selectorsHint',
};
const SECTIONS: readonly { key: 'owner' | 'basis' | 'scanning'; fields: readonly TextField[] }[] = [
  { key: 'owner', fields: ['owner_name', 'owner_employee_id', 'owner_email', 'owner_department'] },
  { key: 'basis', fields: ['notice_given_at', 'legal_basis', 'legal_basis_at'] },
  { key: 'scanning', fields: ['schedule'] },
];

type Problems = Partial<Record<FieldName, string[]>>;

/**
 * The form for `POST /accounts` with every field it takes (CSS selectors as JSON for the generic
 * platform); each problem the API locates is shown next to its field, the rest above the form.
 */
export function AddAccountDialog({ onClose, onAdded }: { onClose: () => void; onAdded: (account: Account) => void }) {
  const { t } = useTranslation('accounts');
  const { t: tCommon } = useTranslation();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [platform, setPlatform] = useState<AccountPlatform>('telegram');
  const [kind, setKind] = useState<AccountKind>('employee');
  const [handle, setHandle] = useState('');
  const [texts, setTexts] = useState<Record<TextField, string>>(() => Object.fromEntries(TEXT_FIELDS.map((field) => [field, ''])) as Record<TextField, string>);
  const [isActive, setActive] = useState(true);
  const [isCanary, setCanary] = useState(false);
  const [selectors, setSelectors] = useState('{\n  "post": "article"\n}');
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>(undefined);

  const create = useMutation({
    mutationFn: (body: CreateAccountRequest) => apiRequest<Account>('POST', '/accounts', { body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['accounts'] }),
  });

  const [shownProblems, setShownProblems] = useState(0);
  useEffect(() => {
    // After problems are shown, move to the first field to fix, so keyboard and screen reader users land on it.
    if (shownProblems > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [shownProblems]);

  function showProblems(next: Problems, nextError: unknown) {
    setProblems(next);
    setError(nextError);
    setShownProblems((count) => count + 1);
  }

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    // Sent only when set: false is the API's default.
    const body: CreateAccountRequest = { platform, handle, kind, active: isActive, ...(isCanary ? { is_canary: true } : {}) };
    for (const field of TEXT_FIELDS) if (texts[field].trim() !== '') body[field] = texts[field];
    if (platform === 'generic') {
      const parsed = parseSelectors(selectors);
      if ('problem' in parsed) {
        showProblems({ selectors: [parsed.problem] }, undefined);
        return;
      }
      body.selectors = parsed.value as CreateAccountRequest['selectors'];
    }
    setProblems({});
    setError(undefined);
    create.mutate(body, {
      onSuccess: (account) => onAdded(account),
      onError: (caught) => {
        const located = caught instanceof ApiError && caught.status === 400 ? locate(caught) : { byField: {}, isAllLocated: false };
        showProblems(located.byField, located.isAllLocated ? undefined : caught);
      },
    });
  }

  function parseSelectors(text: string): { value: unknown } | { problem: string } {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: t('add.notObject') };
      return { value };
    } catch (caught) {
      return { problem: t('add.badJson', { detail: caught instanceof Error ? caught.message : String(caught) }) };
    }
  }

  function textField(field: TextField) {
    const hint = HINTED[field];
    return (
      <FormField key={field} name={field} label={t(`add.fields.${field}`)} hint={hint === undefined ? undefined : t(`add.fields.${hint}`)} problems={problems[field]}>
        {(props) => (
          <input
            {...props}
            type={DATE_FIELDS.includes(field) ? 'date' : field === 'owner_email' ? 'email' : field === 'url' ? 'url' : 'text'}
            value={texts[field]}
            onChange={(event) => setTexts((current) => ({ ...current, [field]: event.target.value }))}
          />
        )}
      </FormField>
    );
  }

  return (
    <ModalDialog title={t('add.title')} onClose={onClose} className="accounts-dialog-wide">
      <form ref={formRef} onSubmit={submit} noValidate data-testid="add-account-form">
        <p className="muted">{t('add.fieldsHint')}</p>
        {error !== undefined && <ErrorMessage error={error} />}
        {error === undefined && Object.keys(problems).length > 0 && (
          <div className="error-box" role="alert">
            <p>{tCommon('errors.invalid')}</p>
            <ul>
              {Object.entries(problems).map(([field, messages]) => (
                <li key={field}>
                  {t(`add.fields.${field as FieldName}`)}: {messages.join(' ')}
                </li>
              ))}
            </ul>
          </div>
        )}
        <fieldset className="accounts-fieldset">
          <legend>{t('add.sections.account')}</legend>
          <FormField name="platform" label={t('add.fields.platform')} problems={problems.platform} isRequired>
            {(props) => (
              <select {...props} value={platform} onChange={(event) => setPlatform(event.target.value as AccountPlatform)}>
                {PLATFORMS.map((name) => (
                  <option key={name} value={name}>
                    {t(`platforms.${name}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField name="handle" label={t('add.fields.handle')} hint={t('add.fields.handleHint')} problems={problems.handle} isRequired>
            {(props) => <input {...props} value={handle} onChange={(event) => setHandle(event.target.value)} autoComplete="off" />}
          </FormField>
          <FormField name="kind" label={t('add.fields.kind')} hint={t('add.fields.kindHint')} problems={problems.kind} isRequired>
            {(props) => (
              <select {...props} value={kind} onChange={(event) => setKind(event.target.value as AccountKind)}>
                {KINDS.map((name) => (
                  <option key={name} value={name}>
                    {t(`kinds.${name}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          {textField('url')}
          {textField('display_name')}
          {platform === 'generic' && (
            <FormField name="selectors" label={t('add.fields.selectors')} hint={t('add.fields.selectorsHint')} problems={problems.selectors} isRequired className="accounts-field-wide">
              {(props) => <textarea {...props} className="mono" rows={5} spellCheck={false} value={selectors} onChange={(event) => setSelectors(event.target.value)} />}
            </FormField>
          )}
        </fieldset>
        {SECTIONS.map((section) => (
          <fieldset key={section.key} className="accounts-fieldset">
            <legend>{t(`add.sections.${section.key}`)}</legend>
            {section.fields.map(textField)}
            {section.key === 'scanning' && (
              <div className="accounts-field accounts-field-check">
                <label>
                  <input type="checkbox" name="active" checked={isActive} onChange={(event) => setActive(event.target.checked)} /> {t('add.fields.active')}
                </label>
                {problems.active !== undefined && <span className="accounts-field-problem">{problems.active.join(' ')}</span>}
              </div>
            )}
            {section.key === 'scanning' && (
              <div className="accounts-field accounts-field-check">
                <label>
                  <input type="checkbox" name="is_canary" checked={isCanary} onChange={(event) => setCanary(event.target.checked)} /> {t('add.fields.is_canary')}
                </label>
                {problems.is_canary !== undefined && <span className="accounts-field-problem">{problems.is_canary.join(' ')}</span>}
              </div>
            )}
          </fieldset>
        ))}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? t('add.submitting') : t('add.submit')}
          </button>
          <button type="button" onClick={onClose}>
            {tCommon('actions.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** The API's problems by the field they name (`body.handle`, `body.selectors.post`); whether none was left over. */
function locate(error: ApiError): { byField: Problems; isAllLocated: boolean } {
  const byField: Problems = {};
  let isAllLocated = error.problems.length > 0;
  for (const problem of error.problems) {
    const field = /^body\.([a-z_]+)/u.exec(problem.path)?.[1];
    if (field === undefined || !FIELD_NAMES.includes(field)) {
      isAllLocated = false;
      continue;
    }
    const name = field as FieldName;
    const detail = problem.path.split('.').slice(2).join('.');
    (byField[name] ??= []).push(detail === '' ? problem.message : `${detail}: ${problem.message}`);
  }
  return { byField, isAllLocated };
}
