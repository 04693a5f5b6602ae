import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { defaultPolicy } from '../../core/load-policy.js';
import { createAddressGuard } from '../../crawler/net/address-guard.js';
import { createPipeline, type Pipeline } from '../../pipeline/create-pipeline.js';
import type { Actor } from '../../server/api/actor.js';
import type { AnyApiRoute } from '../../server/api/api-route.js';
import { apiRoutes } from '../../server/api/api-routes.js';
import type { ApiServices } from '../../server/api/api-services.js';
import { generateApiKey } from '../../server/auth/api-key-token.js';
import { createAuthenticator } from '../../server/auth/create-authenticator.js';
import { hashPassword } from '../../server/auth/password-hash.js';
import { createSecretBox } from '../../server/auth/secret-box.js';
import { createApp } from '../../server/create-app.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { migrateToLatest } from '../../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../../store/open-database.js';
import { ApiKeysRepository } from '../../store/repositories/api-keys-repository.js';
import { UsersRepository } from '../../store/repositories/users-repository.js';
import type { Role, Schema } from '../../store/schema.js';
import { capturingLogger } from './capturing-logger.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

/** A reply as tests read it: JSON parsed when the server sent JSON, text otherwise. */
export interface ApiReply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into replies freely
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

/** A caller with fixed credentials. `actor` says who it is (its user, for API-key callers the key's creator). */
export interface ApiClient {
  actor: { type: Actor['type']; id: string; userId: string | undefined; role: Role | undefined };
  request(method: string, path: string, options?: RequestOptions): Promise<ApiReply>;
  get(path: string, options?: RequestOptions): Promise<ApiReply>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<ApiReply>;
  patch(path: string, body?: unknown, options?: RequestOptions): Promise<ApiReply>;
  delete(path: string, options?: RequestOptions): Promise<ApiReply>;
}

export interface ApiHarness {
  url: string;
  services: ApiServices;
  db: Kysely<Schema>;
  database: Database;
  log: ReturnType<typeof capturingLogger>;
  /** A client with an API key of a fresh user of `role` (the key has every permission of the role). */
  as(role: Role, options?: { scopes?: string[]; expiresAt?: Date }): Promise<ApiClient>;
  /** A client signed in with a session cookie as a fresh user of `role`; unsafe methods send the CSRF token. */
  signedIn(role: Role): Promise<ApiClient>;
  /** A client with no credentials. */
  anonymous(): ApiClient;
  /** Makes a user with a password; returns its id. */
  createUser(role: Role, username?: string, password?: string): Promise<{ id: string; username: string; password: string }>;
  /** Moves the API's clock (sessions, keys, expiries); undefined goes back to the real clock. */
  setNow(date: Date | undefined): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  engine?: 'pglite' | 'postgres';
  /** Default: every route of the API. */
  routes?: readonly AnyApiRoute[];
  /** Builds an in-process pipeline (no workers started) as services.pipeline. */
  withPipeline?: boolean;
  /** Extra fields for the services (rules, policy). */
  services?: Partial<ApiServices>;
}

const SESSION_MAX_AGE_MS = 12 * 3_600_000;

