import type { Role } from '../../store/schema.js';

/**
 * Everything the API lets a caller do, one permission per route. Roles grant sets of them; an API
 * key holds its role's permissions narrowed to its scopes.
 */
export const PERMISSIONS = [
  'accounts:read',
  'accounts:write',
  'scans:read',
  'scans:write',
  'findings:read',
  'findings:triage',
  'evidence:reveal',
  'suppressions:write',
  'rules:read',
  'audit:read',
  'coverage:read',
  'people:export',
  'people:erase',
  'events:read',
  'sinks:read',
  'sinks:write',
  'keys:admin',
  'users:admin',
  'session:self',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ: readonly Permission[] = ['accounts:read', 'scans:read', 'findings:read', 'rules:read', 'coverage:read', 'session:self'];

/**
 * What each role may do. `admin` alone manages users and keys; `auditor` reads everything and changes
 * nothing; `siem` reads events, masked findings and coverage (a SIEM must know when "no findings" means "not read").
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  reviewer: new Set<Permission>([...READ, 'scans:write', 'findings:triage', 'evidence:reveal', 'suppressions:write', 'events:read']),
  auditor: new Set<Permission>([...READ, 'audit:read', 'events:read', 'sinks:read']),
  siem: new Set<Permission>(['findings:read', 'events:read', 'coverage:read', 'session:self']),
};

/** Whether a text names a permission (for key scopes given on the command line or the API). */
export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
