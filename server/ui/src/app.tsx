import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/api-error.js';
import { Loading } from './components/loading.js';
import { AppLayout } from './layout/app-layout.js';
import { AccountDetailPage } from './pages/accounts/account-detail-page.js';
import { AccountsPage } from './pages/accounts/accounts-page.js';
import { AuditPage } from './pages/audit/audit-page.js';
import { CoveragePage } from './pages/coverage/coverage-page.js';
import { FindingDetailPage } from './pages/findings/finding-detail-page.js';
import { FindingsPage } from './pages/findings/findings-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { RulesPage } from './pages/rules/rules-page.js';
import { ScanDetailPage } from './pages/scans/scan-detail-page.js';
import { ScansPage } from './pages/scans/scans-page.js';
import { SettingsPage } from './pages/settings/settings-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { SessionProvider, useSession } from './session/session-context.js';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client errors will not get better by asking again; the network and 5xx might.
      retry: (failureCount, error) => failureCount < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      staleTime: 10_000,
      refetchOnWindowFocus: true,
    },
    // A mutation's result can be a password, a token or revealed evidence: once no component shows
    // it, it must not linger in the cache (the default keeps it five minutes).
    mutations: { gcTime: 0 },
  },
});

/** The review UI: sign-in, then the sections the signed-in role may use. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <BrowserRouter>
          <Gate />
        </BrowserRouter>
      </SessionProvider>
    </QueryClientProvider>
  );
}

function Gate() {
  const { session, can } = useSession();
  if (session === undefined) return <Loading />;
  if (session === null) return <SignInPage />;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<Navigate to={can('findings:read') ? '/findings' : '/scans'} replace />} />
        <Route path="findings" element={<FindingsPage />} />
        <Route path="findings/:id" element={<FindingDetailPage />} />
        <Route path="accounts" element={<AccountsPage />} />
        <Route path="accounts/:id" element={<AccountDetailPage />} />
        <Route path="scans" element={<ScansPage />} />
        <Route path="scans/:id" element={<ScanDetailPage />} />
        <Route path="coverage" element={<CoveragePage />} />
        <Route path="rules" element={<RulesPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="settings/*" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
