import type { Kysely } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { isUniqueViolation } from '../is-unique-violation.js';
import type { Account, AccountKind, AccountStatus, Schema } from '../schema.js';

/** A social account to watch, as registered by the security team. */
export interface AccountInput {
  platform: string;
  handle: string;
  kind: AccountKind;
  url?: string;
  displayName?: string;
  owner?: { employeeId?: string; name?: string; email?: string; department?: string };
  noticeGivenAt?: Date;
  legalBasis?: string;
  schedule?: string;
  settings?: Record<string, unknown>;
}

/** The accounts registry: one row per (platform, handle). */
export class AccountsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Registers an account; a second registration of the same platform and handle is refused. */
  async create(input: AccountInput): Promise<Account> {
    try {
      return await this.db
        .insertInto('accounts')
        .values({
          platform: input.platform,
          handle: input.handle,
          kind: input.kind,
          url: input.url ?? null,
          display_name: input.displayName ?? null,
          owner_employee_id: input.owner?.employeeId ?? null,
          owner_name: input.owner?.name ?? null,
          owner_email: input.owner?.email ?? null,
          owner_department: input.owner?.department ?? null,
          notice_given_at: input.noticeGivenAt ?? null,
          legal_basis: input.legalBasis ?? null,
          schedule: input.schedule ?? null,
          crawl_cursor: null,
          last_error: null,
          last_error_at: null,
          last_scanned_at: null,
          next_scan_at: null,
          settings: JSON.stringify(input.settings ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new InputValidationError('account', [
          { path: 'handle', message: `${input.platform}:${input.handle} is already registered` },
        ]);
      }
      throw error;
    }
  }

  async getById(id: string): Promise<Account> {
    const account = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!account) throw new NotFoundError('account', id);
    return account;
  }

  async findByHandle(platform: string, handle: string): Promise<Account | undefined> {
    return this.db
      .selectFrom('accounts')
      .selectAll()
      .where('platform', '=', platform)
      .where('handle', '=', handle)
      .executeTakeFirst();
  }

  /** Accounts ordered by platform and handle; `isActive` filters when given. */
  async list(filter: { isActive?: boolean } = {}): Promise<Account[]> {
    let query = this.db.selectFrom('accounts').selectAll().orderBy('platform').orderBy('handle');
    if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive);
    return query.execute();
  }

  /** Records the outcome of a collection: `ok` clears the last error, the others keep it with its time. */
  async recordStatus(id: string, status: AccountStatus, lastError?: string): Promise<void> {
    const now = new Date();
    const result = await this.db
      .updateTable('accounts')
      .set({
        status,
        updated_at: now,
        ...(status === 'ok' ? { last_error: null, last_error_at: null } : {}),
        ...(lastError === undefined ? {} : { last_error: lastError, last_error_at: now }),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError('account', id);
  }
}
