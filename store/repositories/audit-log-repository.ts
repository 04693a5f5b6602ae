import type { Kysely } from 'kysely';
import type { AuditEntry, Schema } from '../schema.js';

/** Who did what to what; written for every reveal, export and state change. */
export interface AuditInput {
  actorType: 'user' | 'api_key' | 'system';
  actorId?: string;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string;
}

/** The audit log: rows are appended, never changed (a database trigger refuses updates). */
export class AuditLogRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async append(entry: AuditInput): Promise<AuditEntry> {
    return this.db
      .insertInto('audit_log')
      .values({
        actor_type: entry.actorType,
        actor_id: entry.actorId ?? null,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        details: JSON.stringify(entry.details ?? {}),
        ip: entry.ip ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Newest first, at most `limit` entries. */
  async list(limit = 100): Promise<AuditEntry[]> {
    return this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }
}
