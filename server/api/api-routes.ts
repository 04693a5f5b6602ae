import type { AnyApiRoute } from './api-route.js';
import { authRoutes, type SessionSettings } from './routes/auth-routes.js';
import { accountsRoutes } from './routes/accounts-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { eventsRoutes } from './routes/events-routes.js';
import { findingEvidenceRoutes } from './routes/finding-evidence-routes.js';
import { findingTriageRoutes } from './routes/finding-triage-routes.js';
import { findingsRoutes } from './routes/findings-routes.js';
import { keysRoutes } from './routes/keys-routes.js';
import { peopleRoutes } from './routes/people-routes.js';
import { rulesRoutes } from './routes/rules-routes.js';
import { scansRoutes } from './routes/scans-routes.js';
import { sinksRoutes } from './routes/sinks-routes.js';
import { suppressionsRoutes } from './routes/suppressions-routes.js';

/** Every route of `/api/v1`, in the order the OpenAPI document lists them. */
export function apiRoutes(settings: SessionSettings): AnyApiRoute[] {
  return [
    ...authRoutes(settings),
    ...accountsRoutes(),
    ...scansRoutes(),
    ...findingsRoutes(),
    ...findingTriageRoutes(),
    ...findingEvidenceRoutes(),
    ...suppressionsRoutes(),
    ...rulesRoutes(),
    ...auditRoutes(),
    ...peopleRoutes(),
    ...eventsRoutes,
    ...sinksRoutes,
    ...keysRoutes,
  ];
}
