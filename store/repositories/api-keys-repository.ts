import type { Kysely } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import type { ApiKey, Role, Schema } from '../schema.js';

/** A key to store: its hash and public prefix, never the token itself. */
export interface ApiKeyInput {
  name: string;
  prefix: string;
  keyHash: string;
  role: Role;
  scopes: readonly string[];
  createdBy: string | null;
  expiresAt: Date | null;
}

/** An API key with its creator's state, as authentication needs it. */
export interface ApiKeyWithCreator extends ApiKey {
  creator_is_active: boolean | null;
}

/** API keys, stored hashed; found by their public prefix. */
export class ApiKeysRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(input: ApiKeyInput): Promise<ApiKey> {
    return this.db
      .insertInto('api_keys')
      .values({
        name: input.name,
        prefix: input.prefix,
        key_hash: input.keyHash,
        role: input.role,
        scopes: [...input.scopes],
        created_by: input.createdBy,
        expires_at: input.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findByPrefix(prefix: string): Promise<ApiKeyWithCreator | undefined> {
    return this.db
      .selectFrom('api_keys')
      .leftJoin('users', 'users.id', 'api_keys.created_by')
      .selectAll('api_keys')
      .select('users.is_active as creator_is_active')
      .where('api_keys.prefix', '=', prefix)
      .executeTakeFirst();
  }

  async list(): Promise<ApiKey[]> {
    return this.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute();
  }

  /** A key by id or by its prefix (with or without `osk_`). */
  async resolve(reference: string): Promise<ApiKey> {
    const ref = reference.trim().replace(/^osk_/u, '').replace(/_.*$/u, '');
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu.test(ref);
    const key = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where(isUuid ? 'id' : 'prefix', '=', ref)
      .executeTakeFirst();
    if (!key) throw new NotFoundError('API key', reference);
    return key;
  }

  /** Revokes a key for good; revoking twice is refused so nobody thinks a live key was the one revoked. */
  async revoke(id: string, at: Date): Promise<ApiKey> {
    const key = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!key) throw new InputValidationError('the API key', [{ path: id, message: 'is already revoked or does not exist' }]);
    return key;
  }

  /** Notes a use; written at most once a minute per key to keep hot keys cheap. */
  async touch(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - 60_000))]))
      .execute();
  }
}
