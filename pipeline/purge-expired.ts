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
}

const DAY_MS = 86_400_000;
const BATCH = 500;

/**
 * Enforces the policy's retention periods: open findings older than `findingsDays` and resolved
 * ones resolved more than `resolvedFindingsDays` ago are deleted, each with a `finding.purged`
 * event in the same transaction (the SIEM learns of every purge); a post left without findings
 * loses its text and image content at once and, like every clean post, its row after
 * `cleanPostsDays`; audit entries older than `auditLogDays` go too, and the run itself is audited.
 * Outbox events are kept: they are purged by the SIEM sinks' own retention (issue 7), once every
 * sink has taken them.
 */
export async function purgeExpired(db: Kysely<Schema>, retention: Policy['retention'], now: Date, log: Logger): Promise<PurgeCounts> {
  const openBefore = new Date(now.getTime() - retention.findingsDays * DAY_MS);
  const resolvedBefore = new Date(now.getTime() - retention.resolvedFindingsDays * DAY_MS);
  const cleanBefore = new Date(now.getTime() - retention.cleanPostsDays * DAY_MS);
  const auditBefore = new Date(now.getTime() - retention.auditLogDays * DAY_MS);
  const counts: PurgeCounts = { findings: 0, postsEmptied: 0, posts: 0, auditEntries: 0 };

  for (;;) {
    const purged = await db.transaction().execute(async (trx) => {
      const expired = await trx
        .selectFrom('findings')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '<>', 'resolved'), eb('created_at', '<', openBefore)]),
            eb.and([eb('state', '=', 'resolved'), eb('updated_at', '<', resolvedBefore)]),
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
        await FindingEventsRepository.append(trx, { ...finding, version: finding.version + 1, updated_at: now }, 'finding.purged');
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

  if (counts.findings + counts.posts + counts.postsEmptied + counts.auditEntries > 0) {
    await new AuditLogRepository(db).append({
      actorType: 'system',
      action: 'retention.purge',
      details: { ...counts, retention, at: now.toISOString() },
    });
    log.info({ ...counts }, 'retention: expired data purged');
  }
  return counts;
}
