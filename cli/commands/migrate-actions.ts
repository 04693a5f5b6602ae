import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { plural } from '../plural.js';
import { createCommandContext, openConfiguredDatabase } from '../command-context.js';

/** `migrate`: applies the migrations the configured database lacks and says which, or that the schema is up to date. */
export async function migrateDatabase(): Promise<void> {
  const context = createCommandContext('warn');
  const database = await openConfiguredDatabase(context);
  try {
    const report = await migrateToLatest(database.db, context.log);
    const where = `${database.kind === 'pglite' ? 'embedded database' : 'PostgreSQL'} ${database.location}`;
    console.log(
      report.applied.length === 0
        ? `Schema is up to date (${plural(report.total, 'migration')}) in ${where}.`
        : `Applied ${report.applied.length} of ${plural(report.total, 'migration')} (${report.applied.join(', ')}) in ${where}.`,
    );
  } finally {
    await database.close();
  }
}
