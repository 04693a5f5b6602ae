import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateApiKey } from '../server/auth/api-key-token.js';
import { ApiKeysRepository } from '../store/repositories/api-keys-repository.js';
import type { Role } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness, type ApiReply } from './support/api-harness.js';

interface UserBody {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  role: Role;
  disabled: boolean;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  generated_password?: string | null;
  revoked_api_keys?: { id: string; prefix: string }[];
}

interface ProblemBody {
  detail: string;
  issues?: { path: string; message: string }[];
}

const userOf = (reply: ApiReply) => reply.body as UserBody;
const problemOf = (reply: ApiReply) => reply.body as ProblemBody;

const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`users over the API on ${engine}`, () => {
    // One server and database for the file: every test makes its own users.
    let harness: ApiHarness;
    let admin: ApiClient;
    let counter = 0;
    const uniqueName = (base: string) => `${base}-${engine}-${(counter += 1)}`;

    beforeAll(async () => {
      harness = await startApiHarness({ engine });
      admin = await harness.signedIn('admin');
    });
    afterAll(async () => {
      await harness.close();
    });

    const login = (username: string, password: string) => harness.anonymous().post('/api/v1/auth/login', { username, password });
    const cookieOf = (reply: ApiReply) => (reply.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const auditOf = (userId: string) =>
      harness.db.selectFrom('audit_log').selectAll().where('target_type', '=', 'user').where('target_id', '=', userId).where('action', 'like', 'user.%').orderBy('id').execute();
    /** A key owned by `userId`, stored as `overshare keys create` would. */
    const keyOwnedBy = async (userId: string | null, role: Role, scopes: string[] = []) => {
      const key = generateApiKey();
      const stored = await new ApiKeysRepository(harness.db).create({ name: `key of ${userId ?? 'nobody'}`, prefix: key.prefix, keyHash: key.hash, role, scopes, createdBy: userId, expiresAt: null });
      return { id: stored.id, headers: { authorization: `Bearer ${key.token}` } };
    };

    it('lists every user with role, state and last sign-in, and never a password or its hash', async () => {
      const reviewer = await harness.createUser('reviewer');
      const reply = await admin.get('/api/v1/users');
      expect(reply.status).toBe(200);
      const listed = (reply.body as { items: UserBody[] }).items.find((user) => user.id === reviewer.id);
      expect(listed).toMatchObject({ username: reviewer.username, role: 'reviewer', disabled: false, last_login_at: null, display_name: null });
      const signedInAdmin = (reply.body as { items: UserBody[] }).items.find((user) => user.id === admin.actor.id);
      expect(signedInAdmin?.last_login_at).not.toBeNull();
      expect(JSON.stringify(reply.body)).not.toMatch(/scrypt|password/u);
      expect((await admin.get(`/api/v1/users/${reviewer.id}`)).body).toMatchObject({ id: reviewer.id, role: 'reviewer' });
    });

    it('refuses user management to every role but admin, to keys too', async () => {
      for (const role of ['reviewer', 'auditor', 'siem'] as const) {
        expect((await (await harness.signedIn(role)).get('/api/v1/users')).status, role).toBe(403);
        expect((await (await harness.as(role)).post('/api/v1/users', { username: uniqueName('nope'), role: 'siem' })).status, role).toBe(403);
      }
    });

    it('adds a user with the password given, who can then sign in with it, and audits it without the password', async () => {
      const username = uniqueName('jane');
      const created = await admin.post('/api/v1/users', { username, role: 'reviewer', password: 'correct horse battery staple', display_name: 'Jane Doe', email: 'jane@corp.example' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username, role: 'reviewer', disabled: false, display_name: 'Jane Doe', email: 'jane@corp.example', generated_password: null });
      expect((await login(username, 'correct horse battery staple')).status).toBe(200);
      const audit = await auditOf(userOf(created).id);
      expect(audit.map((entry) => entry.action)).toEqual(['user.created']);
      expect(audit[0]).toMatchObject({ actor_type: 'user', actor_id: admin.actor.id, details: { username, role: 'reviewer', is_password_generated: false } });
      expect(JSON.stringify(audit)).not.toContain('battery');
    });

    it('generates a password when none is given, shows it once, never stores the reply, and the password signs in', async () => {
      const username = uniqueName('gen');
      const headers = { 'idempotency-key': `create-${username}` };
      const created = await admin.post('/api/v1/users', { username, role: 'auditor' }, { headers });
      expect(created.status).toBe(201);
      const password = userOf(created).generated_password!;
      expect(password).toMatch(/^[\w-]{24}$/u);
      expect((await login(username, password)).status).toBe(200);
      // The same request again is not a replay of the stored reply: the name is taken now.
      const again = await admin.post('/api/v1/users', { username, role: 'auditor' }, { headers });
      expect(again.status).toBe(409);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      const stored = await harness.db.selectFrom('idempotency_keys').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(password);
      expect(JSON.stringify((await admin.get(`/api/v1/users/${userOf(created).id}`)).body)).not.toContain(password);
      expect(JSON.stringify(await harness.db.selectFrom('audit_log').select('details').execute())).not.toContain(password);
    });

    it('refuses a taken username regardless of case, a short password and a bad username, saying which', async () => {
      const existing = await harness.createUser('siem');
      const taken = await admin.post('/api/v1/users', { username: existing.username.toUpperCase(), role: 'siem' });
      expect(taken.status).toBe(409);
      expect(problemOf(taken).detail).toContain('is taken');
      const short = await admin.post('/api/v1/users', { username: uniqueName('short'), role: 'siem', password: 'hunter2' });
      expect(short.status).toBe(400);
      expect(problemOf(short).issues).toEqual([expect.objectContaining({ path: 'body.password', message: expect.stringContaining('at least 12 characters') })]);
      const badName = await admin.post('/api/v1/users', { username: 'has space', role: 'siem' });
      expect(badName.status).toBe(400);
      expect(problemOf(badName).issues?.[0]?.path).toBe('body.username');
    });

    it('changes a role, which the user’s open session follows at once, and audits it', async () => {
      const user = await harness.createUser('reviewer');
      const session = cookieOf(await login(user.username, user.password));
      const changed = await admin.patch(`/api/v1/users/${user.id}`, { role: 'auditor' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id: user.id, role: 'auditor', revoked_api_keys: [] });
      const seen = await harness.anonymous().get('/api/v1/auth/session', { headers: { cookie: session } });
      expect(seen.body.permissions).toContain('audit:read');
      expect(seen.body.permissions).not.toContain('findings:triage');
      const audit = await auditOf(user.id);
      expect(audit.at(-1)).toMatchObject({ action: 'user.role_changed', details: { from: 'reviewer', to: 'auditor' } });
    });

    it("disables a user: their session and API keys stop at once and sign-in is refused; enabling lets the keys work again", async () => {
      const user = await harness.createUser('reviewer');
      const session = cookieOf(await login(user.username, user.password));
      const key = await keyOwnedBy(user.id, 'reviewer');
      const before = await harness.anonymous().get('/api/v1/findings', key);
      expect(before.status).toBe(200);

      const disabled = await admin.patch(`/api/v1/users/${user.id}`, { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ disabled: true });
      expect((await harness.anonymous().get('/api/v1/auth/session', { headers: { cookie: session } })).status).toBe(401);
      expect(await harness.db.selectFrom('sessions').select('user_id').where('user_id', '=', user.id).execute()).toEqual([]);
      const refusedKey = await harness.anonymous().get('/api/v1/findings', key);
      expect(refusedKey.status).toBe(401);
      expect(problemOf(refusedKey).detail).toContain('disabled user');
      expect((await login(user.username, user.password)).status).toBe(401);

      const enabled = await admin.patch(`/api/v1/users/${user.id}`, { disabled: false });
      expect(enabled.body).toMatchObject({ disabled: false });
      expect((await harness.anonymous().get('/api/v1/findings', key)).status).toBe(200);
      expect((await auditOf(user.id)).map((entry) => entry.action)).toEqual(['user.disabled', 'user.enabled']);
    });

    it('changes nothing and audits nothing when the PATCH repeats what is stored', async () => {
      const user = await harness.createUser('siem');
      const reply = await admin.patch(`/api/v1/users/${user.id}`, { role: 'siem', disabled: false });
      expect(reply.status).toBe(200);
      expect(await auditOf(user.id)).toEqual([]);
    });

    it('refuses an empty PATCH and an unknown user', async () => {
      const user = await harness.createUser('siem');
      const empty = await admin.patch(`/api/v1/users/${user.id}`, {});
      expect(empty.status).toBe(400);
      expect(JSON.stringify(empty.body)).toContain('give at least one of role, disabled');
      expect((await admin.patch('/api/v1/users/00000000-0000-4000-8000-000000000000', { disabled: true })).status).toBe(404);
      expect((await admin.post('/api/v1/users/00000000-0000-4000-8000-000000000000/password')).status).toBe(404);
    });

    it('does not let an admin disable or demote themself, by session or by their own key', async () => {
      const self = await harness.signedIn('admin');
      for (const change of [{ disabled: true }, { role: 'reviewer' }]) {
        const reply = await self.patch(`/api/v1/users/${self.actor.id}`, change);
        expect(reply.status, JSON.stringify(change)).toBe(409);
        expect(problemOf(reply).detail).toContain('cannot disable or demote themselves');
      }
      const ownKey = await keyOwnedBy(self.actor.id, 'admin');
      expect((await harness.anonymous().patch(`/api/v1/users/${self.actor.id}`, { disabled: true }, ownKey)).status).toBe(409);
      expect((await admin.get(`/api/v1/users/${self.actor.id}`)).body).toMatchObject({ role: 'admin', disabled: false });
      expect(await auditOf(self.actor.id)).toEqual([]);
    });

    it('keeps the last enabled admin: neither disabled nor demoted, until another admin is enabled', async () => {
      // A key owned by nobody (made on the command line) is the only caller that is not itself an admin user.
      const cliKey = await keyOwnedBy(null, 'admin');
      const last = await harness.createUser('admin');
      await harness.db.updateTable('users').set({ is_active: false }).where('role', '=', 'admin').where('id', '<>', last.id).execute();
      try {
        for (const change of [{ disabled: true }, { role: 'siem' }]) {
          const reply = await harness.anonymous().patch(`/api/v1/users/${last.id}`, change, cliKey);
          expect(reply.status, JSON.stringify(change)).toBe(409);
          expect(problemOf(reply).detail).toContain('is the last enabled admin');
        }
        const other = await harness.createUser('admin');
        const demoted = await harness.anonymous().patch(`/api/v1/users/${last.id}`, { role: 'siem' }, cliKey);
        expect(demoted.status).toBe(200);
        // Now `other` is the last one.
        expect((await harness.anonymous().patch(`/api/v1/users/${other.id}`, { disabled: true }, cliKey)).status).toBe(409);
      } finally {
        await harness.db.updateTable('users').set({ is_active: true }).where('role', '=', 'admin').execute();
      }
    });

    it("revokes a demoted user's keys that the new role does not cover, and keeps the rest", async () => {
      const user = await harness.createUser('admin');
      const adminKey = await keyOwnedBy(user.id, 'admin');
      const siemKey = await keyOwnedBy(user.id, 'siem');
      const narrowAdminKey = await keyOwnedBy(user.id, 'admin', ['findings:read', 'session:self']);
      const reply = await admin.patch(`/api/v1/users/${user.id}`, { role: 'reviewer' });
      expect(reply.status).toBe(200);
      expect(userOf(reply).revoked_api_keys?.map((key) => key.id)).toEqual([adminKey.id]);
      expect((await harness.anonymous().get('/api/v1/users', adminKey)).status).toBe(401);
      expect((await harness.anonymous().get('/api/v1/findings', siemKey)).status).toBe(200);
      expect((await harness.anonymous().get('/api/v1/findings', narrowAdminKey)).status).toBe(200);
      const keyAudit = await harness.db.selectFrom('audit_log').selectAll().where('target_id', '=', adminKey.id).where('action', '=', 'api_key.revoked').execute();
      expect(keyAudit).toHaveLength(1);
      expect(keyAudit[0]?.details).toMatchObject({ reason: expect.stringContaining('became reviewer') });
    });

    it("sets a new generated password, shown once: the old one stops, the new one signs in, the user's sessions end", async () => {
      const user = await harness.createUser('reviewer');
      const session = cookieOf(await login(user.username, user.password));
      const reply = await admin.post(`/api/v1/users/${user.id}/password`, undefined, { headers: { 'idempotency-key': `reset-${user.id}` } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: user.id, username: user.username, ended_sessions: 1 });
      const password = (reply.body as { password: string }).password;
      expect(password).not.toBe(user.password);
      expect((await harness.anonymous().get('/api/v1/auth/session', { headers: { cookie: session } })).status).toBe(401);
      expect((await login(user.username, user.password)).status).toBe(401);
      expect((await login(user.username, password)).status).toBe(200);
      // A retry with the same key sets yet another password instead of replaying this one.
      const again = await admin.post(`/api/v1/users/${user.id}/password`, undefined, { headers: { 'idempotency-key': `reset-${user.id}` } });
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect((again.body as { password: string }).password).not.toBe(password);
      expect(JSON.stringify(await harness.db.selectFrom('idempotency_keys').selectAll().execute())).not.toContain(password);
      const audit = (await auditOf(user.id)).filter((entry) => entry.action === 'user.password_changed');
      expect(audit).toHaveLength(2);
      expect(audit[0]).toMatchObject({ actor_id: admin.actor.id, details: { is_password_generated: true, ended_sessions: 1 } });
      expect(JSON.stringify(audit)).not.toContain(password);
    });

    it('does not let a key narrowed to users:admin add, promote or take over a user who may do more than the key', async () => {
      const narrow = await harness.as('admin', { scopes: ['users:admin', 'findings:read', 'events:read', 'coverage:read', 'session:self'] });
      const adminUser = await harness.createUser('admin');
      const reviewer = await harness.createUser('reviewer');
      expect((await narrow.post('/api/v1/users', { username: uniqueName('boss'), role: 'admin' })).status).toBe(403);
      expect((await narrow.post(`/api/v1/users/${adminUser.id}/password`)).status).toBe(403);
      expect((await narrow.patch(`/api/v1/users/${reviewer.id}`, { role: 'admin' })).status).toBe(403);
      expect((await narrow.patch(`/api/v1/users/${reviewer.id}`, { disabled: true })).status).toBe(403);
      // What it holds it may hand out: the siem role is within its scopes.
      const siem = await narrow.post('/api/v1/users', { username: uniqueName('feed'), role: 'siem' });
      expect(siem.status).toBe(201);
      expect((await narrow.post(`/api/v1/users/${userOf(siem).id}/password`)).status).toBe(200);
    });

    // Only PostgreSQL runs two transactions at once; PGlite serialises them, so the race cannot happen there.
    if (engine === 'postgres') it('leaves an admin when two admins demote each other at the same moment', async () => {
      const [first, second] = [await harness.signedIn('admin'), await harness.signedIn('admin')];
      await harness.db.updateTable('users').set({ is_active: false }).where('role', '=', 'admin').where('id', 'not in', [first.actor.id, second.actor.id]).execute();
      try {
        const replies = await Promise.all([
          first.patch(`/api/v1/users/${second.actor.id}`, { role: 'reviewer' }),
          second.patch(`/api/v1/users/${first.actor.id}`, { role: 'reviewer' }),
        ]);
        const statuses = replies.map((reply) => reply.status);
        expect(statuses.filter((status) => status === 200), JSON.stringify(replies.map((reply) => reply.body as unknown))).toHaveLength(1);
        // The other was refused: as the last admin (409), or because its caller was no admin any more (403).
        expect(statuses.filter((status) => status === 409 || status === 403)).toHaveLength(1);
        const admins = await harness.db.selectFrom('users').select('id').where('role', '=', 'admin').where('is_active', '=', true).execute();
        expect(admins).toHaveLength(1);
      } finally {
        await harness.db.updateTable('users').set({ is_active: true }).where('role', '=', 'admin').execute();
      }
    });
  });
}
