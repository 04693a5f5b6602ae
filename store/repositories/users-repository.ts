import { sql, type Kysely } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { isUniqueViolation } from '../is-unique-violation.js';
import type { Role, Schema, User } from '../schema.js';

/** What `users add` takes; the password arrives already hashed. */
export interface UserInput {
  username: string;
  role: Role;
  passwordHash: string;
  displayName?: string;
  email?: string;
}

/** What a username may be: 2 to 64 letters, digits, dots, dashes, underscores or @. */
export const USERNAME_PATTERN = /^[\p{L}\p{N}._@-]{2,64}$/u;

/** What `UsersRepository.update` may change; fields left out stay as they are. */
export interface UserChanges {
  role?: Role;
  isActive?: boolean;
  displayName?: string | null;
  email?: string | null;
}

/** People who sign in to the review UI and API. Usernames are unique regardless of case. */
export class UsersRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(input: UserInput): Promise<User> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw new InputValidationError('the username', [
        { path: 'username', message: '2 to 64 letters, digits, dots, dashes, underscores or @' },
      ]);
    }
    try {
      return await this.db
        .insertInto('users')
        .values({
          username: input.username,
          role: input.role,
          password_hash: input.passwordHash,
          display_name: input.displayName ?? null,
          email: input.email ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new InputValidationError('the username', [{ path: 'username', message: `${input.username} is taken; choose another` }], { cause: error });
      }
      throw error;
    }
  }

  /** By username, case-insensitive as the unique index is; undefined when there is none. */
  async findByUsername(username: string): Promise<User | undefined> {
    // Folded by PostgreSQL on both sides: JavaScript's toLowerCase() disagrees on Σ and İ.
    return this.db.selectFrom('users').selectAll().where(sql<string>`lower(username)`, '=', sql<string>`lower(${username})`).executeTakeFirst();
  }

  async getById(id: string): Promise<User> {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  /** By username; a NotFoundError that names the list command otherwise. */
  async getByUsername(username: string): Promise<User> {
    const user = await this.findByUsername(username);
    if (!user) throw new NotFoundError('user', username);
    return user;
  }

  async list(): Promise<User[]> {
    return this.db.selectFrom('users').selectAll().orderBy(sql`lower(username)`).execute();
  }

  /** Sets a new password hash; every session of the user ends. */
  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
  }

  /** Disables or re-enables a user; disabling ends every session and stops the user's API keys from working. */
  async setActive(id: string, isActive: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ is_active: isActive, updated_at: new Date() }).where('id', '=', id).execute();
      if (!isActive) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
  }

  /**
   * Locks the enabled admins' rows (in id order, so two callers never deadlock) until the caller's
   * transaction ends, and returns their ids: run inside a transaction before taking the last admin away.
   */
  async lockEnabledAdmins(): Promise<string[]> {
    const rows = await this.db.selectFrom('users').select('id').where('role', '=', 'admin').where('is_active', '=', true).orderBy('id').forUpdate().execute();
    return rows.map((row) => row.id);
  }

  /** By id, its row locked until the caller's transaction ends; undefined when there is none. */
  async findForUpdate(id: string): Promise<User | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /**
   * Applies `changes` inside the caller's transaction (it opens none of its own); disabling ends
   * every session of the user, whose API keys then stop working too. NotFoundError for an unknown id.
   */
  async update(id: string, changes: UserChanges, at: Date): Promise<User> {
    const user = await this.db
      .updateTable('users')
      .set({
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.isActive === undefined ? {} : { is_active: changes.isActive }),
        ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
        ...(changes.email === undefined ? {} : { email: changes.email }),
        updated_at: at,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!user) throw new NotFoundError('user', id);
    if (changes.isActive === false) await this.db.deleteFrom('sessions').where('user_id', '=', id).execute();
    return user;
  }

  /** Sets a new password hash inside the caller's transaction and ends every session of the user; returns how many ended. */
  async replacePasswordHash(id: string, passwordHash: string, at: Date): Promise<number> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', id).execute();
    const ended = await this.db.deleteFrom('sessions').where('user_id', '=', id).executeTakeFirst();
    return Number(ended.numDeletedRows);
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
  }
}
