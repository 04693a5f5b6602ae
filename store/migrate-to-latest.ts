import { Migrator, sql, type Kysely } from 'kysely';
import { PermanentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Schema } from './schema.js';

/** What a migration run did: the names applied now and the total known. */
export interface MigrationReport {
  applied: string[];
  total: number;
}

/**
 * Brings the schema up to date. Safe to run from several processes at once: Kysely's migrator
 * holds a PostgreSQL advisory lock for the whole run, so replicas starting together apply each
 * migration exactly once. A database migrated by a newer overshare is refused, not altered.
 */
export async function migrateToLatest(db: Kysely<Schema>, log: Logger): Promise<MigrationReport> {
  const unknown = await findUnknownMigrations(db);
  if (unknown.length > 0) {
    throw new PermanentError(
      `The database was migrated by a newer overshare (it has migrations this version does not know: ${unknown.join(', ')}). ` +
        'Upgrade overshare, or point it at another database.',
    );
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'overshare_migrations',
    migrationLockTableName: 'overshare_migrations_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const message = (error as Error | undefined)?.message ?? 'unknown error';
    throw new PermanentError(
      `Migration ${failed?.migrationName ?? '(before any migration ran)'} failed: ${message}. ` +
        'Nothing of that migration was kept; fix the cause and run `overshare migrate` again.',
      { cause: error },
    );
  }
  const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
  const total = Object.keys(MIGRATIONS).length;
  if (applied.length > 0) log.info({ applied, total }, 'database migrated');
  return { applied, total };
}

async function findUnknownMigrations(db: Kysely<Schema>): Promise<string[]> {
  const { rows: tables } = await sql<{ table: string | null }>`select to_regclass('overshare_migrations')::text as table`.execute(db);
  if (!tables[0]?.table) return [];
  const { rows } = await sql<{ name: string }>`select name from overshare_migrations`.execute(db);
  return rows.map((row) => row.name).filter((name) => !(name in MIGRATIONS));
}
