import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

describe('API sign-in, sessions and keys', () => {
  // One server and database for the file: every test makes its own users and keys.
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness();
  });
  afterAll(async () => {
    await harness.close();
  });
  afterEach(() => {
    harness.setNow(undefined);
  });

  it('signs in with a password, sets an HttpOnly SameSite cookie and returns a CSRF token', async () => {
    const user = await harness.createUser('reviewer');
    const response = await fetch(`${harness.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username.toUpperCase(), password: user.password }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^overshare_session=[\w-]{43};/u);
    expect(cookie).toMatch(/HttpOnly/u);
    expect(cookie).toMatch(/SameSite=Strict/u);
    expect(cookie).not.toMatch(/Secure/u);
    const body = (await response.json()) as { csrf_token: string; user: { role: string } };
    expect(body.user.role).toBe('reviewer');
    expect(body.csrf_token).toMatch(/^[\w-]{32}$/u);
  });

  it('answers a wrong password and an unknown user alike with 401', async () => {
    const user = await harness.createUser('admin');
    const anonymous = harness.anonymous();
    const wrong = await anonymous.post('/api/v1/auth/login', { username: user.username, password: 'not the password' });
    const unknown = await anonymous.post('/api/v1/auth/login', { username: 'nobody-here', password: 'whatever it is' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('refuses a sixth failed sign-in for one username within 15 minutes with 429 and Retry-After, even with the right password', async () => {
    const user = await harness.createUser('admin');
    const anonymous = harness.anonymous();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await anonymous.post('/api/v1/auth/login', { username: user.username, password: `wrong ${attempt}` })).status).toBe(401);
    }
    const limited = await anonymous.post('/api/v1/auth/login', { username: user.username, password: user.password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    harness.setNow(new Date(Date.now() + 16 * 60_000));
    expect((await anonymous.post('/api/v1/auth/login', { username: user.username, password: user.password })).status).toBe(200);
  });

  it('signs in a user whose name PostgreSQL and JavaScript lower-case differently, typed exactly or in another case', async () => {
    // PostgreSQL folds the final Σ to σ and İ to i; JavaScript gives ς and i + combining dot.
    const greek = await harness.createUser('reviewer', 'ΓΙΏΡΓΟΣ');
    const turkish = await harness.createUser('reviewer', 'İREM');
    const anonymous = harness.anonymous();
    for (const username of ['ΓΙΏΡΓΟΣ', 'γιώργοσ', 'ΓιώργοΣ']) {
      const reply = await anonymous.post('/api/v1/auth/login', { username, password: greek.password });
      expect({ username, status: reply.status }).toEqual({ username, status: 200 });
    }
    for (const username of ['İREM', 'irem', 'İrem']) {
      const reply = await anonymous.post('/api/v1/auth/login', { username, password: turkish.password });
      expect({ username, status: reply.status }).toEqual({ username, status: 200 });
    }
  });

  it('counts failed sign-ins typed in any case against one username and refuses from the sixth on', async () => {
    await harness.db.deleteFrom('login_failures').execute();
    const user = await harness.createUser('admin', 'ΝΊΚΟΣ');
    const anonymous = harness.anonymous();
    const forms = ['ΝΊΚΟΣ', 'νίκοσ', 'ΝίκοΣ', 'νΊΚΟσ'];
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      statuses.push((await anonymous.post('/api/v1/auth/login', { username: forms[attempt % forms.length], password: `wrong ${attempt}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await anonymous.post('/api/v1/auth/login', { username: user.username, password: user.password })).status).toBe(429);
  });

  it('lets no more than five of fifteen simultaneous wrong sign-ins for one username reach the password check', async () => {
    await harness.db.deleteFrom('login_failures').execute();
    const user = await harness.createUser('admin');
    const anonymous = harness.anonymous();
    const replies = await Promise.all(
      Array.from({ length: 15 }, (_, attempt) => anonymous.post('/api/v1/auth/login', { username: user.username, password: `wrong ${attempt}` })),
    );
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10);
  });

  it('needs the CSRF token for unsafe requests made with the session cookie', async () => {
    const client = await harness.signedIn('reviewer');
    const withToken = await client.post('/api/v1/auth/logout');
    expect(withToken.status).toBe(204);
    const again = await harness.signedIn('reviewer');
    const withoutToken = await again.post('/api/v1/auth/logout', undefined, { headers: { 'x-csrf-token': 'forged' } });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.detail).toMatch(/X-CSRF-Token/u);
  });

  it('ends a session on logout and after the idle timeout', async () => {
    const client = await harness.signedIn('auditor');
    expect((await client.get('/api/v1/auth/session')).status).toBe(200);
    harness.setNow(new Date(Date.now() + 61 * 60_000));
    const idle = await client.get('/api/v1/auth/session');
    expect(idle.status).toBe(401);
    expect(idle.body.detail).toMatch(/session has ended/u);
  });

  it('accepts an API key, refuses it once revoked or expired, and audits every use', async () => {
    const client = await harness.as('siem');
    const session = await client.get('/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ actor_type: 'api_key', csrf_token: null, permissions: ['coverage:read', 'events:read', 'findings:read', 'session:self'] });
    const uses = await harness.db.selectFrom('audit_log').selectAll().where('action', '=', 'api_key.used').execute();
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ actor_type: 'api_key', actor_id: client.actor.id, target_id: 'GET /api/v1/auth/session' });

    await harness.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', client.actor.id).execute();
    const revoked = await client.get('/api/v1/auth/session');
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/revoked/u);

    const expiring = await harness.as('siem', { expiresAt: new Date(Date.now() + 60_000) });
    harness.setNow(new Date(Date.now() + 120_000));
    expect((await expiring.get('/api/v1/auth/session')).body.detail).toMatch(/expired/u);
  });

  it('refuses a malformed Authorization header and an unknown key without saying which part was wrong', async () => {
    const anonymous = harness.anonymous();
    const basic = await anonymous.get('/api/v1/auth/session', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toMatch(/^Bearer/u);
    const unknown = await anonymous.get('/api/v1/auth/session', { headers: { authorization: `Bearer osk_abcdefghij_${'A'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toMatch(/not valid/u);
    expect((await anonymous.get('/api/v1/auth/session')).status).toBe(401);
  });

  it('narrows a key to its scopes', async () => {
    const client = await harness.as('admin', { scopes: ['events:read', 'session:self'] });
    const session = await client.get('/api/v1/auth/session');
    expect(session.body.permissions).toEqual(['events:read', 'session:self']);
  });
});
