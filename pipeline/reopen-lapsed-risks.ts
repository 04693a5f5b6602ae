import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger.js';
import { FindingEventsRepository } from '../store/repositories/finding-events-repository.js';
import type { Schema } from '../store/schema.js';

const BATCH = 500;

/**
 * Reopens every finding resolved as an accepted risk whose `resolution_expires_at` is at or
 * before `now`: state `reopened`; resolution, expiry, resolver, resolution time and suppression
 * link cleared; version + 1; one `finding.updated` event and one audit entry
 * (`finding.risk_lapsed`, actor system) each; all in the transaction of its batch of at most 500.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of schedulers can run it at once and
 * a finding being triaged right now is taken on the next run. Cheap when nothing lapsed: one
 * indexed query. Returns how many were reopened.
 */
export async function reopenLapsedRisks(db: Kysely<Schema>, now: Date, log: Logger): Promise<number> {
  let reopened = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      const lapsed = await trx
        .selectFrom('findings')
        .select(['id', 'resolution_expires_at'])
        .where('resolution_expires_at', '<=', now)
        .where('state', '=', 'resolved')
        .where('resolution', '=', 'accepted_risk')
        .orderBy('resolution_expires_at')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (lapsed.length === 0) return 0;
      const expiries = new Map(lapsed.map((row) => [row.id, row.resolution_expires_at]));
      const findings = await trx
        .updateTable('findings')
        .set((eb) => ({
          state: 'reopened',
          resolution: null,
          resolution_expires_at: null,
          resolved_at: null,
          resolved_by: null,
          // As every way out of `resolved` does (transitionFinding): the link describes the resolution.
          suppression_id: null,
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('id', 'in', [...expiries.keys()])
        .returningAll()
        .execute();
      await trx
        .insertInto('audit_log')
        .values(
          findings.map((finding) => ({
            actor_type: 'system' as const,
            actor_id: null,
            action: 'finding.risk_lapsed',
            target_type: 'finding',
            target_id: finding.id,
            details: JSON.stringify({ expired_at: expiries.get(finding.id)?.toISOString() ?? null, version: finding.version }),
            ip: null,
          })),
        )
        .execute();
      // Events last: the outbox lock is held from the first append to COMMIT.
      for (const finding of findings) await FindingEventsRepository.append(trx, finding, 'finding.updated');
      return findings.length;
    });
    reopened += count;
    if (count < BATCH) break;
  }
  if (reopened > 0) log.info({ reopened }, 'accepted risks lapsed: findings reopened');
  return reopened;
}
