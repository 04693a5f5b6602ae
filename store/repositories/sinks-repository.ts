import { sql, type Kysely } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { isUniqueViolation } from '../is-unique-violation.js';
import type { Schema, Sink, SinkDelivery, SinkFormat, SinkKind } from '../schema.js';

/** A sink to create; its secret arrives already sealed. */
export interface SinkInput {
  name: string;
  kind: SinkKind;
  format: SinkFormat;
  target: string;
  settings: Record<string, unknown>;
  secretSealed: string | null;
  /** Where its cursor starts: 0 delivers the whole outbox, the current last seq only what comes next. */
  startSeq: number;
}

/** One attempt at a batch, for the delivery log. */
export interface DeliveryRecord {
  sinkId: string;
  firstSeq: number;
  lastSeq: number;
  eventCount: number;
  deliveredCount: number;
  outcome: 'delivered' | 'failed' | 'redelivered';
  httpStatus?: number;
  error?: string;
  durationMs: number;
  attemptedAt: Date;
}

const NAME_PATTERN = /^[\w.-]{1,64}$/u;

/** SIEM sinks: each with its own cursor into the outbox, failure state, lease and delivery log. */
export class SinksRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(input: SinkInput): Promise<Sink> {
    if (!NAME_PATTERN.test(input.name)) {
      throw new InputValidationError('the sink', [{ path: 'name', message: '1 to 64 letters, digits, ".", "_" or "-"' }]);
    }
    try {
      return await this.db
        .insertInto('sinks')
        .values({
          name: input.name,
          kind: input.kind,
          format: input.format,
          target: input.target,
          settings: JSON.stringify(input.settings),
          secret_encrypted: input.secretSealed,
          cursor_seq: input.startSeq,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new InputValidationError('the sink', [{ path: 'name', message: `a sink named ${input.name} exists; choose another name` }], { cause: error });
      }
      throw error;
    }
  }

  async list(): Promise<Sink[]> {
    return this.db.selectFrom('sinks').selectAll().orderBy('name').execute();
  }

  /** By id or name. */
  async resolve(reference: string): Promise<Sink> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu.test(reference);
    const sink = await this.db
      .selectFrom('sinks')
      .selectAll()
      .where(isUuid ? 'id' : 'name', '=', reference)
      .executeTakeFirst();
    if (!sink) throw new NotFoundError('sink', reference);
    return sink;
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('sinks').where('id', '=', id).execute();
  }

  /** Enables (clearing the failure state, so delivery starts at once) or disables a sink with a reason. */
  async setEnabled(id: string, isEnabled: boolean, reason: string | null, now: Date): Promise<Sink> {
    return this.db
      .updateTable('sinks')
      .set(
        isEnabled
          ? { is_enabled: true, disabled_reason: null, consecutive_failures: 0, first_failure_at: null, next_attempt_at: now, updated_at: now }
          : { is_enabled: false, disabled_reason: reason, updated_at: now },
      )
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Moves the cursor back (redelivery) or on (skipping an event the receiver will never take) so
   * delivery resumes after `seq`. The lease is cleared too, so a batch in flight on any server
   * cannot write its cursor over this one.
   */
  async rewind(id: string, seq: number, now: Date): Promise<Sink> {
    return this.db
      .updateTable('sinks')
      .set({ cursor_seq: seq, next_attempt_at: now, updated_at: now, lease_owner: null, lease_until: null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Claims one enabled, due sink for `owner` until `leaseUntil`, skipping sinks another server
   * holds; undefined when none is due.
   */
  async claimDue(owner: string, now: Date, leaseUntil: Date, busyIds: readonly string[] = []): Promise<Sink | undefined> {
    return this.db
      .updateTable('sinks')
      .set({ lease_owner: owner, lease_until: leaseUntil })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('sinks')
          .select('id')
          .where('is_enabled', '=', true)
          .where('next_attempt_at', '<=', now)
          .where((inner) => inner.or([inner('lease_until', 'is', null), inner('lease_until', '<', now)]))
          .$if(busyIds.length > 0, (query) => query.where('id', 'not in', busyIds))
          .orderBy('next_attempt_at')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Records a batch's outcome for the lease holder: the cursor moves to `cursorSeq`, failures and
   * the next attempt are set, the attempt is logged, all in one transaction. False when the lease
   * was lost meanwhile (another server took over; nothing is written then).
   */
  async recordAttempt(
    owner: string,
    record: DeliveryRecord,
    state: { cursorSeq: number; isFailure: boolean; nextAttemptAt: Date; disableReason?: string; releaseLease: boolean },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('sinks')
        .set((eb) => ({
          cursor_seq: state.cursorSeq,
          next_attempt_at: state.nextAttemptAt,
          updated_at: record.attemptedAt,
          consecutive_failures: state.isFailure ? eb('consecutive_failures', '+', 1) : 0,
          first_failure_at: state.isFailure ? eb.fn.coalesce('first_failure_at', sql<Date>`${record.attemptedAt}`) : null,
          last_error: state.isFailure ? (record.error ?? null) : eb.ref('last_error'),
          ...(state.isFailure ? {} : { last_delivered_at: record.attemptedAt }),
          ...(state.disableReason === undefined ? {} : { is_enabled: false, disabled_reason: state.disableReason }),
          ...(state.releaseLease ? { lease_owner: null, lease_until: null } : {}),
        }))
        .where('id', '=', record.sinkId)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await trx
        .insertInto('sink_deliveries')
        .values({
          sink_id: record.sinkId,
          first_seq: record.firstSeq,
          last_seq: record.lastSeq,
          event_count: record.eventCount,
          delivered_count: record.deliveredCount,
          outcome: record.outcome,
          http_status: record.httpStatus ?? null,
          error: record.error?.slice(0, 2_000) ?? null,
          duration_ms: Math.round(record.durationMs),
          attempted_at: record.attemptedAt,
        })
        .execute();
      return true;
    });
  }

  /** Gives the lease back without recording anything (nothing to deliver). */
  async release(id: string, owner: string, nextAttemptAt: Date): Promise<void> {
    await this.db
      .updateTable('sinks')
      .set({ lease_owner: null, lease_until: null, next_attempt_at: nextAttemptAt })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** The delivery log of a sink, newest first. */
  async deliveries(sinkId: string, limit = 100): Promise<SinkDelivery[]> {
    return this.db.selectFrom('sink_deliveries').selectAll().where('sink_id', '=', sinkId).orderBy('id', 'desc').limit(limit).execute();
  }

  /** The outbox's last seq, 0 when empty. */
  async lastSeq(): Promise<number> {
    const row = await this.db.selectFrom('finding_events').select(sql<number | null>`max(seq)`.as('seq')).executeTakeFirstOrThrow();
    return row.seq ?? 0;
  }

  /** Per sink: events not yet taken and the age of the oldest of them in seconds (0 when none). */
  async lag(): Promise<Array<{ name: string; events: number; oldestAgeS: number }>> {
    const rows = await sql<{ name: string; events: number; oldest: Date | null }>`
      select s.name,
             (select count(*)::int from finding_events e where e.seq > s.cursor_seq) as events,
             (select min(e.occurred_at) from finding_events e where e.seq > s.cursor_seq) as oldest
        from sinks s order by s.name`.execute(this.db);
    return rows.rows.map((row) => ({
      name: row.name,
      events: row.events,
      oldestAgeS: row.oldest === null ? 0 : Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000),
    }));
  }
}
