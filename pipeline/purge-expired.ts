import { sql, type Kysely } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy-schema.js';
import { AuditLogRepository } from '../store/repositories/audit-log-repository.js';
import { FindingEventsRepository } from '../store/repositories/finding-events-repository.js';
import type { Schema } from '../store/schema.js';

/** What one retention run removed. */
export interface PurgeCounts {
  findings: number;
  /** Posts whose last finding was purged: their text and image content dropped. */
  postsEmptied: number;
  /** Posts with no finding past the clean-post period: removed with their media rows. */
  posts: number;
  auditEntries: number;
  /** Outbox events past `eventsDays` that every SIEM sink had taken. */
  events: number;
  /** Login failures, sessions and idempotency keys past their use. */
  expiredAuthRows: number;
  /** Collection attempts older than ATTEMPTS_DAYS (platform health reads the last hours only). */
  attempts: number;
  /** Coverage gaps closed more than CLOSED_GAPS_DAYS ago. */
  gaps: number;
}

/** Collection attempts are kept this long: enough to look back on an outage, and health reads hours. */
export const ATTEMPTS_DAYS = 30;
/** Closed coverage gaps are kept this long: a year's coverage report, and then some. */
export const CLOSED_GAPS_DAYS = 400;

const DAY_MS = 86_400_000;
const BATCH = 500;

/**
 * Enforces the policy's retention periods: open findings unchanged for `findingsDays` and resolved
 * ones resolved more than `resolvedFindingsDays` ago (an accepted risk only once its acceptance
 * has expired) are deleted, each with a `finding.purged`
 * event in the same transaction (the SIEM learns of every purge); a post left without findings
 * loses its text and image content at once and, like every clean post, its row after
 * `cleanPostsDays`; audit entries older than `auditLogDays` go too, and the run itself is audited.
 * Outbox events older than `eventsDays` go once every SIEM sink (enabled or not: a disabled sink
 * resumes where it stopped) has taken them; a sink holding events back past that is logged.
 * Expired sessions, old login failures and idempotency keys older than a day are dropped too, as
 * are collection attempts older than ATTEMPTS_DAYS and coverage gaps closed more than
 * CLOSED_GAPS_DAYS ago (open gaps stay, however old). Attempts expire every hour, so they alone
 * do not make a run worth an audit entry.
 */
