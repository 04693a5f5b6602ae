import { randomBytes } from 'node:crypto';
import { defaultPolicy } from '../../core/load-policy.js';
import { createLogger } from '../../core/logger.js';
import { createAddressGuard } from '../../crawler/net/address-guard.js';
import { apiRoutes } from '../../server/api/api-routes.js';
import type { ApiServices } from '../../server/api/api-services.js';
import { generateApiKey } from '../../server/auth/api-key-token.js';
import { createAuthenticator } from '../../server/auth/create-authenticator.js';
import { createSecretBox } from '../../server/auth/secret-box.js';
import { createApp } from '../../server/create-app.js';
import { startServer } from '../../server/start-server.js';
import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../../store/open-database.js';
import { ApiKeysRepository } from '../../store/repositories/api-keys-repository.js';
import type { Role } from '../../store/schema.js';
import { createTestDatabase } from '../../test/support/postgres.js';

/** The API as `overshare serve` builds it, on a fresh local PostgreSQL database. */
export interface BenchApi {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  database: Database;
  services: ApiServices;
  /** A new API key (`Bearer osk_…`) of a new user of `role`. */
  apiKey(role: Role): Promise<string>;
  close(): Promise<void>;
}

/** Silent: a log line per request would measure the terminal, not the API. */
export const BENCH_LOG = createLogger({ level: 'silent' });

/**
 * Starts the whole API (every route, API-key authentication with its audit row per request, no
 * reply checking) on 127.0.0.1 over a fresh, migrated PostgreSQL database with the production
 * pool settings (10 connections, 60 s statement timeout), as cli/open-api.ts builds it.
 */
export async function startBenchApi(): Promise<BenchApi> {
  const testDatabase = await createTestDatabase();
  const database = await openDatabase({ url: testDatabase.url, dataDir: 'unused', poolMax: 10, connectTimeoutMs: 10_000, statementTimeoutMs: 60_000 }, BENCH_LOG);
  try {
    await migrateToLatest(database.db, BENCH_LOG);
  } catch (error) {
    await database.close();
    await testDatabase.drop();
    throw error;
  }
  const db = database.db;
  const services: ApiServices = {
    db,
    database,
    log: BENCH_LOG,
    version: '0.0.0-bench',
    policy: defaultPolicy().policy,
    rules: [],
    secrets: createSecretBox(randomBytes(32)),
    // Sinks of the delivery benchmark listen on 127.0.0.1, as SINK_ALLOWED_PRIVATE_HOSTS would allow.
    addressGuard: createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] }),
    isSecure: false,
    authenticate: createAuthenticator({ db, log: BENCH_LOG, now: () => new Date(), sessionIdleTimeoutMs: 3_600_000 }),
    now: () => new Date(),
  };
  const app = createApp({ database, log: BENCH_LOG, version: services.version, readinessTimeoutMs: 2_000, api: { services, routes: apiRoutes({ sessionMaxAgeMs: 12 * 3_600_000 }) } });
  const server = await startServer(app, '127.0.0.1', 0, BENCH_LOG);
  let keys = 0;
  return {
    url: server.url,
    database,
    services,
    async apiKey(role) {
      keys += 1;
      const user = await db
        .insertInto('users')
        .values({ username: `bench-${role}-${String(keys)}`, role, password_hash: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const key = generateApiKey();
      await new ApiKeysRepository(db).create({ name: `bench ${role}`, prefix: key.prefix, keyHash: key.hash, role, scopes: [], createdBy: user.id, expiresAt: null });
      return key.token;
    },
    async close() {
      await server.close(1_000);
      await database.close();
      await testDatabase.drop();
    },
  };
}
