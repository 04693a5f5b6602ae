import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/support/private-postgres.js';
import { openDatabase, type Database } from './open-database.js';

// A PostgreSQL restart must cost the queries in flight, never the process: a connection checked
// out of the pool emits 'error' on itself when the server goes, and an unheard 'error' is fatal.
describe('a PostgreSQL database whose server restarts', () => {
  const { log, lines } = capturingLogger('warn');
  let postgres: PrivatePostgres;
  let database: Database;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    database = await openDatabase({ url: postgres.url, dataDir: 'unused', poolMax: 2, connectTimeoutMs: 3_000, statementTimeoutMs: 10_000 }, log);
  }, 60_000);
  afterAll(async () => {
    await database.close();
    await postgres.dispose();
  });

  it('survives losing a connection in use, fails that work, and answers again once the server is back', async () => {
    const inUse = database.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // The server goes away while this transaction holds its connection between two queries.
      await postgres.stop({ mode: 'immediate' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`select 2`.execute(trx);
    });
    await expect(inUse).rejects.toThrow();
    expect(lines.some((line) => line.msg === 'PostgreSQL connection lost while in use')).toBe(true);
    await postgres.start();
    const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(database.db);
    expect(rows).toEqual([{ answer: 42 }]);
  }, 60_000);
});
