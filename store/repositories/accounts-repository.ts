import { sql, type Kysely, type Transaction } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { nextRunAt, parseSchedule } from '../../core/schedule.js';
import { isUniqueViolation } from '../is-unique-violation.js';
import { FindingEventsRepository } from './finding-events-repository.js';
import type { Account, AccountKind, AccountStatus, AccountUpdate, ScanAccountStatus, ScanStatus, Schema } from '../schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
// The short id `accounts list` shows: the first 8 characters, or more when 8 are not enough.
const ID_PREFIX = /^[0-9a-f]{8}[0-9a-f-]{0,27}$/iu;

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
  /** When the legal basis was established or last confirmed. */
  legalBasisAt?: Date;
  /** A schedule as `parseSchedule` reads it; none means the installation's default. */
  schedule?: string;
  /** Default true; an inactive account is registered but never scanned. */
  isActive?: boolean;
  /** Default false; a canary is read to watch its platform, its posts never stored or analyzed. */
  isCanary?: boolean;
  settings?: Record<string, unknown>;
}

/** Filters of `AccountsRepository.list`; each one given narrows the list. */
export interface AccountFilter {
  isActive?: boolean;
  platform?: string;
  status?: AccountStatus;
  kind?: AccountKind;
}

/** Filters of `AccountsRepository.page`: those of `list`, and a search. */
export interface AccountPageFilter extends AccountFilter {
  /** The owner's employee id or e-mail address, matched whole, ignoring case. */
  owner?: string;
  /** Text found, ignoring case, in the handle, the display name or the owner's name or e-mail address. */
  q?: string;
  /** Only accounts with an open coverage gap. */
  isUncovered?: boolean;
  /** The last account of the previous page (the list is ordered by platform, then handle). */
  after?: { platform: string; handle: string };
}

/** What may change of a registered account (never its platform, handle or kind); null clears a field. */
export interface AccountChanges {
  displayName?: string | null;
  ownerEmployeeId?: string | null;
  ownerName?: string | null;
  ownerEmail?: string | null;
  ownerDepartment?: string | null;
  noticeGivenAt?: Date | null;
  legalBasis?: string | null;
  legalBasisAt?: Date | null;
  /** A schedule as `parseSchedule` reads it; null means the installation's default. */
  schedule?: string | null;
  isActive?: boolean;
  isCanary?: boolean;
}

/** A scan an account took part in, and how the account fared in it. */
export interface AccountScan {
  scanRunId: string;
  scanStatus: ScanStatus;
  status: ScanAccountStatus;
  posts: number;
  error: string | null;
  updatedAt: Date;
}

/** What deleting an account deletes with it (posts, their media, findings). */
export interface AccountDependents {
  posts: number;
  media: number;
  findings: number;
}

/** No account matches a reference; the message says which forms a reference takes. */
export class AccountNotFoundError extends NotFoundError {
  constructor(reference: string) {
    super('account', reference);
    this.message =
      `No account matches ${JSON.stringify(reference)}: give its id (or the first 8 or more characters of it, ` +
      'as `overshare accounts list --all` shows them) or platform:handle, such as telegram:halvard_news.';
  }
}

