import type { Role } from '../../store/schema.js';
import type { Permission } from './permissions.js';

/** Who is calling: a signed-in user or an API key, with what they may do. */
export interface Actor {
  type: 'user' | 'api_key';
  /** The user's or the key's id. */
  id: string;
  /** Username, or the key's name and prefix: shown in audit entries and comments. */
  name: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** Present for cookie sessions: unsafe methods must echo it in `X-CSRF-Token`. */
  csrfToken?: string;
  /** The user behind the call (the key's creator for API keys), for "assign to me". */
  userId?: string;
}

/** The audit log's actor columns for an actor. */
export function auditActor(actor: Actor): { actorType: 'user' | 'api_key'; actorId: string } {
  return { actorType: actor.type, actorId: actor.id };
}

/** How an actor is written in `resolved_by` and similar columns: `user:<id>` or `api_key:<id>`. */
export function actorReference(actor: Actor): string {
  return `${actor.type}:${actor.id}`;
}
