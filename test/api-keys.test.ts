import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authRoutes } from '../server/api/routes/auth-routes.js';
import { keysRoutes } from '../server/api/routes/keys-routes.js';
import { hashApiKey } from '../server/auth/api-key-token.js';
import { UsersRepository } from '../store/repositories/users-repository.js';
import { startApiHarness, type ApiClient, type ApiHarness, type ApiReply } from './support/api-harness.js';

const DAY_MS = 24 * 3_600_000;

interface KeyBody {
  id: string;
  name: string;
  prefix: string;
  role: string;
  scopes: string[];
  owner_id: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  token: string;
}

interface ProblemBody {
  detail: string;
  issues: { path: string; message: string }[];
}

// The harness parses replies as `any`; each test says which shape it expects.
const keyOf = (reply: ApiReply) => reply.body as KeyBody;
const problemOf = (reply: ApiReply) => reply.body as ProblemBody;

describe('API keys over the API', () => {
  // One server and database for the file: every test makes its own users and keys.
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness({ routes: [...keysRoutes, ...authRoutes({ sessionMaxAgeMs: 3_600_000 })] });
  });
  afterAll(async () => {
    await harness.close();
  });
  afterEach(() => {
    harness.setNow(undefined);
  });

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const auditOf = (targetId: string) =>
    harness.db.selectFrom('audit_log').selectAll().where('target_type', '=', 'api_key').where('target_id', '=', targetId).orderBy('id').execute();

  it('creates a key owned by the signed-in admin, returns its token once, and the token works with the scopes given', async () => {
    const admin = await harness.signedIn('admin');
    const created = await admin.post('/api/v1/keys', { name: 'splunk-forwarder', role: 'siem', scopes: ['events:read', 'session:self'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'splunk-forwarder', role: 'siem', scopes: ['events:read', 'session:self'], owner_id: admin.actor.id, revoked_at: null });
    const token = keyOf(created).token;
    expect(token.startsWith(`${keyOf(created).prefix}_`)).toBe(true);
    // 365 days by default.
    expect(new Date(keyOf(created).expires_at!).getTime() - Date.now()).toBeGreaterThan(364 * DAY_MS);

    const session = await harness.anonymous().get('/api/v1/auth/session', bearer(token));
    expect(session.status).toBe(200);
    expect(session.body as unknown).toMatchObject({ actor_type: 'api_key', permissions: ['events:read', 'session:self'] });

    const stored = await harness.db.selectFrom('api_keys').selectAll().where('id', '=', keyOf(created).id).executeTakeFirstOrThrow();
    expect(stored.key_hash).toBe(hashApiKey(token));
    expect(stored.created_by).toBe(admin.actor.id);
  });

  it('lists keys without their tokens or hashes', async () => {
    const admin = await harness.as('admin');
    const created = await admin.post('/api/v1/keys', { name: 'listed key', role: 'auditor', expires_at: null });
    const listed = await admin.get('/api/v1/keys');
    expect(listed.status).toBe(200);
    const item = (listed.body as { items: KeyBody[] }).items.find((key) => key.id === keyOf(created).id);
    expect(item).toEqual({
      id: keyOf(created).id,
      name: 'listed key',
      prefix: keyOf(created).prefix,
      role: 'auditor',
      scopes: [],
      owner_id: admin.actor.userId,
      created_at: keyOf(created).created_at,
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
    });
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(keyOf(created).token);
    expect(text).not.toContain(hashApiKey(keyOf(created).token));
  });

  it('audits creation and revocation with prefix, role and scopes, never the token', async () => {
    const admin = await harness.signedIn('admin');
    const created = await admin.post('/api/v1/keys', { name: 'audited', role: 'reviewer', scopes: ['findings:read'] });
    expect((await admin.delete(`/api/v1/keys/${keyOf(created).id}`)).status).toBe(204);
    const entries = await auditOf(keyOf(created).id);
    expect(entries.map((entry) => entry.action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(entries[0]).toMatchObject({ actor_type: 'user', actor_id: admin.actor.id, details: { prefix: keyOf(created).prefix, role: 'reviewer', scopes: ['findings:read'] } });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(keyOf(created).token);
    expect(text).not.toContain(hashApiKey(keyOf(created).token));
  });

  it('refuses a scope the role lacks, listing what the role allows, and an unknown scope', async () => {
    const admin = await harness.as('admin');
    const lacking = await admin.post('/api/v1/keys', { name: 'too much', role: 'siem', scopes: ['events:read', 'evidence:reveal'] });
    expect(lacking.status).toBe(400);
    expect(problemOf(lacking).issues).toEqual([
      { path: 'body.scopes', message: 'the siem role does not grant evidence:reveal; it allows: findings:read, coverage:read, events:read, session:self' },
    ]);
    const unknown = await admin.post('/api/v1/keys', { name: 'typo', role: 'reviewer', scopes: ['finding:read'] });
    expect(unknown.status).toBe(400);
    expect(problemOf(unknown).issues[0]?.message).toMatch(/^"finding:read" is not a permission; the reviewer role allows: accounts:read, /u);
    expect(await harness.db.selectFrom('api_keys').select('id').where('name', 'in', ['too much', 'typo']).execute()).toEqual([]);
  });

  it('refuses an expiry in the past and keeps a key with no expiry working a decade on', async () => {
    const admin = await harness.as('admin');
    const past = await admin.post('/api/v1/keys', { name: 'stale', role: 'siem', expires_at: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(problemOf(past).issues[0]?.path).toBe('body.expires_at');

    const forever = await admin.post('/api/v1/keys', { name: 'forever', role: 'siem', expires_at: null });
    expect(keyOf(forever).expires_at).toBeNull();
    harness.setNow(new Date(Date.now() + 3_650 * DAY_MS));
    expect((await harness.anonymous().get('/api/v1/auth/session', bearer(keyOf(forever).token))).status).toBe(200);
  });

  it('stops a revoked key at once, refuses revoking it twice, and answers 404 for an unknown key', async () => {
    const admin = await harness.as('admin');
    const created = await admin.post('/api/v1/keys', { name: 'short-lived', role: 'auditor' });
    const token = keyOf(created).token;
    expect((await harness.anonymous().get('/api/v1/auth/session', bearer(token))).status).toBe(200);
    expect((await admin.delete(`/api/v1/keys/${keyOf(created).id}`)).status).toBe(204);

    const refused = await harness.anonymous().get('/api/v1/auth/session', bearer(token));
    expect(refused.status).toBe(401);
    expect(problemOf(refused).detail).toMatch(/revoked/u);
    const again = await admin.delete(`/api/v1/keys/${keyOf(created).id}`);
    expect(again.status).toBe(409);
    expect(problemOf(again).detail).toContain(`${keyOf(created).prefix} was already revoked`);
    expect((await admin.delete('/api/v1/keys/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('stops the keys of a user who is disabled, and lets them work again when re-enabled', async () => {
    const admin = await harness.signedIn('admin');
    const created = await admin.post('/api/v1/keys', { name: 'owned', role: 'siem' });
    const token = keyOf(created).token;
    const users = new UsersRepository(harness.db);
    await users.setActive(admin.actor.id, false);
    const refused = await harness.anonymous().get('/api/v1/auth/session', bearer(token));
    expect(refused.status).toBe(401);
    expect(problemOf(refused).detail).toMatch(/disabled user/u);
    await users.setActive(admin.actor.id, true);
    expect((await harness.anonymous().get('/api/v1/auth/session', bearer(token))).status).toBe(200);
  });

  it('refuses key management to every role but admin', async () => {
    for (const role of ['reviewer', 'auditor', 'siem'] as const) {
      const client: ApiClient = await harness.as(role);
      expect((await client.get('/api/v1/keys')).status, role).toBe(403);
      expect((await client.post('/api/v1/keys', { name: 'x', role: 'siem' })).status, role).toBe(403);
    }
  });

  it('does not let a key narrowed to keys:admin mint a key with more than it holds', async () => {
    const narrow = await harness.as('admin', { scopes: ['keys:admin'] });
    const wider = await narrow.post('/api/v1/keys', { name: 'escalation', role: 'admin' });
    expect(wider.status).toBe(403);
    expect(problemOf(wider).detail).toContain('accounts:read');
    const same = await narrow.post('/api/v1/keys', { name: 'peer', role: 'admin', scopes: ['keys:admin'] });
    expect(same.status).toBe(201);
    // Owned by the user behind the key that made it.
    expect(keyOf(same).owner_id).toBe(narrow.actor.userId);
  });
});
