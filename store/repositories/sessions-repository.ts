import type { Kysely } from 'kysely';
import type { Role, Schema, Session } from '../schema.js';

/** A session with the user it belongs to. */
export interface SessionWithUser extends Session {
  username: string;
  role: Role;
  is_active: boolean;
}

/** Login sessions, keyed by the SHA-256 of the cookie's token. */
export class SessionsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(session: { tokenHash: string; userId: string; csrfToken: string; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        expires_at: session.expiresAt,
        ip: session.ip,
        user_agent: session.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
  }

  async find(tokenHash: string): Promise<SessionWithUser | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select(['users.username', 'users.role', 'users.is_active'])
      .where('sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /** Moves the idle clock on, at most once a minute per session. */
  async touch(tokenHash: string, at: Date): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: at })
      .where('token_hash', '=', tokenHash)
      .where('last_seen_at', '<', new Date(at.getTime() - 60_000))
      .execute();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Removes sessions past their end or idle longer than `idleMs`; returns how many. */
  async purgeExpired(now: Date, idleMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', now), eb('last_seen_at', '<', new Date(now.getTime() - idleMs))]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
