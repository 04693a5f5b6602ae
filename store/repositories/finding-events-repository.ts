import { sql, type Kysely, type Transaction } from 'kysely';
import { maskText } from '../../core/mask-text.js';
import type { Finding, FindingEvent, FindingEventType, Schema } from '../schema.js';

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
  static async append(trx: Transaction<Schema>, finding: Finding, type: FindingEventType): Promise<FindingEvent> {
    // Taken as late as possible: held from here to COMMIT, it orders commits, not whole transactions.
    await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_KEY})`.execute(trx);
    return trx
      .insertInto('finding_events')
      .values({
        finding_id: finding.id,
        finding_version: finding.version,
        type,
        payload: JSON.stringify(eventPayload(finding)),
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

/** A finding as exported to SIEMs: evidence text masked, everything else as stored. */
function eventPayload(finding: Finding): Record<string, unknown> {
  return {
    id: finding.id,
    version: finding.version,
    postId: finding.post_id,
    accountId: finding.account_id,
    ruleIds: finding.rule_ids,
    category: finding.category,
    severity: finding.severity,
    score: finding.score,
    scoreBreakdown: finding.score_breakdown,
    evidence: { ...finding.evidence, text: maskText(finding.evidence.text) },
    state: finding.state,
    resolution: finding.resolution,
    assigneeId: finding.assignee_id,
    createdAt: finding.created_at.toISOString(),
    updatedAt: finding.updated_at.toISOString(),
  };
}
