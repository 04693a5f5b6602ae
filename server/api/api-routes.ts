import type { AnyApiRoute } from './api-route.js';
import { authRoutes, type SessionSettings } from './routes/auth-routes.js';
import { accountHistoryRoutes } from './routes/account-history-routes.js';
import { accountsRoutes } from './routes/accounts-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { coverageRoutes } from './routes/coverage-routes.js';
import { eventsRoutes } from './routes/events-routes.js';
import { findingEvidenceRoutes } from './routes/finding-evidence-routes.js';
import { findingNotifyRoutes } from './routes/finding-notify-routes.js';
import { findingTriageRoutes } from './routes/finding-triage-routes.js';
import { findingsRoutes } from './routes/findings-routes.js';
import { keysRoutes } from './routes/keys-routes.js';
import { peopleRoutes } from './routes/people-routes.js';
import { policyRoutes, type PolicySettings } from './routes/policy-routes.js';
import { rulesRoutes } from './routes/rules-routes.js';
import { scansRoutes } from './routes/scans-routes.js';
import { sinksRoutes } from './routes/sinks-routes.js';
import { suppressionsRoutes } from './routes/suppressions-routes.js';
import { usersRoutes } from './routes/users-routes.js';

/** Every route of `/api/v1`, in the order the OpenAPI document lists them; `policySource` names the policy file for GET /policy. */
export function apiRoutes(settings: SessionSettings & PolicySettings): AnyApiRoute[] {
  return [
    ...authRoutes(settings),
    ...accountsRoutes(),
    ...accountHistoryRoutes(),
    ...scansRoutes(),
    ...coverageRoutes(),
    ...findingsRoutes(),
    ...findingTriageRoutes(),
    ...findingEvidenceRoutes(),
    ...findingNotifyRoutes(),
    ...suppressionsRoutes(),
    ...rulesRoutes(),
    ...policyRoutes(settings),
    ...auditRoutes(),
    ...peopleRoutes(),
    ...eventsRoutes,
    ...sinksRoutes,
    ...keysRoutes,
    ...usersRoutes(),
  ];
}
