import { useId, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';

/** What a control needs to be tied to its label, hint and problem. */
export interface FieldControlProps {
  id: string;
  name: string;
  'aria-describedby': string | undefined;
  'aria-invalid': boolean | undefined;
  required: boolean | undefined;
}

/**
 * A labelled form control with its hint and, when the API or the form found one, its problem
 * shown beside it: the control is marked invalid and described by both.
 */
export function FormField({
  name,
  label,
  hint,
  problems = [],
  isRequired = false,
  className,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  problems?: readonly string[];
  isRequired?: boolean;
  className?: string;
  children: (props: FieldControlProps) => ReactElement;
}) {
  const { t } = useTranslation('accounts');
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const describedBy = [hint === undefined ? undefined : hintId, problems.length === 0 ? undefined : problemId].filter(Boolean).join(' ');
  return (
    <div className={['accounts-field', problems.length > 0 ? 'accounts-field-invalid' : undefined, className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>
        {label}
        {isRequired && <abbr title={t('add.required')}> *</abbr>}
      </label>
      {children({ id, name, 'aria-describedby': describedBy === '' ? undefined : describedBy, 'aria-invalid': problems.length > 0 ? true : undefined, required: isRequired || undefined })}
      {hint !== undefined && (
        <span id={hintId} className="accounts-field-hint muted">
          {hint}
        </span>
      )}
      {problems.length > 0 && (
        <span id={problemId} className="accounts-field-problem" data-testid={`problem-${name}`}>
          {problems.join(' ')}
        </span>
      )}
    </div>
  );
}
