import type { TestProject } from 'vitest/node';
import { ADMIN_DATABASE_URL, postgresUnavailableReason } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** True when the local PostgreSQL answers; its suites are skipped (loudly) otherwise. */
    isPostgresAvailable: boolean;
  }
}

/** Runs once before all tests: finds out whether PostgreSQL is here, and says so loudly if not. */
export default async function setup(project: TestProject): Promise<void> {
  const reason = await postgresUnavailableReason();
  project.provide('isPostgresAvailable', reason === null);
  if (reason !== null) {
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! PostgreSQL is NOT available at ${ADMIN_DATABASE_URL}: ${reason}\n` +
        '!! Every PostgreSQL suite is SKIPPED; only PGlite was tested. Start PostgreSQL (see README) or set\n' +
        `!! OVERSHARE_TEST_DATABASE_URL, and run the tests again.\n${bar}\n`,
    );
  }
}
