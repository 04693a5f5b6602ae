import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { redactUrl } from '../core/config.js';
import { ConfigError, PermanentError, TransientError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseInt8 } from './parse-int8.js';
import { createPglitePool } from './pglite-pool.js';
import type { Schema } from './schema.js';

/** An open database: the Kysely handle plus what a health check and a shutdown need. */
export interface Database {
  readonly db: Kysely<Schema>;
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, with any password hidden: safe to log and to show. */
  readonly location: string;
  /** Resolves when a trivial query answers within `timeoutMs`; throws TransientError otherwise. */
  ping(timeoutMs: number): Promise<void>;
  /** Waits for work in flight, closes connections and releases the data-folder lock. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when unset, PGlite stores its files under `dataDir`. */
  url?: string | undefined;
  /** Folder for embedded data, or `memory` for a throwaway in-memory PGlite (tests). */
  dataDir: string;
  poolMax: number;
  connectTimeoutMs: number;
  /** 0 disables the statement timeout. */
  statementTimeoutMs: number;
}

const int8AsNumber: typeof pg.types.getTypeParser = (oid, format) =>
  oid === pg.types.builtins.INT8 ? parseInt8 : (pg.types.getTypeParser(oid, format) as (value: string) => unknown);

/**
 * Opens PostgreSQL (when `url` is set) or embedded PGlite, and proves the connection with one query.
 * The embedded folder is locked for this process: a second process gets a clear ConfigError
 * instead of corrupting the files.
 */
export async function openDatabase(options: OpenDatabaseOptions, log: Logger): Promise<Database> {
  const database = options.url ? openPostgres(options.url, options, log) : await openPglite(options, log);
  try {
    await database.ping(options.connectTimeoutMs);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  log.info({ database: database.kind, location: database.location }, 'database open');
  return database;
}

function openPostgres(url: string, options: OpenDatabaseOptions, log: Logger): Database {
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'overshare',
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    // Per pool, not pg.types.setTypeParser: other pg users in the process keep their parsing.
    types: { getTypeParser: int8AsNumber },
  });
  // An idle client losing its server emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', (error) => log.warn({ err: error, location }, 'idle PostgreSQL connection lost'));
  // A client checked out of the pool (between two queries of a job, say) emits 'error' on itself
  // when the server goes away (a restart): without a listener that kills the process. The query in
  // flight fails anyway, and the pool discards the dead client when it comes back.
  pool.on('connect', (client) => {
    client.on('error', (error) => log.warn({ err: error, location }, 'PostgreSQL connection lost while in use'));
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    location,
    ping: (timeoutMs) => ping(db, timeoutMs, `PostgreSQL at ${location}`),
    close: () => db.destroy(),
  };
}

async function openPglite(options: OpenDatabaseOptions, log: Logger): Promise<Database> {
  const isInMemory = options.dataDir === 'memory';
  const dataDir = isInMemory ? 'memory://' : path.join(options.dataDir, 'pgdata');
  let closeOnLockLoss: () => void = () => undefined;
  const releaseLock = isInMemory
    ? () => Promise.resolve()
    : await lockDataDir(options.dataDir, log, () => closeOnLockLoss());
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, { parsers: { [pgliteTypes.INT8]: parseInt8 } });
  } catch (error) {
    await releaseLock();
    throw new PermanentError(
      `Cannot open the embedded database in ${dataDir}: ${(error as Error).message}. ` +
        'If the folder was copied while overshare ran or belongs to another PGlite version, restore it from a backup ' +
        'or point OVERSHARE_DATA_DIR at an empty folder.',
      { cause: error },
    );
  }
  // Another process may own the folder once our lock is lost: writing on would corrupt it.
  closeOnLockLoss = () => void pglite.close().catch(() => undefined);
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: createPglitePool(pglite, options.connectTimeoutMs) }),
  });
  const location = isInMemory ? 'memory' : dataDir;
  return {
    db,
    kind: 'pglite',
    location,
    ping: (timeoutMs) => ping(db, timeoutMs, `the embedded database in ${location}`),
    close: async () => {
      try {
        await db.destroy();
      } finally {
        await releaseLock();
      }
    },
  };
}

async function lockDataDir(dataDir: string, log: Logger, onLost: () => void): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockfilePath = path.join(dataDir, 'overshare.lock');
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath,
      // The lock is refreshed every 5 s; one not refreshed for 20 s belongs to a dead process.
      stale: 20_000,
      update: 5_000,
      retries: 0,
      onCompromised: (error) => {
        log.error({ err: error, dataDir }, 'lost the data folder lock: closed the embedded database; restart overshare');
        onLost();
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new ConfigError(
        `The data folder ${dataDir} is in use by another overshare process (lock ${lockfilePath}). ` +
          'Stop that process, set OVERSHARE_DATA_DIR to another folder, or share one PostgreSQL with DATABASE_URL. ' +
          'If that process was killed, its lock expires 20 s after its last refresh: try again then.',
      );
    }
    throw new ConfigError(`Cannot lock the data folder ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
}

async function ping(db: Kysely<Schema>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TransientError(`${what} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } catch (error) {
    if (error instanceof TransientError) throw error;
    throw new TransientError(`Cannot reach ${what}: ${describeConnectionError(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function describeConnectionError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused. Is the server running, and is DATABASE_URL right?';
  if (code === 'ENOTFOUND') return 'host not found. Check the host name in DATABASE_URL.';
  if (code === '3D000') return `${message}. Create the database or fix DATABASE_URL.`;
  if (code === '28P01' || code === '28000') return `${message}. Check the user and password in DATABASE_URL.`;
  return message;
}
