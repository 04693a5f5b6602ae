import { Command } from 'commander';

/** `overshare migrate`: brings the database schema up to date (also done by `serve` at start). */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply database migrations (PostgreSQL with DATABASE_URL, else the embedded database)')
    .action(async () => (await import('./migrate-actions.js')).migrateDatabase());
}