/** The accounts registry: one row per (platform, handle). */
export class AccountsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Registers an account, due for its first scan at once when active; a second registration of the
   * same platform and handle is refused with InputValidationError.
   */
  async create(input: AccountInput): Promise<Account> {
    const isActive = input.isActive ?? true;
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
          legal_basis_at: input.legalBasisAt ?? null,
          schedule: input.schedule ?? null,
          is_active: isActive,
          is_canary: input.isCanary ?? false,
          crawl_cursor: null,
          last_error: null,
          last_error_at: null,
          last_scanned_at: null,
          next_scan_at: isActive ? sql<Date>`now()` : null,
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

  /**
   * Finds an account by reference: its id, the first 8 or more characters of its id, or
   * `platform:handle`. Throws AccountNotFoundError (a NotFoundError) when none matches and
   * InputValidationError when an id prefix matches several.
   */
  async resolve(reference: string): Promise<Account> {
    const ref = reference.trim();
    if (UUID.test(ref)) {
      const account = await this.db.selectFrom('accounts').selectAll().where('id', '=', ref.toLowerCase()).executeTakeFirst();
      if (account) return account;
    } else if (ID_PREFIX.test(ref)) {
      const matches = await this.db
        .selectFrom('accounts')
        .selectAll()
        .where(sql<string>`id::text`, 'like', `${ref.toLowerCase()}%`)
        .limit(2)
        .execute();
      if (matches.length > 1) {
        throw new InputValidationError('account reference', [
          { path: ref, message: `more than one account id starts with ${ref}: give more of the id, or platform:handle` },
        ]);
      }
      if (matches[0]) return matches[0];
    }
    const colon = ref.indexOf(':');
    if (colon > 0) {
      const account = await this.findByHandle(ref.slice(0, colon), ref.slice(colon + 1));
      if (account) return account;
    }
    throw new AccountNotFoundError(reference);
  }

  /** Accounts ordered by platform and handle, narrowed by each filter given. */
  async list(filter: AccountFilter = {}): Promise<Account[]> {
    let query = this.db.selectFrom('accounts').selectAll().orderBy('platform').orderBy('handle');
    if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    return query.execute();
  }

  /**
   * One page of accounts ordered by platform and handle, narrowed by each filter given; `after` is
   * the last account of the previous page (keyset pagination: stable while accounts are added).
   */
  async page(filter: AccountPageFilter, limit: number): Promise<Account[]> {
    let query = this.db.selectFrom('accounts').selectAll().orderBy('platform').orderBy('handle').limit(limit);
    if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.isUncovered === true) {
      query = query.where((eb) => eb.exists(eb.selectFrom('coverage_gaps').select('id').whereRef('account_id', '=', 'accounts.id').where('ended_at', 'is', null)));
    }
    const { owner, q, after } = filter;
    if (owner !== undefined) {
      // Written as the indexes are (lower(...)), so they serve it; folded by PostgreSQL on both sides
      // because JavaScript's toLowerCase() disagrees with it on Σ and İ.
      const folded = sql<string>`lower(${owner})`;
      query = query.where((eb) => eb.or([eb(sql`lower(owner_employee_id)`, '=', folded), eb(sql`lower(owner_email)`, '=', folded)]));
    }
    if (q !== undefined) {
      // strpos, not LIKE: the search text's % and _ mean themselves.
      const needle = sql<string>`lower(${q})`;
      query = query.where((eb) =>
        eb.or(
          (['handle', 'display_name', 'owner_name', 'owner_email'] as const).map((column) => eb(sql`strpos(lower(${sql.ref(column)}), ${needle})`, '>', 0)),
        ),
      );
    }
    if (after !== undefined) query = query.where(sql<boolean>`(platform, handle) > (${after.platform}, ${after.handle})`);
    return query.execute();
  }

  /**
   * Changes an account's details in one transaction. Disabling clears its next scan; enabling a
   * disabled account makes it due at once; a new schedule moves the next scan of a scanned, active
   * account to the schedule's next time after its last scan (at once when that has passed). A
   * cleared schedule (the default) takes effect from the next scan on. Runs in the caller's
   * transaction when the repository was made with one.
   */
  async update(id: string, changes: AccountChanges): Promise<Account> {
    // Inside the caller's transaction when it gave one (Kysely cannot nest them).
    const inTransaction = <T>(work: (trx: Kysely<Schema>) => Promise<T>): Promise<T> =>
      this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
    return inTransaction(async (trx) => {
      const current = await trx.selectFrom('accounts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!current) throw new NotFoundError('account', id);
      const now = new Date();
      const set: AccountUpdate = { updated_at: now };
      const columns = {
        display_name: changes.displayName,
        owner_employee_id: changes.ownerEmployeeId,
        owner_name: changes.ownerName,
        owner_email: changes.ownerEmail,
        owner_department: changes.ownerDepartment,
        notice_given_at: changes.noticeGivenAt,
        legal_basis: changes.legalBasis,
        legal_basis_at: changes.legalBasisAt,
        schedule: changes.schedule,
        is_active: changes.isActive,
        is_canary: changes.isCanary,
      };
      for (const [column, value] of Object.entries(columns)) {
        if (value !== undefined) Object.assign(set, { [column]: value });
      }
      const isActive = changes.isActive ?? current.is_active;
      if (!isActive) set.next_scan_at = null;
      else if (!current.is_active) set.next_scan_at = now;
      else if (typeof changes.schedule === 'string' && changes.schedule !== current.schedule && current.last_scanned_at !== null) {
        set.next_scan_at = nextRunAt(parseSchedule(changes.schedule), current.last_scanned_at);
      }
      return trx.updateTable('accounts').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    });
  }

  /** The last scan that finished with this account (collected, blocked, failed or skipped), if any. */
  async lastScanOf(id: string): Promise<AccountScan | undefined> {
    return this.scanOf(id, 'done');
  }

  /** The running scan this account waits in, if any. */
  async currentScanOf(id: string): Promise<AccountScan | undefined> {
    return this.scanOf(id, 'pending');
  }

  private async scanOf(id: string, which: 'done' | 'pending'): Promise<AccountScan | undefined> {
    let query = this.db
      .selectFrom('scan_run_accounts')
      .innerJoin('scan_runs', 'scan_runs.id', 'scan_run_accounts.scan_run_id')
      .select([
        'scan_run_accounts.scan_run_id as scanRunId',
        'scan_runs.status as scanStatus',
        'scan_run_accounts.status',
        'scan_run_accounts.posts',
        'scan_run_accounts.error',
        'scan_run_accounts.updated_at as updatedAt',
      ])
      .where('scan_run_accounts.account_id', '=', id)
      .orderBy('scan_run_accounts.updated_at', 'desc')
      .limit(1);
    query =
      which === 'pending'
        ? query.where('scan_run_accounts.status', '=', 'pending').where('scan_runs.status', '=', 'running')
        : query.where('scan_run_accounts.status', '<>', 'pending');
    return query.executeTakeFirst();
  }

  /** Stops scanning an account (nothing is deleted): inactive, and no scan due. */
  async disable(id: string): Promise<Account> {
    return this.setActive(id, false);
  }

  /** Scans an account again, due at once. */
  async enable(id: string): Promise<Account> {
    return this.setActive(id, true);
  }

  /** What `remove` would delete with the account. */
  async dependents(id: string): Promise<AccountDependents> {
    const { posts, media, findings } = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('posts').where('account_id', '=', id).select((inner) => inner.fn.countAll<number>().as('n')).as('posts'),
        eb
          .selectFrom('media')
          .innerJoin('posts', 'posts.id', 'media.post_id')
          .where('posts.account_id', '=', id)
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .as('media'),
        eb.selectFrom('findings').where('account_id', '=', id).select((inner) => inner.fn.countAll<number>().as('n')).as('findings'),
      ])
      .executeTakeFirstOrThrow();
    return { posts: posts ?? 0, media: media ?? 0, findings: findings ?? 0 };
  }

  /** How many of an account's findings are not resolved (new, in review or reopened). */
  async countOpenFindings(id: string): Promise<number> {
    const row = await this.db
      .selectFrom('findings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', id)
      .where('state', '<>', 'resolved')
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /**
   * Deletes an account with its posts, their media and its findings (foreign keys cascade), and in
   * the same transaction appends a `finding.purged` event (reason `account_removed`) per finding,
   * so the SIEM learns of each one; runs in the caller's transaction when the repository has one.
   */
  async remove(id: string): Promise<void> {
    // Inside the caller's transaction when it gave one (Kysely cannot nest them).
    const work = async (trx: Transaction<Schema>) => {
      const account = await trx.selectFrom('accounts').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!account) throw new NotFoundError('account', id);
      const findings = await trx.selectFrom('findings').selectAll().where('account_id', '=', id).orderBy('created_at').forUpdate().execute();
      const now = new Date();
      // Before the delete: the event's payload reads the account and post, which go with it.
      for (const finding of findings) {
        await FindingEventsRepository.append(trx, { ...finding, version: finding.version + 1, updated_at: now }, 'finding.purged', 'account_removed');
      }
      await trx.deleteFrom('accounts').where('id', '=', id).execute();
    };
    await (isTransaction(this.db) ? work(this.db) : this.db.transaction().execute(work));
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

  private async setActive(id: string, isActive: boolean): Promise<Account> {
    const account = await this.db
      .updateTable('accounts')
      .set({ is_active: isActive, next_scan_at: isActive ? sql<Date>`now()` : null, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!account) throw new NotFoundError('account', id);
    return account;
  }
}

/** Whether the repository was made with the caller's transaction (Kysely cannot nest them). */
function isTransaction(db: Kysely<Schema>): db is Transaction<Schema> {
  return db.isTransaction;
}
