import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accountsRoutes } from '../server/api/routes/accounts-routes.js';
import { scansRoutes } from '../server/api/routes/scans-routes.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';

const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

const employee = (handle: string, extra: Record<string, unknown> = {}) => ({
  platform: 'mastodon',
  handle,
  kind: 'employee',
  owner_name: 'Jane Doe',
  owner_employee_id: 'E-1042',
  owner_email: 'Jane.Doe@Halvard-Aero.example',
  legal_basis: 'legitimate interest (policy IS-7)',
  ...extra,
});

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`accounts API on ${engine}`, () => {
    let harness: ApiHarness;
    let admin: ApiClient;

    beforeAll(async () => {
      harness = await startApiHarness({ engine, routes: [...accountsRoutes(), ...scansRoutes()], withPipeline: true });
      admin = await harness.as('admin');
    });
    afterAll(async () => harness.close());

    const auditOf = (targetId: string) =>
      harness.db.selectFrom('audit_log').selectAll().where('target_id', '=', targetId).orderBy('id').execute();

    it('registers an account with every field, due for a scan at once, and audits it without personal data', async () => {
      const reply = await admin.post(
        '/api/v1/accounts',
        employee('jdoe@social.example', {
          url: 'https://social.halvard.example',
          display_name: 'Jane',
          owner_department: 'Avionics',
          notice_given_at: '2026-01-15',
          legal_basis_at: '2026-01-10T09:30:00+02:00',
          schedule: '6h',
        }),
      );
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        platform: 'mastodon',
        handle: 'jdoe@social.example',
        kind: 'employee',
        owner_department: 'Avionics',
        notice_given_at: '2026-01-15T00:00:00.000Z',
        legal_basis_at: '2026-01-10T07:30:00.000Z',
        schedule: '6h',
        active: true,
        status: 'pending',
        selectors: null,
      });
      expect(Date.parse(reply.body.next_scan_at)).toBeLessThanOrEqual(Date.now());
      const [entry] = await auditOf(reply.body.id);
      expect(entry).toMatchObject({ action: 'account.created', actor_type: 'api_key', actor_id: admin.actor.id, target_type: 'account', ip: '127.0.0.1' });
      expect(entry!.details).toEqual({ platform: 'mastodon', kind: 'employee', active: true, via: 'api' });
    });

    it('refuses what `accounts add` refuses, naming each field, and a second registration with 409', async () => {
      const bad = await admin.post('/api/v1/accounts', { platform: 'mastodon', handle: 'x', kind: 'employee', schedule: '1m', owner_email: 'bob@' });
      expect(bad.status).toBe(400);
      expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['body.owner_email', 'body.owner_name', 'body.schedule']);
      expect(bad.body.issues.find((issue: { path: string }) => issue.path === 'body.owner_name').message).toBe("an employee account needs its owner's name or employee id");
      const platform = await admin.post('/api/v1/accounts', { platform: 'twitter', handle: 'x', kind: 'corporate' });
      expect([platform.status, platform.body.issues[0].path]).toEqual([400, 'body.platform']);
      const generic = await admin.post('/api/v1/accounts', { platform: 'generic', handle: 'https://news.example/', kind: 'corporate' });
      expect([generic.status, generic.body.issues[0].path]).toEqual([400, 'body.selectors']);
      const withSelectors = await admin.post('/api/v1/accounts', { platform: 'generic', handle: 'https://news.example/', kind: 'corporate', selectors: { post: 'article' } });
      expect([withSelectors.status, withSelectors.body.selectors]).toEqual([201, { post: 'article' }]);

      const first = await admin.post('/api/v1/accounts', { platform: 'telegram', handle: 'halvard_news', kind: 'corporate' });
      const again = await admin.post('/api/v1/accounts', { platform: 'telegram', handle: 'halvard_news', kind: 'corporate' });
      expect(again.status).toBe(409);
      expect(again.body.detail).toContain(first.body.id);
    });

    it('lists accounts by platform and handle in pages that a cursor continues, and filters them', async () => {
      const ids: string[] = [];
      for (const handle of ['list_e', 'list_a', 'list_c', 'list_b', 'list_d']) {
        ids.push((await admin.post('/api/v1/accounts', { platform: 'vk', handle, kind: 'corporate', display_name: `Team 100% ${handle}` })).body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await admin.get(`/api/v1/accounts?platform=vk&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { handle: string }) => item.handle));
        cursor = page.body.next_cursor;
        pages += 1;
      } while (cursor !== null);
      expect(seen).toEqual(['list_a', 'list_b', 'list_c', 'list_d', 'list_e']);
      expect(pages).toBe(3);

      await admin.patch(`/api/v1/accounts/${ids[0]}`, { active: false });
      const inactive = await admin.get('/api/v1/accounts?platform=vk&active=false');
      expect(inactive.body.items.map((item: { handle: string }) => item.handle)).toEqual(['list_e']);
      const search = await admin.get(`/api/v1/accounts?q=${encodeURIComponent('100% LIST_C')}`);
      expect(search.body.items.map((item: { handle: string }) => item.handle)).toEqual(['list_c']);
      // `_` and `%` mean themselves: no account's handle has "t_b%".
      expect((await admin.get(`/api/v1/accounts?q=${encodeURIComponent('t_b%')}`)).body.items).toEqual([]);

      const owned = await admin.post('/api/v1/accounts', employee('owned_one'));
      const byEmail = await admin.get(`/api/v1/accounts?owner=${encodeURIComponent('jane.doe@halvard-aero.EXAMPLE')}&kind=employee`);
      expect(byEmail.body.items.map((item: { id: string }) => item.id)).toContain(owned.body.id);
      const byEmployeeId = await admin.get('/api/v1/accounts?owner=e-1042&platform=mastodon');
      expect(byEmployeeId.body.items.map((item: { id: string }) => item.id)).toContain(owned.body.id);
      expect((await admin.get('/api/v1/accounts?owner=E-9999')).body.items).toEqual([]);

      const malformed = await admin.get('/api/v1/accounts?cursor=not-a-cursor');
      expect([malformed.status, malformed.body.issues[0].path]).toEqual([400, 'query.cursor']);
    });

    it('shows an account with what it holds, its status, and the scan it waits in', async () => {
      const account = await seedAccount(harness.db);
      await seedFinding(harness.db, { account });
      const finding = await seedFinding(harness.db, { account });
      await harness.db.updateTable('findings').set({ state: 'resolved', resolution: 'false_positive' }).where('id', '=', finding.id).execute();
      const shown = await admin.get(`/api/v1/accounts/${account.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ id: account.id, status: 'pending', counts: { posts: 2, images: 0, findings: 2, open_findings: 1 }, current_scan: null, last_scan: null });

      const scan = await admin.post(`/api/v1/accounts/${account.id}/scan`);
      expect(scan.status).toBe(202);
      const status = await admin.get(`/api/v1/accounts/${account.id}/status`);
      expect(status.body).toMatchObject({ id: account.id, active: true, status: 'pending', last_error: null, last_scan: null });
      expect(status.body.current_scan).toMatchObject({ scan_id: scan.body.id, scan_status: 'running', outcome: 'pending', posts: 0 });

      expect((await admin.get('/api/v1/accounts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await admin.get('/api/v1/accounts/not-an-id')).status).toBe(400);
    });

    it('changes the fields given, keeps an employee account owned, and audits the names of the fields only', async () => {
      const created = (await admin.post('/api/v1/accounts', employee('patch_me'))).body;
      const lastScannedAt = new Date('2026-03-01T08:00:00Z');
      await harness.db.updateTable('accounts').set({ last_scanned_at: lastScannedAt }).where('id', '=', created.id).execute();

      const changed = await admin.patch(`/api/v1/accounts/${created.id}`, { display_name: 'J. Doe', owner_name: null, schedule: '12h', legal_basis: '', notice_given_at: '2026-02-01' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ display_name: 'J. Doe', owner_name: null, owner_employee_id: 'E-1042', schedule: '12h', legal_basis: null, notice_given_at: '2026-02-01T00:00:00.000Z' });
      // A new schedule counts from the last scan.
      expect(changed.body.next_scan_at).toBe('2026-03-01T20:00:00.000Z');

      const orphaned = await admin.patch(`/api/v1/accounts/${created.id}`, { owner_employee_id: null });
      expect([orphaned.status, orphaned.body.issues[0].path]).toEqual([400, 'body.owner_name']);
      const badSchedule = await admin.patch(`/api/v1/accounts/${created.id}`, { schedule: 'every minute' });
      expect([badSchedule.status, badSchedule.body.issues[0].path]).toEqual([400, 'body.schedule']);
      expect((await admin.patch(`/api/v1/accounts/${created.id}`, { handle: 'renamed' })).status).toBe(400);
      expect((await admin.patch(`/api/v1/accounts/${created.id}`, {})).status).toBe(400);

      const disabled = await admin.patch(`/api/v1/accounts/${created.id}`, { active: false });
      expect([disabled.body.active, disabled.body.next_scan_at]).toEqual([false, null]);
      const enabled = await admin.patch(`/api/v1/accounts/${created.id}`, { active: true });
      expect(Date.parse(enabled.body.next_scan_at)).toBeLessThanOrEqual(Date.now());

      const updates = (await auditOf(created.id)).filter((entry) => entry.action === 'account.updated');
      expect(updates.map((entry) => entry.details)).toEqual([
        { fields: ['display_name', 'owner_name', 'notice_given_at', 'legal_basis', 'schedule'] },
        { fields: ['active'], active: false },
        { fields: ['active'], active: true },
      ]);
      expect(JSON.stringify(updates)).not.toContain('J. Doe');
    });

    it('refuses to delete an account with findings unless forced, then deletes it with what it holds', async () => {
      const account = await seedAccount(harness.db);
      const finding = await seedFinding(harness.db, { account });
      const refused = await admin.delete(`/api/v1/accounts/${account.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain('force=true');
      expect((await admin.get(`/api/v1/accounts/${account.id}`)).status).toBe(200);

      const deleted = await admin.delete(`/api/v1/accounts/${account.id}?force=true`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ id: account.id, deleted: { posts: 1, images: 0, findings: 1 } });
      expect((await admin.get(`/api/v1/accounts/${account.id}`)).status).toBe(404);
      const entries = await auditOf(account.id);
      expect(entries.at(-1)).toMatchObject({ action: 'account.deleted', details: { platform: 'mastodon', kind: 'employee', posts: 1, images: 0, findings: 1, force: true } });
      const purged = await harness.db.selectFrom('finding_events').selectAll().where('finding_id', '=', finding.id).where('type', '=', 'finding.purged').execute();
      expect(purged.map((event) => [event.finding_version, event.payload.purgeReason])).toEqual([[finding.version + 1, 'account_removed']]);

      const clean = await seedAccount(harness.db);
      expect((await admin.delete(`/api/v1/accounts/${clean.id}`)).status).toBe(200);
    });

    it('imports the good rows of a CSV file and lists every bad or registered one by line', async () => {
      await admin.post('/api/v1/accounts', { platform: 'telegram', handle: 'already_here', kind: 'corporate' });
      const csv = [
        'platform,handle,kind,owner_name,schedule',
        'telegram,csv_good_one,corporate,,',
        'twitter,someone,employee,Ann,',
        'telegram,already_here,corporate,,',
        'mastodon,csv_good_two,employee,Bob,6h',
        'vk,csv_bad_schedule,corporate,,1m',
      ].join('\n');
      const reply = await admin.request('POST', '/api/v1/accounts/import', { body: csv, headers: { 'content-type': 'text/csv' } });
      expect(reply.status).toBe(200);
      expect(reply.body.imported).toBe(2);
      expect(reply.body.skipped).toBe(1);
      expect(reply.body.errors.map((error: { line: number }) => error.line)).toEqual([3, 4, 6]);
      expect(reply.body.errors[1].problem).toBe('telegram:already_here is registered already; skipped');
      const listed = await admin.get('/api/v1/accounts?q=csv_good');
      expect(listed.body.items.map((item: { handle: string }) => item.handle)).toEqual(['csv_good_two', 'csv_good_one']);
      const [summary] = await harness.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.imported').execute();
      expect(summary!.details).toEqual({ imported: 2, skipped: 1, bad_rows: 2 });
      const created = await harness.db.selectFrom('audit_log').select('details').where('action', '=', 'account.created').execute();
      expect(created.filter((entry) => entry.details.via === 'import')).toHaveLength(2);

      const unreadable = await admin.request('POST', '/api/v1/accounts/import', { body: 'name,email\nx,y', headers: { 'content-type': 'text/csv' } });
      expect([unreadable.status, unreadable.body.issues[0].path]).toEqual([400, 'line 1']);
      const asJson = await admin.post('/api/v1/accounts/import', { csv });
      expect(asJson.status).toBe(400);
      expect(asJson.body.issues[0].message).toContain('Content-Type: text/csv');
    });

    it('lets each role do only what its permissions allow', async () => {
      const account = await seedAccount(harness.db);
      const auditor = await harness.as('auditor');
      const reviewer = await harness.as('reviewer');
      const siem = await harness.as('siem');
      expect((await auditor.get(`/api/v1/accounts/${account.id}`)).status).toBe(200);
      expect((await auditor.post('/api/v1/accounts', { platform: 'telegram', handle: 'auditor_try', kind: 'corporate' })).status).toBe(403);
      expect((await auditor.post(`/api/v1/accounts/${account.id}/scan`)).status).toBe(403);
      expect((await reviewer.patch(`/api/v1/accounts/${account.id}`, { display_name: 'x' })).status).toBe(403);
      expect((await reviewer.delete(`/api/v1/accounts/${account.id}`)).status).toBe(403);
      expect((await reviewer.post(`/api/v1/accounts/${account.id}/scan`)).status).toBe(202);
      expect((await siem.get('/api/v1/accounts')).status).toBe(403);
      expect((await harness.anonymous().get('/api/v1/accounts')).status).toBe(401);
    });

    it('scans one account now, refusing a disabled one and one already waiting in a scan', async () => {
      const account = await seedAccount(harness.db);
      const started = await admin.post(`/api/v1/accounts/${account.id}/scan`, { full: true });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ trigger: 'api', status: 'running', account_id: account.id, counts: { accounts: 1 }, accounts_left_to_other_scans: 0 });
      const audit = await auditOf(started.body.id);
      expect(audit).toMatchObject([{ action: 'scan.started', target_type: 'scan_run', details: { requested: 1, accounts: 1, full: true } }]);

      const again = await admin.post(`/api/v1/accounts/${account.id}/scan`);
      expect(again.status).toBe(409);
      expect(again.body.detail).toContain(started.body.id);
      const disabled = await seedAccount(harness.db, { isActive: false });
      expect((await admin.post(`/api/v1/accounts/${disabled.id}/scan`)).status).toBe(409);
    });

    it('registers, imports and changes canary accounts, each reply showing its coverage', async () => {
      const created = await admin.post('/api/v1/accounts', { platform: 'bluesky', handle: 'canary.bsky.social', kind: 'corporate', is_canary: true });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ is_canary: true, last_success_at: null, consecutive_failures: 0, coverage_gap: null });
      const [entry] = await auditOf(created.body.id);
      expect(entry!.details).toEqual({ platform: 'bluesky', kind: 'corporate', active: true, is_canary: true, via: 'api' });
      const plain = await admin.post('/api/v1/accounts', { platform: 'bluesky', handle: 'plain.bsky.social', kind: 'corporate' });
      expect(plain.body.is_canary).toBe(false);

      const changed = await admin.patch(`/api/v1/accounts/${created.body.id}`, { is_canary: false });
      expect([changed.status, changed.body.is_canary]).toEqual([200, false]);
      expect((await auditOf(created.body.id)).at(-1)!.details).toEqual({ fields: ['is_canary'], is_canary: false });
      expect((await admin.patch(`/api/v1/accounts/${created.body.id}`, { is_canary: 'yes' })).status).toBe(400);

      const csv = ['platform,handle,kind,is_canary', 'vk,canary_csv,corporate,yes', 'vk,plain_csv,corporate,', 'vk,bad_csv,corporate,maybe'].join('\n');
      const imported = await admin.request('POST', '/api/v1/accounts/import', { body: csv, headers: { 'content-type': 'text/csv' } });
      expect(imported.body.imported).toBe(2);
      expect(imported.body.errors).toEqual([{ line: 4, problem: expect.stringContaining('is_canary: "maybe" is not yes or no') as string }]);
      const listed = await admin.get('/api/v1/accounts?platform=vk&q=_csv');
      expect(listed.body.items.map((item: { handle: string; is_canary: boolean }) => [item.handle, item.is_canary])).toEqual([
        ['canary_csv', true],
        ['plain_csv', false],
      ]);
      expect((await admin.get('/api/v1/accounts?coverage=covered')).status).toBe(400);
    });
  });
}

describe('accounts API without a pipeline', () => {
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness({ routes: accountsRoutes() });
  });
  afterAll(async () => harness.close());

  it('answers a scan request with 503 and a way out, having started nothing', async () => {
    const admin = await harness.as('admin');
    const account = await seedAccount(harness.db);
    const reply = await admin.post(`/api/v1/accounts/${account.id}/scan`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).not.toBeNull();
    expect(reply.body.detail).toContain('overshare scan');
    expect(await harness.db.selectFrom('scan_runs').selectAll().execute()).toEqual([]);
  });
});
