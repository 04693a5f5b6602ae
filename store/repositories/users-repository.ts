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

const USERNAME_PATTERN = /^[\p{L}\p{N}._@-]{2,64}$/u;

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

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
  }
}
