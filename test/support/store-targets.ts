import { inject } from 'vitest';
import { openDatabase, type Database } from '../../store/open-database.js';
import type { Logger } from '../../core/logger.js';
import { createTestDatabase } from './postgres.js';

/** One database engine the store suites run against. */
export interface StoreTarget {
  name: 'PGlite' | 'PostgreSQL';
  isAvailable: boolean;
  /** Opens a fresh, empty database; `dispose` closes and removes it. */
  open: (log: Logger) => Promise<{ database: Database; dispose: () => Promise<void> }>;
}

const DATABASE_OPTIONS = { poolMax: 5, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 };

/** PGlite in memory always; the local PostgreSQL (a new database each time) when it runs. */
export function storeTargets(): StoreTarget[] {
  return [
    {
      name: 'PGlite',
      isAvailable: true,
      async open(log) {
        const database = await openDatabase({ ...DATABASE_OPTIONS, dataDir: 'memory' }, log);
        return { database, dispose: () => database.close() };
      },
    },
    {
      name: 'PostgreSQL',
      isAvailable: inject('isPostgresAvailable'),
      async open(log) {
        const testDatabase = await createTestDatabase();
        const database = await openDatabase({ ...DATABASE_OPTIONS, url: testDatabase.url, dataDir: 'unused' }, log);
        return {
          database,
          dispose: async () => {
            await database.close();
            await testDatabase.drop();
          },
        };
      },
    },
  ];
}
