import type { PGlite } from '@electric-sql/pglite';
import { E_TIMEOUT, Mutex, withTimeout } from 'async-mutex';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { PermanentError, TransientError } from '../core/errors.js';

/**
 * Presents one PGlite instance as a node-postgres-style pool of a single connection, so Kysely's
 * own PostgresDialect drives PGlite exactly as it drives PostgreSQL (transactions, savepoints).
 * PGlite is one session: a transaction must own it from BEGIN to COMMIT, so `connect()` waits
 * for the previous holder to `release()`. A wait longer than `acquireTimeoutMs` (most often a
 * query run on the pool from inside a transaction) fails instead of hanging.
 */
export function createPglitePool(pglite: PGlite, acquireTimeoutMs: number): PostgresPool {
  const session = withTimeout(new Mutex(), acquireTimeoutMs);
  let isClosing = false;
  return {
    async connect(): Promise<PostgresPoolClient> {
      if (isClosing) throw new PermanentError('The embedded database is closing; no new work is taken.');
      let release: () => void;
      try {
        release = await session.acquire();
      } catch (error) {
        if (error === E_TIMEOUT) {
          throw new TransientError(
            `The embedded database stayed busy for ${acquireTimeoutMs} ms. If this repeats, a query is being ` +
              'run outside its transaction; otherwise raise DATABASE_CONNECT_TIMEOUT_MS.',
          );
        }
        throw error;
      }
      let isReleased = false;
      return {
        query: (async <R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
          const result = await pglite.query<R>(sql, [...parameters]);
          // PGlite does not say which command ran. Kysely reads `command` only to take rowCount as
          // "rows affected", and reads that only for INSERT, UPDATE and DELETE queries.
          return { command: 'UPDATE', rowCount: result.affectedRows ?? 0, rows: result.rows };
        }) as PostgresPoolClient['query'],
        release(): void {
          if (isReleased) return;
          isReleased = true;
          release();
        },
      };
    },
    async end(): Promise<void> {
      // Refuse new work, let the holder in flight finish (bounded by the acquire timeout, so a
      // stuck transaction cannot keep the process alive for ever), then close.
      isClosing = true;
      await session.waitForUnlock().catch(() => undefined);
      await pglite.close();
    },
  };
}
