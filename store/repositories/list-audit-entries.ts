import { sql, type Kysely } from 'kysely';
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

/** An audit entry with the name of who acted: a user's username, an API key's name, or null. */
export type NamedAuditEntry = AuditEntry & { actor_name: string | null };

/** A page of the audit log, newest first (by id, which grows with every entry), filtered. */
export async function listAuditEntries(db: Kysely<Schema>, filter: AuditFilter): Promise<NamedAuditEntry[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    // Auditors must see who acted without the right to list users or keys; a removed actor has no name.
    .select(
      sql<string | null>`case audit_log.actor_type
        when 'user' then (select users.username from users where users.id::text = audit_log.actor_id)
        when 'api_key' then (select api_keys.name from api_keys where api_keys.id::text = audit_log.actor_id)
      end`.as('actor_name'),
    )
    .orderBy('id', 'desc')
    .limit(filter.limit);
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
