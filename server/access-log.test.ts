import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/support/api-harness.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { seedAccount } from '../test/support/seed-findings.js';
import { ApiKeysRepository } from '../store/repositories/api-keys-repository.js';
import { accessLog, UNMATCHED_ROUTE } from './access-log.js';
import { accountsRoutes } from './api/routes/accounts-routes.js';
import { generateApiKey } from './auth/api-key-token.js';
import { createApp } from './create-app.js';
import { startServer, type RunningServer } from './start-server.js';

// The access log of a real app over the real API routes: one line per request, and nothing in it
// that identifies a credential, a cookie, a body or a query value.
describe('access log', () => {
  const captured = capturingLogger('info');
  const observed: Array<[string, string, number]> = [];
  let harness: ApiHarness;
  let server: RunningServer;
  let token: string;
  let keyId: string;
  let accountId: string;

  beforeAll(async () => {
    harness = await startApiHarness({ routes: [] });
    const user = await harness.createUser('admin');
    const key = generateApiKey();
    token = key.token;
    keyId = (await new ApiKeysRepository(harness.db).create({ name: 'log test', prefix: key.prefix, keyHash: key.hash, role: 'admin', scopes: [], createdBy: user.id, expiresAt: null })).id;
    accountId = (await seedAccount(harness.db)).id;
    const app = createApp({
      database: harness.database,
      log: captured.log,
      version: 'test',
      readinessTimeoutMs: 2_000,
      api: { services: harness.services, routes: accountsRoutes() },
      before: [accessLog(captured.log, { observeRequest: (method, route, status) => observed.push([method, route, status]) })],
    });
    server = await startServer(app, '127.0.0.1', 0, captured.log);
  });

  afterAll(async () => {
    await server.close(1_000);
    await harness.close();
  });

  const requestLines = () => captured.lines.filter((line) => line.msg === 'request');

  it('logs the route pattern, status, caller and a request id it echoes, and never the key, cookie or query values', async () => {
    const before = requestLines().length;
    const headers = { authorization: `Bearer ${token}`, cookie: 'overshare_session=secret-cookie-value', 'x-forwarded-for': '203.0.113.9' };
    const ok = await fetch(`${server.url}/api/v1/accounts/${accountId}?text=secret-query-value`, { headers });
    expect(ok.status).toBe(200);
    const body = await ok.text();
    const refusedResponse = await fetch(`${server.url}/api/v1/accounts?text=secret-query-value`, { headers });
    expect(refusedResponse.status).toBe(400); // the list takes no `text` filter
    await refusedResponse.text();

    const lines = requestLines().slice(before);
    expect(lines).toHaveLength(2);
    const [answered, refused] = lines as [Record<string, unknown>, Record<string, unknown>];
    expect(answered).toMatchObject({
      level: 30,
      method: 'GET',
      route: '/api/v1/accounts/:id',
      status: 200,
      bytes: Buffer.byteLength(body),
      actorType: 'api_key',
      actorId: keyId,
      ip: '127.0.0.1',
      requestId: ok.headers.get('x-request-id'),
    });
    expect(answered.durationMs).toEqual(expect.any(Number));
    // A route that threw still logs its pattern, though the error left the router before the reply.
    expect(refused).toMatchObject({ route: '/api/v1/accounts', status: 400 });
    expect(refused.requestId).toBe(refusedResponse.headers.get('x-request-id'));
    expect(refused.requestId).not.toBe(answered.requestId);

    const text = JSON.stringify(captured.lines);
    for (const secret of [token, token.slice(4, 16), 'secret-cookie-value', 'secret-query-value', 'text=', accountId, '203.0.113.9', 'Person ']) {
      expect(text).not.toContain(secret);
    }
    expect(observed.slice(-2)).toEqual([
      ['GET', '/api/v1/accounts/:id', 200],
      ['GET', '/api/v1/accounts', 400],
    ]);
  });

  it('logs the path without its query, and no caller, when no route matched', async () => {
    const before = requestLines().length;
    const response = await fetch(`${server.url}/nowhere/at-all?text=secret-query-value`);
    expect(response.status).toBe(404);
    await response.text();
    const [line] = requestLines().slice(before);
    expect(line).toMatchObject({ method: 'GET', path: '/nowhere/at-all', status: 404 });
    expect(line).not.toHaveProperty('route');
    expect(line).not.toHaveProperty('actorId');
    expect(JSON.stringify(line)).not.toContain('secret-query-value');
    expect(observed.at(-1)).toEqual(['GET', UNMATCHED_ROUTE, 404]);
  });

  it('logs a request refused for want of credentials with its status and no caller', async () => {
    const before = requestLines().length;
    const response = await fetch(`${server.url}/api/v1/accounts`, { headers: { authorization: 'Bearer osk_notakey_notasecret' } });
    expect(response.status).toBe(401);
    await response.text();
    const [line] = requestLines().slice(before);
    expect(line).toMatchObject({ route: '/api/v1/accounts', status: 401 });
    expect(line).not.toHaveProperty('actorType');
    expect(JSON.stringify(captured.lines)).not.toContain('notasecret');
  });
});
