import { userInfo } from 'node:os';
import type { Database } from '../store/open-database.js';
import { AuditLogRepository, type AuditInput } from '../store/repositories/audit-log-repository.js';

/**
 * Appends an audit-log entry for something done from the command line, with the operating-system
 * user as the actor (`unknown` when the system has no name for it) and `via: 'cli'` in the details.
 */
export async function recordCliAudit(database: Database, entry: Omit<AuditInput, 'actorType' | 'actorId'>): Promise<void> {
  await new AuditLogRepository(database.db).append({
    ...entry,
    actorType: 'user',
    actorId: osUserName(),
    details: { via: 'cli', ...entry.details },
  });
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has no name; the action is still recorded.
    return 'unknown';
  }
}
