import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import { MIGRATIONS } from './index.js';

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`migration 0005-coverage on ${target.name}`, () => {
    it('counts accounts read without error as covered up to their last reading, and no others', async () => {
      const { log } = capturingLogger('error');
      const { database, dispose } = await target.open(log);
      try {
        const migrator = new Migrator({
          db: database.db,
          provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
          migrationTableName: 'overshare_migrations',
          migrationLockTableName: 'overshare_migrations_lock',
        });
        expect((await migrator.migrateTo('0004-presence')).error).toBeUndefined();
        const scannedAt = new Date('2026-11-01T08:00:00Z');
        await sql`insert into accounts (platform, handle, kind, status, last_scanned_at) values
          ('mastodon', 'fine', 'employee', 'ok', ${scannedAt}),
          ('mastodon', 'walled', 'corporate', 'blocked', ${scannedAt}),
          ('mastodon', 'new', 'employee', 'pending', null)`.execute(database.db);

        expect((await migrateToLatest(database.db, log)).applied).toEqual(['0005-coverage']);
        const accounts = await database.db
          .selectFrom('accounts')
          .select(['handle', 'last_success_at', 'consecutive_failures', 'is_canary', 'profile'])
          .orderBy('handle')
          .execute();
        expect(accounts).toEqual([
          { handle: 'fine', last_success_at: scannedAt, consecutive_failures: 0, is_canary: false, profile: null },
          { handle: 'new', last_success_at: null, consecutive_failures: 0, is_canary: false, profile: null },
          { handle: 'walled', last_success_at: null, consecutive_failures: 0, is_canary: false, profile: null },
        ]);
      } finally {
        await dispose();
      }
    });

    it('lets the outbox carry coverage events and findings the takeover category, and keeps one open gap per account', async () => {
      const { log } = capturingLogger('error');
      const { database, dispose } = await target.open(log);
      try {
        await migrateToLatest(database.db, log);
        const { db } = database;
        const account = await db.insertInto('accounts').values({ platform: 'telegram', handle: 'acme', kind: 'corporate' }).returning('id').executeTakeFirstOrThrow();
        const at = new Date('2026-11-20T10:00:00Z');
        const gap = { account_id: account.id, platform: 'telegram', started_at: at, detected_at: at, last_failed_at: at, reason: 'login_wall' as const, last_error: 'a login form' };
        const opened = await db.insertInto('coverage_gaps').values(gap).returning('id').executeTakeFirstOrThrow();
        await expect(db.insertInto('coverage_gaps').values(gap).execute()).rejects.toThrow(/coverage_gaps_open_idx/u);
        await db.updateTable('coverage_gaps').set({ ended_at: at }).where('id', '=', opened.id).execute();
        await db.insertInto('coverage_gaps').values(gap).execute();
        await expect(db.insertInto('coverage_gaps').values({ ...gap, reason: 'sunspots' as never }).execute()).rejects.toThrow(/check/iu);

        for (const type of ['coverage.gap', 'coverage.restored'] as const) {
          await db.insertInto('finding_events').values({ finding_id: opened.id, finding_version: type === 'coverage.gap' ? 1 : 2, type, payload: '{}' }).execute();
        }
        await expect(db.insertInto('finding_events').values({ finding_id: opened.id, finding_version: 3, type: 'coverage.lost' as never, payload: '{}' }).execute()).rejects.toThrow(
          /finding_events_type_check/u,
        );
        const constraint = await sql<{ definition: string }>`
          select pg_get_constraintdef(oid) as definition from pg_constraint where conname = 'findings_category_check'`.execute(db);
        expect(constraint.rows[0]?.definition).toContain("'takeover'");
      } finally {
        await dispose();
      }
    });
  });
}
