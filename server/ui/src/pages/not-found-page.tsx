import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** An address the UI does not know. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('errors.notFound')}</h1>
      <p>
        <Link to="/">{t('nav.findings')}</Link>
      </p>
    </>
  );
}
