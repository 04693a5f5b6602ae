import { useTranslation } from 'react-i18next';

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length === 0) return '—';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.join(', ');
  return JSON.stringify(value);
}

/** An audit entry's details as "key: value" lines of plain text (the API never puts secrets in them). */
export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation('audit');
  const entries = Object.entries(details);
  if (entries.length === 0) return <span className="muted">{t('noDetails')}</span>;
  return (
    <dl className="audit-details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}:</dt> <dd>{valueText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
