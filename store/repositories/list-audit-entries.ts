import type { Kysely } from 'kysely';
import type { ActorType, AuditEntry, Schema } from '../schema.js';

/** Which audit entries a page holds; every filter given narrows it. */
export interface AuditFilter {
  actorType?: ActorType;
  actorId?: string;
  /** Entries whose action starts with this text (`finding.` for every finding action). */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  /** At or after this instant. */
  from?: Date;
  /** Strictly before this instant. */
  to?: Date;
  /** Entries older than the entry with this id (the previous page's last). */
  beforeId?: number;
  limit: number;
}

/** A page of the audit log, newest first (by id, which grows with every entry), filtered. */
export async function listAuditEntries(db: Kysely<Schema>, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.actorType !== undefined) query = query.where('actor_type', '=', filter.actorType);
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
  if (filter.actionPrefix !== undefined) query = query.where('action', 'like', `${escapeLike(filter.actionPrefix)}%`);
  if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
  if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

/** LIKE's wildcards and its escape character (backslash by default), taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/gu, (character) => `\\${character}`);
}