export async function purgeExpired(db: Kysely<Schema>, retention: Policy['retention'], now: Date, log: Logger): Promise<PurgeCounts> {
  const openBefore = new Date(now.getTime() - retention.findingsDays * DAY_MS);
  const resolvedBefore = new Date(now.getTime() - retention.resolvedFindingsDays * DAY_MS);
  const cleanBefore = new Date(now.getTime() - retention.cleanPostsDays * DAY_MS);
  const auditBefore = new Date(now.getTime() - retention.auditLogDays * DAY_MS);
  const counts: PurgeCounts = { findings: 0, postsEmptied: 0, posts: 0, auditEntries: 0, events: 0, expiredAuthRows: 0, attempts: 0, gaps: 0 };
  const eventsBefore = new Date(now.getTime() - retention.eventsDays * DAY_MS);

  for (;;) {
    const purged = await db.transaction().execute(async (trx) => {
      const expired = await trx
        .selectFrom('findings')
        .selectAll()
        .where((eb) =>
          eb.or([
            // An open finding's clock restarts at its last change: one reopened lately is live work.
            eb.and([eb('state', '<>', 'resolved'), eb(sql`greatest(created_at, updated_at)`, '<', openBefore)]),
            // An accepted risk stays until its acceptance lapses, or it could never reopen.
            eb.and([
              eb('state', '=', 'resolved'),
              eb('updated_at', '<', resolvedBefore),
              eb.or([eb('resolution_expires_at', 'is', null), eb('resolution_expires_at', '<=', now)]),
            ]),
          ]),
        )
        .orderBy('created_at')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (expired.length === 0) return { findings: 0, postsEmptied: 0 };
      const ids = expired.map((finding) => finding.id);
      const postIds = [...new Set(expired.map((finding) => finding.post_id))];
      await trx.deleteFrom('findings').where('id', 'in', ids).execute();
      const emptied = await trx
        .updateTable('posts')
        .set({ text: null, content_dropped_at: now })
        .where('id', 'in', postIds)
        .where('content_dropped_at', 'is', null)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('findings').select('id').whereRef('findings.post_id', '=', 'posts.id'))))
        .returning('id')
        .execute();
      if (emptied.length > 0) {
        await trx
          .updateTable('media')
          .set({ content: null, ocr_text: null, ocr_words: null, metadata: '{}' })
          .where('post_id', 'in', emptied.map((post) => post.id))
          .execute();
      }
      for (const finding of expired) {
        await FindingEventsRepository.append(trx, { ...finding, version: finding.version + 1, updated_at: now }, 'finding.purged', 'retention');
      }
      return { findings: expired.length, postsEmptied: emptied.length };
    });
    counts.findings += purged.findings;
    counts.postsEmptied += purged.postsEmptied;
    if (purged.findings < BATCH) break;
  }

  // Clean posts, and posts whose analysis failed for good (they found nothing either).
  const removedPosts = await db
    .deleteFrom('posts')
    .where((eb) => eb.or([eb('content_dropped_at', 'is not', null), eb('analysis_failed_at', 'is not', null)]))
    .where('collected_at', '<', cleanBefore)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('findings').select('id').whereRef('findings.post_id', '=', 'posts.id'))))
    .executeTakeFirst();
  counts.posts = Number(removedPosts.numDeletedRows);

  counts.auditEntries = await db.transaction().execute(async (trx) => {
    await sql`set local overshare.retention_purge = 'on'`.execute(trx);
    const result = await trx.deleteFrom('audit_log').where('occurred_at', '<', auditBefore).executeTakeFirst();
    return Number(result.numDeletedRows);
  });

  counts.events = await purgeDeliveredEvents(db, eventsBefore, log);
  counts.expiredAuthRows = await purgeExpiredAuthRows(db, now);
  const attempts = await db.deleteFrom('collection_attempts').where('attempted_at', '<', new Date(now.getTime() - ATTEMPTS_DAYS * DAY_MS)).executeTakeFirst();
  counts.attempts = Number(attempts.numDeletedRows);
  const gaps = await db.deleteFrom('coverage_gaps').where('ended_at', '<', new Date(now.getTime() - CLOSED_GAPS_DAYS * DAY_MS)).executeTakeFirst();
  counts.gaps = Number(gaps.numDeletedRows);

  if (counts.findings + counts.posts + counts.postsEmptied + counts.auditEntries + counts.events + counts.gaps > 0) {
    await new AuditLogRepository(db).append({
      actorType: 'system',
      action: 'retention.purge',
      details: { ...counts, retention, at: now.toISOString() },
    });
    log.info({ ...counts }, 'retention: expired data purged');
  }
  return counts;
}

async function purgeDeliveredEvents(db: Kysely<Schema>, before: Date, log: Logger): Promise<number> {
  const floor = await db.selectFrom('sinks').select(sql<number | null>`min(cursor_seq)`.as('seq')).executeTakeFirstOrThrow();
  const held = await db
    .selectFrom('sinks')
    .select('name')
    .where((eb) => eb.exists(eb.selectFrom('finding_events').select('seq').whereRef('finding_events.seq', '>', 'sinks.cursor_seq').where('occurred_at', '<', before)))
    .execute();
  if (held.length > 0) {
    log.warn({ sinks: held.map((sink) => sink.name) }, 'retention: these SIEM sinks have not taken events past the retention period, so those events are kept; fix or remove the sinks');
  }
  let purged = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      await sql`set local overshare.retention_purge = 'on'`.execute(trx);
      const result = await trx
        .deleteFrom('finding_events')
        .where('seq', 'in', (eb) => {
          let oldest = eb.selectFrom('finding_events').select('seq').where('occurred_at', '<', before).orderBy('seq').limit(BATCH * 10);
          if (floor.seq !== null) oldest = oldest.where('seq', '<=', floor.seq);
          return oldest;
        })
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    purged += batch;
    if (batch < BATCH * 10) return purged;
  }
}

async function purgeExpiredAuthRows(db: Kysely<Schema>, now: Date): Promise<number> {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
  const failures = await db.deleteFrom('login_failures').where('failed_at', '<', new Date(now.getTime() - DAY_MS)).executeTakeFirst();
  const keys = await db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(now.getTime() - DAY_MS)).executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(failures.numDeletedRows) + Number(keys.numDeletedRows);
}
