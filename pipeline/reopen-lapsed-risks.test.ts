import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import type { Finding, Resolution } from '../store/schema.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { seedFinding } from '../test/support/seed-findings.js';
import { storeTargets } from '../test/support/store-targets.js';
import { reopenLapsedRisks } from './reopen-lapsed-risks.js';

const DAY_MS = 86_400_000;

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`reopenLapsedRisks on ${target.name}`, () => {
    const { log, lines } = capturingLogger('info');
    let database: Database;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
    });
    afterAll(async () => dispose());

    /** A finding resolved at version 2 as `resolution`, expiring at `expiresAt` when it is an accepted risk. */
    async function resolved(resolution: Resolution, expiresAt: Date | null): Promise<Finding> {
      const finding = await seedFinding(database.db);
      return database.db
        .updateTable('findings')
        .set({ state: 'resolved', resolution, resolution_expires_at: expiresAt, resolved_at: new Date(), resolved_by: 'user:someone', version: 2 })
        .where('id', '=', finding.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const row = (id: string) => database.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const eventsOf = (id: string) => database.db.selectFrom('finding_events').selectAll().where('finding_id', '=', id).orderBy('seq').execute();
    const auditOf = (id: string) => database.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).execute();

    it('reopens an accepted risk whose expiry has come, with one finding.updated event and one system audit entry', async () => {
      const now = new Date('2031-03-01T12:00:00Z');
      const lapsed = await resolved('accepted_risk', new Date(now.getTime() - DAY_MS));
      const onTheDot = await resolved('accepted_risk', now);

      expect(await reopenLapsedRisks(database.db, now, log)).toBeGreaterThanOrEqual(2);

      for (const finding of [lapsed, onTheDot]) {
        expect(await row(finding.id)).toMatchObject({
          state: 'reopened',
          resolution: null,
          resolution_expires_at: null,
          resolved_at: null,
          resolved_by: null,
          version: 3,
          updated_at: now,
        });
        const events = await eventsOf(finding.id);
        expect(events.map((event) => [event.type, event.finding_version])).toEqual([
          ['finding.created', 1],
          ['finding.updated', 3],
        ]);
        expect(events[1]?.payload).toMatchObject({ state: 'reopened', resolution: null, resolutionExpiresAt: null, version: 3 });
        const audit = await auditOf(finding.id);
        expect(audit.map((entry) => [entry.actor_type, entry.actor_id, entry.action, entry.target_type])).toEqual([['system', null, 'finding.risk_lapsed', 'finding']]);
        expect(audit[0]?.details).toMatchObject({ expired_at: finding.resolution_expires_at?.toISOString(), version: 3 });
      }
      expect(lines.some((line) => line.msg === 'accepted risks lapsed: findings reopened')).toBe(true);
    });

    it('leaves accepted risks still running and every other resolution alone', async () => {
      const now = new Date('2031-06-01T12:00:00Z');
      const running = await resolved('accepted_risk', new Date(now.getTime() + 1_000));
      const falsePositive = await resolved('false_positive', null);
      const open = await seedFinding(database.db);

      await reopenLapsedRisks(database.db, now, log);

      expect(await row(running.id)).toMatchObject({ state: 'resolved', resolution: 'accepted_risk', version: 2 });
      expect(await row(falsePositive.id)).toMatchObject({ state: 'resolved', resolution: 'false_positive', version: 2 });
      expect(await row(open.id)).toMatchObject({ state: 'new', version: 1 });
      for (const finding of [running, falsePositive, open]) expect(await eventsOf(finding.id)).toHaveLength(1);
    });

    it('does nothing the second time: a reopened finding gets no second event', async () => {
      const now = new Date('2031-09-01T12:00:00Z');
      const lapsed = await resolved('accepted_risk', new Date(now.getTime() - 1_000));
      await reopenLapsedRisks(database.db, now, log);
      expect(await reopenLapsedRisks(database.db, now, log)).toBe(0);
      expect(await eventsOf(lapsed.id)).toHaveLength(2);
      expect(await auditOf(lapsed.id)).toHaveLength(1);
    });

    it('skips a finding another transaction holds, and takes it on the next run', async () => {
      const now = new Date('2031-12-01T12:00:00Z');
      const held = await resolved('accepted_risk', new Date(now.getTime() - 1_000));
      if (target.name === 'PGlite') return; // One session: no second transaction can hold a row meanwhile.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = database.db.transaction().execute(async (trx) => {
        await trx.selectFrom('findings').select('id').where('id', '=', held.id).forUpdate().execute();
        locked();
        await released;
      });
      await isLocked;
      await reopenLapsedRisks(database.db, now, log);
      expect((await row(held.id)).state).toBe('resolved');
      release();
      await holder;
      await reopenLapsedRisks(database.db, now, log);
      expect((await row(held.id)).state).toBe('reopened');
    });
  });
}
