import { sql, type Kysely, type Transaction } from 'kysely';
import { coverageEventPayload, type CoverageEventPayload } from '../coverage-event-payload.js';
import { findingEventPayload, type EventAccount, type EventContext, type FindingEventPayload, type OutboxEvent, type PurgeReason } from '../finding-event-payload.js';
import type { Account, CoverageEventType, CoverageGap, Finding, FindingEvent, FindingEventType, Schema } from '../schema.js';

// One advisory lock key for the outbox (any fixed 64-bit number unique to this use).
const OUTBOX_LOCK_KEY = 7_150_300_001;

/**
 * The append-only outbox every SIEM feed and sink reads. Events are appended inside the same
 * transaction that changes the finding, and appends are serialised by a transaction-scoped
 * advisory lock, so `seq` order is commit order: a reader that has seen `seq = n` never later
 * finds a committed event with a smaller `seq`. Nothing is skipped by cursor readers.
 */
export class FindingEventsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Appends one event for the finding's current version; must run inside the finding's transaction. */
  static async append(
    trx: Transaction<Schema>,
    finding: Finding,
    type: FindingEventType,
    purgeReason?: PurgeReason,
  ): Promise<FindingEvent> {
    const context = await eventContext(trx, finding);
    // Taken as late as possible: held from here to COMMIT, it orders commits, not whole transactions.
    await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_KEY})`.execute(trx);
    return trx
      .insertInto('finding_events')
      .values({
        finding_id: finding.id,
        finding_version: finding.version,
        type,
        payload: JSON.stringify(findingEventPayload(finding, context, purgeReason)),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Appends a coverage event for the gap, keyed by its id: `coverage.gap` (version 1) when it
   * opens, `coverage.restored` (version 2) when it closes; must run inside the gap's transaction.
   */
  static async appendCoverage(trx: Transaction<Schema>, gap: CoverageGap, type: CoverageEventType): Promise<FindingEvent> {
    const account = await eventAccount(trx, gap.account_id);
    // Taken as late as possible, as in `append`: the same lock orders every outbox append.
    await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_KEY})`.execute(trx);
    return trx
      .insertInto('finding_events')
      .values({
        finding_id: gap.id,
        finding_version: type === 'coverage.gap' ? 1 : 2,
        type,
        payload: JSON.stringify(coverageEventPayload(gap, account)),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Up to `limit` events after the cursor `afterSeq` (0 for the beginning), oldest first. */
  async listAfter(afterSeq: number, limit: number): Promise<FindingEvent[]> {
    return this.db
      .selectFrom('finding_events')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }
}

/** The outbox row with its payload typed by its type (finding or coverage), as feeds and sinks read it. */
export function toOutboxEvent(row: FindingEvent): OutboxEvent {
  const base = { seq: row.seq, id: row.id, findingId: row.finding_id, findingVersion: row.finding_version, occurredAt: row.occurred_at };
  switch (row.type) {
    case 'coverage.gap':
    case 'coverage.restored':
      return { ...base, type: row.type, payload: row.payload as unknown as CoverageEventPayload };
    case 'finding.created':
    case 'finding.updated':
    case 'finding.purged':
      return { ...base, type: row.type, payload: row.payload as unknown as FindingEventPayload };
  }
}

// What events say of an account.
const ACCOUNT_COLUMNS = ['accounts.id', 'accounts.platform', 'accounts.handle', 'accounts.kind', 'accounts.owner_employee_id', 'accounts.owner_department'] as const;

/** The account and post a finding belongs to, read in the finding's own transaction. */
async function eventContext(trx: Transaction<Schema>, finding: Finding): Promise<EventContext> {
  const row = await trx
    .selectFrom('accounts')
    .leftJoin('posts', (join) => join.on('posts.id', '=', finding.post_id))
    .select([...ACCOUNT_COLUMNS, 'posts.url as post_url', 'posts.published_at as post_published_at'])
    .where('accounts.id', '=', finding.account_id)
    .executeTakeFirstOrThrow();
  return { account: toEventAccount(row), postUrl: row.post_url, postPublishedAt: row.post_published_at };
}

/** An account as events carry it (ids and department, no owner name or e-mail), read in the event's transaction. */
async function eventAccount(trx: Transaction<Schema>, accountId: string): Promise<EventAccount> {
  return toEventAccount(await trx.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('accounts.id', '=', accountId).executeTakeFirstOrThrow());
}

function toEventAccount(row: Pick<Account, 'id' | 'platform' | 'handle' | 'kind' | 'owner_employee_id' | 'owner_department'>): EventAccount {
  return {
    id: row.id,
    platform: row.platform,
    handle: row.handle,
    kind: row.kind,
    ownerEmployeeId: row.owner_employee_id,
    ownerDepartment: row.owner_department,
  };
}
