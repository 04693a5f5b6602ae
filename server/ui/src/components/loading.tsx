import { useTranslation } from 'react-i18next';

/** A polite "loading" line for screen readers and eyes alike. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status">
      {t('status.loading')}
    </p>
  );
}
