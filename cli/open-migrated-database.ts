import type { Database } from '../store/open-database.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openConfiguredDatabase, type CommandContext } from './command-context.js';

/**
 * Opens the configured database with its schema brought up to date (as `serve` does at start), so a
 * command that reads or writes data works on a fresh data folder too. The database is closed again
 * when migrating fails; otherwise the caller closes it.
 */
export async function openMigratedDatabase(context: CommandContext): Promise<Database> {
  const database = await openConfiguredDatabase(context);
  try {
    await migrateToLatest(database.db, context.log.child({ module: 'migrate' }));
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
