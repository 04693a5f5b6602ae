import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findingTriageRoutes } from '../server/api/routes/finding-triage-routes.js';
import { findingsRoutes } from '../server/api/routes/findings-routes.js';
import { authRoutes } from '../server/api/routes/auth-routes.js';
import type { Finding } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedFinding } from './support/seed-findings.js';

const ROUTES = [...findingsRoutes(), ...findingTriageRoutes(), ...authRoutes({ sessionMaxAgeMs: 3_600_000 })];
const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];
const NOW = new Date('2026-11-10T12:00:00Z');

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`triage over the API on ${engine}`, () => {
    let harness: ApiHarness;
    let reviewer: ApiClient;

    beforeAll(async () => {
      harness = await startApiHarness({ engine, routes: ROUTES });
      harness.setNow(NOW);
      reviewer = await harness.as('reviewer');
    });
    afterAll(async () => harness.close());

    const counts = async (findingId: string) => ({
      events: (await harness.db.selectFrom('finding_events').select('seq').where('finding_id', '=', findingId).execute()).length,
      audit: (await harness.db.selectFrom('audit_log').select('id').where('target_id', '=', findingId).execute()).length,
    });
    const transition = (finding: Finding, body: Record<string, unknown>, headers: Record<string, string> = {}, client = reviewer) =>
      client.post(`/api/v1/findings/${finding.id}/transition`, body, { headers });

    it('moves a finding with one event and one audit entry, and answers the new version', async () => {
      const finding = await seedFinding(harness.db);
      const reply = await transition(finding, { to: 'in_review' });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: finding.id, state: 'in_review', version: 2, updated_at: NOW.toISOString() });
      expect(await counts(finding.id)).toEqual({ events: 2, audit: 1 });
      const resolved = await transition(finding, { to: 'resolved', resolution: 'confirmed_leak' });
      expect(resolved.body).toMatchObject({ state: 'resolved', resolution: 'confirmed_leak', resolved_by: `api_key:${reviewer.actor.id}`, version: 3 });
      expect(await counts(finding.id)).toEqual({ events: 3, audit: 2 });
    });

    it('answers 409 naming the allowed next states for a transition not allowed from here', async () => {
      const finding = await seedFinding(harness.db);
      const reply = await transition(finding, { to: 'reopened' });
      expect(reply.status).toBe(409);
      expect(reply.body.detail).toMatch(/from new it can go to in_review or resolved/u);
      expect(await counts(finding.id)).toEqual({ events: 1, audit: 0 });
    });

    it('answers 400 at the body field for a missing resolution, comment or expiry', async () => {
      const finding = await seedFinding(harness.db);
      const cases: [Record<string, unknown>, string][] = [
        [{ to: 'resolved' }, 'body.resolution'],
        [{ to: 'resolved', resolution: 'false_positive' }, 'body.comment'],
        [{ to: 'resolved', resolution: 'accepted_risk', comment: 'ok' }, 'body.expires_at'],
        [{ to: 'resolved', resolution: 'accepted_risk', comment: 'ok', expires_at: '2026-11-09T00:00:00Z' }, 'body.expires_at'],
        [{ to: 'resolved', resolution: 'accepted_risk', comment: 'ok', expires_at: '2029-01-01T00:00:00Z' }, 'body.expires_at'],
        [{ to: 'resolved', resolution: 'duplicate', duplicate_of: randomUUID() }, 'body.duplicate_of'],
        [{ to: 'in_review', colour: 'red' }, 'body'],
      ];
      for (const [body, path] of cases) {
        const reply = await transition(finding, body);
        expect(reply.status, JSON.stringify(body)).toBe(400);
        expect(reply.body.issues.map((issue: { path: string }) => issue.path), JSON.stringify(body)).toContain(path);
      }
      expect(await counts(finding.id)).toEqual({ events: 1, audit: 0 });
      // The clean neighbour: the same risk, explained and due in a year, goes through.
      const accepted = await transition(finding, { to: 'resolved', resolution: 'accepted_risk', comment: 'Public demo key.', expires_at: '2027-11-10T12:00:00Z' });
      expect(accepted.body).toMatchObject({ resolution: 'accepted_risk', resolution_expires_at: '2027-11-10T12:00:00.000Z' });
      const comments = await reviewer.get(`/api/v1/findings/${finding.id}/comments`);
      expect(comments.body).toMatchObject({ items: [{ body: 'Public demo key.', author: { type: 'api_key', id: reviewer.actor.id } }], next_cursor: null });
    });

    it('answers 412 for a stale If-Match or body version and changes nothing', async () => {
      const finding = await seedFinding(harness.db);
      expect((await transition(finding, { to: 'in_review' }, { 'if-match': '"2"' })).status).toBe(412);
      expect((await transition(finding, { to: 'in_review', version: 3 })).status).toBe(412);
      expect(await counts(finding.id)).toEqual({ events: 1, audit: 0 });
      expect((await transition(finding, { to: 'in_review' }, { 'if-match': 'soon' })).status).toBe(400);
      expect((await transition(finding, { to: 'in_review', version: 1 }, { 'if-match': '"2"' })).status).toBe(400);
      expect((await transition(finding, { to: 'in_review' }, { 'if-match': 'W/"1"' })).status).toBe(200);
      const assigned = await reviewer.post(`/api/v1/findings/${finding.id}/assign`, { assignee_id: null, version: 1 });
      expect(assigned.status).toBe(412);
    });

    it('replays a transition sent again with the same Idempotency-Key, without a second event', async () => {
      const finding = await seedFinding(harness.db);
      const headers = { 'idempotency-key': `t-${finding.id}` };
      const first = await transition(finding, { to: 'in_review' }, headers);
      const second = await transition(finding, { to: 'in_review' }, headers);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await counts(finding.id)).toEqual({ events: 2, audit: 1 });
      // Without the key the same request is a new one, and from in_review it is refused.
      expect((await transition(finding, { to: 'in_review' })).status).toBe(409);
    });

    it('assigns to an active reviewer or admin, refuses others, and unassigns', async () => {
      const finding = await seedFinding(harness.db);
      const admin = await harness.createUser('admin');
      const auditor = await harness.createUser('auditor');
      const assigned = await reviewer.post(`/api/v1/findings/${finding.id}/assign`, { assignee_id: admin.id });
      expect(assigned.body).toMatchObject({ assignee: { id: admin.id, name: admin.username }, version: 2 });
      const refused = await reviewer.post(`/api/v1/findings/${finding.id}/assign`, { assignee_id: auditor.id });
      expect(refused.status).toBe(400);
      expect(refused.body.issues).toMatchObject([{ path: 'body.assignee_id' }]);
      expect((await reviewer.post(`/api/v1/findings/${finding.id}/assign`, { assignee_id: null })).body).toMatchObject({ assignee: null, version: 3 });
      expect(await counts(finding.id)).toEqual({ events: 3, audit: 2 });
    });

    it('assigns to me: the signed-in user, or the creator of an API key', async () => {
      const finding = await seedFinding(harness.db);
      const mine = await reviewer.post(`/api/v1/findings/${finding.id}/assign-to-me`);
      expect(mine.body.assignee.id).toBe(reviewer.actor.userId);
      const signedIn = await harness.signedIn('reviewer');
      const theirs = await signedIn.post(`/api/v1/findings/${finding.id}/assign-to-me`);
      expect(theirs.status).toBe(200);
      expect(theirs.body.assignee.id).toBe(signedIn.actor.userId);
      const entry = await harness.db.selectFrom('audit_log').selectAll().where('target_id', '=', finding.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ actor_type: 'user', actor_id: signedIn.actor.userId, action: 'finding.assigned' });
    });

    it('answers 409 to assign-to-me from an API key whose creator is gone', async () => {
      const finding = await seedFinding(harness.db);
      const orphan = await harness.as('reviewer');
      await harness.db.deleteFrom('users').where('id', '=', orphan.actor.userId!).execute();
      const reply = await orphan.post(`/api/v1/findings/${finding.id}/assign-to-me`);
      expect(reply.status).toBe(409);
      expect(reply.body.detail).toMatch(/no user behind it/u);
    });

    it('adds comments without a new version or event, audited, and lists them', async () => {
      const finding = await seedFinding(harness.db);
      const added = await reviewer.post(`/api/v1/findings/${finding.id}/comments`, { body: 'Owner says it is a mock-up.' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ body: 'Owner says it is a mock-up.', author: { type: 'api_key', id: reviewer.actor.id } });
      expect((await reviewer.post(`/api/v1/findings/${finding.id}/comments`, { body: '' })).status).toBe(400);
      expect((await reviewer.post(`/api/v1/findings/${randomUUID()}/comments`, { body: 'x' })).status).toBe(404);
      expect((await reviewer.get(`/api/v1/findings/${randomUUID()}/comments`)).status).toBe(404);
      expect(await counts(finding.id)).toEqual({ events: 1, audit: 1 });
      expect((await reviewer.get(`/api/v1/findings/${finding.id}`)).body.version).toBe(1);
      expect((await reviewer.get(`/api/v1/findings/${finding.id}/comments`)).body.items).toHaveLength(1);
    });

    it('changes each finding of a bulk request on its own: a refused or unknown one leaves the others changed', async () => {
      const [a, b, done] = [await seedFinding(harness.db), await seedFinding(harness.db), await seedFinding(harness.db)];
      await transition(done, { to: 'in_review' });
      const missing = randomUUID();
      const reply = await reviewer.post('/api/v1/findings/bulk', { action: 'transition', ids: [a.id, done.id, missing, b.id], to: 'in_review' });
      expect(reply.status).toBe(200);
      expect(reply.body.results).toMatchObject([
        { id: a.id, status: 'ok' },
        { id: done.id, status: 'error', error: { status: 409, title: 'Conflict', detail: expect.stringMatching(/from in_review it can go to resolved/u) as string } },
        { id: missing, status: 'error', error: { status: 404 } },
        { id: b.id, status: 'ok' },
      ]);
      expect(await counts(a.id)).toEqual({ events: 2, audit: 1 });
      expect(await counts(b.id)).toEqual({ events: 2, audit: 1 });
      expect(await counts(done.id)).toEqual({ events: 2, audit: 1 });
      const assigned = await reviewer.post('/api/v1/findings/bulk', { action: 'assign', ids: [a.id, b.id], assignee_id: reviewer.actor.userId });
      expect(assigned.body.results.map((result: { status: string }) => result.status)).toEqual(['ok', 'ok']);
    });

    it('refuses a bulk request whose change is wrong for every finding, before changing any', async () => {
      const finding = await seedFinding(harness.db);
      const reply = await reviewer.post('/api/v1/findings/bulk', { action: 'transition', ids: [finding.id], to: 'resolved', resolution: 'false_positive' });
      expect(reply.status).toBe(400);
      expect(reply.body.issues).toMatchObject([{ path: 'body.comment' }]);
      for (const body of [{ action: 'transition', ids: [], to: 'in_review' }, { action: 'assign', ids: [finding.id, finding.id], assignee_id: null }, { action: 'close', ids: [finding.id] }]) {
        expect((await reviewer.post('/api/v1/findings/bulk', body)).status, JSON.stringify(body)).toBe(400);
      }
      expect(await counts(finding.id)).toEqual({ events: 1, audit: 0 });
    });

    it('lets only roles with findings:triage change findings', async () => {
      const finding = await seedFinding(harness.db);
      for (const role of ['auditor', 'siem'] as const) {
        const client = await harness.as(role);
        expect((await transition(finding, { to: 'in_review' }, {}, client)).status).toBe(403);
        expect((await client.post(`/api/v1/findings/${finding.id}/comments`, { body: 'hi' })).status).toBe(403);
        expect((await client.post('/api/v1/findings/bulk', { action: 'assign', ids: [finding.id], assignee_id: null })).status).toBe(403);
      }
      expect(await counts(finding.id)).toEqual({ events: 1, audit: 0 });
    });
  });
}
