import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { useSignedIn } from '../../session/session-context.js';
import { KeysTab } from './keys-tab.js';
import { SinksTab } from './sinks-tab.js';
import { UsersTab } from './users-tab.js';
import './settings.css';

/** The settings tabs in order, each with the permission that shows it. */
const TABS = [
  { path: 'users', permission: 'users:admin', element: <UsersTab /> },
  { path: 'keys', permission: 'keys:admin', element: <KeysTab /> },
  { path: 'sinks', permission: 'sinks:read', element: <SinksTab /> },
] as const;

/** Settings: the tabs the signed-in user's permissions allow, one sub-route each; /settings opens the first of them. */
export function SettingsPage() {
  const { t } = useTranslation('settings');
  const session = useSignedIn();
  const allowed = TABS.filter((tab) => session.can(tab.permission));
  const first = allowed[0];
  return (
    <>
      <h1>{t('title')}</h1>
      {first === undefined ? (
        <p className="notice">{t('forbidden')}</p>
      ) : (
        <>
          <nav className="tabs" aria-label={t('tabsLabel')}>
            {allowed.map((tab) => (
              <NavLink key={tab.path} to={`/settings/${tab.path}`}>
                {t(`tabs.${tab.path}`)}
              </NavLink>
            ))}
          </nav>
          <Routes>
            <Route index element={<Navigate to={`/settings/${first.path}`} replace />} />
            {allowed.map((tab) => (
              <Route key={tab.path} path={tab.path} element={tab.element} />
            ))}
            {/* A tab this role may not see, or none at all: the first allowed one. */}
            <Route path="*" element={<Navigate to={`/settings/${first.path}`} replace />} />
          </Routes>
        </>
      )}
    </>
  );
}
