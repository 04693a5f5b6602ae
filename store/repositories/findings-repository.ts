import { sql, type Kysely } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import type { AccountKind, Finding, FindingEvent, FindingState, Schema } from '../schema.js';
import { FindingEventsRepository } from './finding-events-repository.js';
import { upsertFinding, type FindingInput, type RecordOutcome } from './upsert-finding.js';

export type { FindingInput, RecordOutcome } from './upsert-finding.js';

/** A finding with the account and post it belongs to, as lists and the CLI show it. */
export interface FindingWithContext extends Finding {
  account_platform: string;
  account_handle: string;
  account_kind: AccountKind;
  account_owner_name: string | null;
  post_url: string;
  post_published_at: Date | null;
}

/** No finding matches a reference; the message says which forms a reference takes. */
export class FindingNotFoundError extends NotFoundError {
  constructor(reference: string) {
    super('finding', reference);
    this.message =
      `No finding matches ${JSON.stringify(reference)}: give its id, or the first 8 or more characters of it ` +
      'as `overshare findings list` shows them.';
  }
}

/**
 * Findings, unique by (post, rule, evidence): recording the same finding again changes nothing,
 * and every created or changed finding gets its outbox event in the same transaction.
 */
export class FindingsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async record(input: FindingInput): Promise<{ finding: Finding; outcome: RecordOutcome }> {
    return this.db.transaction().execute(async (trx) => {
      const recorded = await upsertFinding(trx, input);
      if (recorded.outcome !== 'unchanged') {
        await FindingEventsRepository.append(trx, recorded.finding, recorded.outcome === 'created' ? 'finding.created' : 'finding.updated');
      }
      return recorded;
    });
  }

  async getById(id: string): Promise<Finding> {
    const finding = await this.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
    if (!finding) throw new NotFoundError('finding', id);
    return finding;
  }

  /** Newest first; `state` filters when given. */
  async list(filter: { state?: FindingState; limit?: number } = {}): Promise<Finding[]> {
    let query = this.db
      .selectFrom('findings')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 100);
    if (filter.state) query = query.where('state', '=', filter.state);
    return query.execute();
  }

  /** Like `list`, each finding with its account and post (for the CLI and review lists); newest first, 100 by default. */
  async listWithContext(filter: { state?: FindingState; limit?: number } = {}): Promise<FindingWithContext[]> {
    let query = this.withContext().orderBy('findings.created_at', 'desc').orderBy('findings.id').limit(filter.limit ?? 100);
    if (filter.state) query = query.where('findings.state', '=', filter.state);
    return query.execute();
  }

  /**
   * One finding with its account and post, by id or by the first 8 or more characters of its id
   * (as `findings list` shows it). Throws FindingNotFoundError, or InputValidationError when a
   * prefix matches several findings.
   */
  async resolve(reference: string): Promise<FindingWithContext> {
    const ref = reference.trim().toLowerCase();
    let rows: FindingWithContext[] = [];
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u.test(ref)) {
      rows = await this.withContext().where('findings.id', '=', ref).execute();
    } else if (/^[0-9a-f]{8}[0-9a-f-]{0,27}$/u.test(ref)) {
      rows = await this.withContext().where(sql<string>`findings.id::text`, 'like', `${ref}%`).limit(2).execute();
    }
    if (rows.length > 1) {
      throw new InputValidationError('finding reference', [
        { path: reference, message: `more than one finding id starts with ${reference}: give more of the id` },
      ]);
    }
    if (!rows[0]) throw new FindingNotFoundError(reference);
    return rows[0];
  }

  /** The finding's history: every event of the outbox for it, oldest first. */
  async events(findingId: string): Promise<FindingEvent[]> {
    return this.db.selectFrom('finding_events').selectAll().where('finding_id', '=', findingId).orderBy('seq').execute();
  }

  private withContext() {
    return this.db
      .selectFrom('findings')
      .innerJoin('accounts', 'accounts.id', 'findings.account_id')
      .innerJoin('posts', 'posts.id', 'findings.post_id')
      .selectAll('findings')
      .select([
        'accounts.platform as account_platform',
        'accounts.handle as account_handle',
        'accounts.kind as account_kind',
        'accounts.owner_name as account_owner_name',
        'posts.url as post_url',
        'posts.published_at as post_published_at',
      ]);
  }
}