/** The real API on 127.0.0.1 over a fresh PGlite or local PostgreSQL database, migrated. */
export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const captured = capturingLogger();
  const { log } = captured;
  let testDatabase: TestDatabase | undefined;
  if (options.engine === 'postgres') testDatabase = await createTestDatabase();
  const database = await openDatabase(
    { dataDir: 'memory', poolMax: 4, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000, ...(testDatabase ? { url: testDatabase.url } : {}) },
    log,
  );
  await migrateToLatest(database.db, log);
  const db = database.db;
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const policy = defaultPolicy().policy;
  const pipeline: Pipeline | undefined = options.withPipeline
    ? createPipeline({ db, settings: pipelineSettings(), retention: policy.retention, log })
    : undefined;
  const services: ApiServices = {
    db,
    database,
    log,
    version: '0.0.0-test',
    policy,
    rules: [],
    ...(pipeline ? { pipeline } : {}),
    secrets: createSecretBox(randomBytes(32)),
    addressGuard: createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] }),
    isSecure: false,
    authenticate: createAuthenticator({ db, log, now: clock, sessionIdleTimeoutMs: 3_600_000 }),
    now: clock,
    checkReplies: true,
    ...options.services,
  };
  const app = createApp({
    database,
    log,
    version: services.version,
    readinessTimeoutMs: 2_000,
    api: { services, routes: options.routes ?? apiRoutes({ sessionMaxAgeMs: SESSION_MAX_AGE_MS }) },
  });
  const server: RunningServer = await startServer(app, '127.0.0.1', 0, log);
  const users = new UsersRepository(db);
  let counter = 0;

  async function createUser(role: Role, username?: string, password?: string) {
    counter += 1;
    const name = username ?? `${role}-${counter}-${randomBytes(3).toString('hex')}`;
    const secret = password ?? `pw-${randomBytes(12).toString('hex')}`;
    const user = await users.create({ username: name, role, passwordHash: await hashPassword(secret) });
    return { id: user.id, username: user.username, password: secret };
  }

  function client(actor: ApiClient['actor'], credentials: () => Record<string, string>, unsafeHeaders: () => Record<string, string>): ApiClient {
    async function request(method: string, path: string, requestOptions: RequestOptions = {}): Promise<ApiReply> {
      const isUnsafe = !['GET', 'HEAD'].includes(method.toUpperCase());
      const headers: Record<string, string> = { ...credentials(), ...(isUnsafe ? unsafeHeaders() : {}), ...requestOptions.headers };
      let body: string | undefined;
      if (requestOptions.body !== undefined) {
        body = typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body);
        headers['content-type'] ??= typeof requestOptions.body === 'string' ? 'text/plain' : 'application/json';
      }
      const response = await fetch(`${server.url}${path}`, { method: method.toUpperCase(), headers, body });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, headers: response.headers, body: type.includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text };
    }
    return {
      actor,
      request,
      get: (path, o) => request('GET', path, o),
      post: (path, body, o) => request('POST', path, { ...o, body }),
      patch: (path, body, o) => request('PATCH', path, { ...o, body }),
      delete: (path, o) => request('DELETE', path, o),
    };
  }

  return {
    url: server.url,
    services,
    db,
    database,
    log: captured,
    createUser,
    async as(role, keyOptions = {}) {
      const user = await createUser(role);
      const key = generateApiKey();
      const stored = await new ApiKeysRepository(db).create({
        name: `${role} test key`,
        prefix: key.prefix,
        keyHash: key.hash,
        role,
        scopes: keyOptions.scopes ?? [],
        createdBy: user.id,
        expiresAt: keyOptions.expiresAt ?? null,
      });
      return client({ type: 'api_key', id: stored.id, userId: user.id, role }, () => ({ authorization: `Bearer ${key.token}` }), () => ({}));
    },
    async signedIn(role) {
      const user = await createUser(role);
      const response = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      if (response.status !== 200) throw new Error(`test login failed with ${response.status}: ${await response.text()}`);
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const { csrf_token: csrf } = (await response.json()) as { csrf_token: string };
      return client({ type: 'user', id: user.id, userId: user.id, role }, () => ({ cookie }), () => ({ 'x-csrf-token': csrf }));
    },
    anonymous: () => client({ type: 'user', id: '', userId: undefined, role: undefined }, () => ({}), () => ({})),
    setNow(date) {
      now = date;
    },
    async close() {
      await server.close(1_000);
      await pipeline?.close();
      await database.close();
      await testDatabase?.drop();
    },
  };
}

function pipelineSettings() {
  return {
    redisUrl: undefined,
    queuePrefix: 'overshare-test',
    collectConcurrency: 2,
    extractConcurrency: 1,
    analyzeConcurrency: 2,
    jobAttempts: 2,
    backoffBaseMs: 50,
    maxBackoffMs: 500,
    defaultSchedule: '24h',
    schedulerTickMs: 60_000,
  };
}
