import { afterEach, describe, expect, inject, it } from 'vitest';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { createApp } from './create-app.js';
import { startServer, type RunningServer } from './start-server.js';

const OPTIONS = { poolMax: 2, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 };

describe('health endpoints', () => {
  const { log } = capturingLogger();
  let database: Database | undefined;
  let server: RunningServer | undefined;
  let testDatabase: TestDatabase | undefined;

  afterEach(async () => {
    await server?.close(1_000);
    await database?.close();
    await testDatabase?.drop();
    [server, database, testDatabase] = [undefined, undefined, undefined];
  });

  async function serve(opened: Database): Promise<string> {
    database = opened;
    const app = createApp({ database: opened, log, version: '9.9.9', readinessTimeoutMs: 1_000 });
    server = await startServer(app, '127.0.0.1', 0, log);
    return server.url;
  }

  it('answers /healthz with the version while the process runs', async () => {
    const url = await serve(await openDatabase({ ...OPTIONS, dataDir: 'memory' }, log));
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', version: '9.9.9' });
  });

  it('answers /readyz with the embedded database up', async () => {
    const url = await serve(await openDatabase({ ...OPTIONS, dataDir: 'memory' }, log));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up', kind: 'pglite' } } });
  });

  it('answers an unknown route with a problem+json 404 and safe headers', async () => {
    const url = await serve(await openDatabase({ ...OPTIONS, dataDir: 'memory' }, log));
    const response = await fetch(`${url}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/u);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found', detail: 'No route for GET /no/such/route.' });
  });

  it.skipIf(!inject('isPostgresAvailable'))(
    'answers /readyz 200 while PostgreSQL is up and 503 with Retry-After once its database is gone',
    async () => {
      testDatabase = await createTestDatabase();
      const url = await serve(await openDatabase({ ...OPTIONS, url: testDatabase.url, dataDir: 'unused' }, log));
      const up = await fetch(`${url}/readyz`);
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ checks: { database: { status: 'up', kind: 'postgres' } } });

      await testDatabase.drop();
      const down = await fetch(`${url}/readyz`);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      const problem = (await down.json()) as { detail: string; checks: unknown };
      expect(problem.checks).toEqual({ database: { status: 'down', kind: 'postgres' } });
      expect(problem.detail).toBe('The database did not answer; the reason is in the server log.');
      expect(JSON.stringify(problem)).not.toContain(testDatabase.name);
      testDatabase = undefined;
    },
  );
});
