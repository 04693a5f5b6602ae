import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { changeLanguage } from '../i18n/i18n.js';
import { LANGUAGES, type LanguageCode } from '../i18n/resources.js';
import { CoverageBanner } from '../pages/coverage/coverage-banner.js';
import { useSignedIn, useSession } from '../session/session-context.js';

/** Where each section lives and the permission that shows it. */
const SECTIONS = [
  { to: '/findings', key: 'findings', permission: 'findings:read' },
  { to: '/accounts', key: 'accounts', permission: 'accounts:read' },
  { to: '/scans', key: 'scans', permission: 'scans:read' },
  { to: '/coverage', key: 'coverage', permission: 'coverage:read' },
  { to: '/rules', key: 'rules', permission: 'rules:read' },
  { to: '/audit', key: 'audit', permission: 'audit:read' },
  { to: '/settings', key: 'settings', permission: ['users:admin', 'keys:admin', 'sinks:read'] },
] as const;

/**
 * The frame of every signed-in page: skip link, navigation the role may use, language and sign-out,
 * and above each page the coverage banner when accounts are not covered.
 */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const session = useSignedIn();
  const { signOut } = useSession();
  const visible = SECTIONS.filter((section) =>
    typeof section.permission === 'string' ? session.can(section.permission) : section.permission.some((permission) => session.can(permission)),
  );
  const signedInAs = t('user.signedInAs', { username: session.user?.username ?? '', role: session.user ? t(`roles.${session.user.role}`) : '' });
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <span className="brand">{t('appName')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {visible.map((section) => (
              <li key={section.key}>
                <NavLink to={section.to}>{t(`nav.${section.key}`)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-menu">
          <label>
            <span className="visually-hidden">{t('user.language')}</span>
            <select value={i18n.language} onChange={(event) => void changeLanguage(event.target.value as LanguageCode)}>
              {LANGUAGES.map((language) => (
                <option key={language.code} value={language.code} lang={language.code}>
                  {language.name}
                </option>
              ))}
            </select>
          </label>
          <span className="muted signed-in-as" title={signedInAs}>
            {signedInAs}
          </span>
          <button type="button" onClick={() => void signOut()}>
            {t('user.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <CoverageBanner />
        <Outlet />
      </main>
    </>
  );
}
