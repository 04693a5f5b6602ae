import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { createCrawler, type Crawler } from '../crawler/create-crawler.js';
import { authRoutes } from '../server/api/routes/auth-routes.js';
import { findingNotifyRoutes } from '../server/api/routes/finding-notify-routes.js';
import { peopleRoutes } from '../server/api/routes/people-routes.js';
import { scansRoutes } from '../server/api/routes/scans-routes.js';
import { OWNER_NOTICE_LANGUAGES, OWNER_NOTICE_TEMPLATES } from '../server/notify/owner-notice-templates.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { PostPresenceRepository } from '../store/repositories/post-presence-repository.js';
import { fixtureAccount } from './fixture-platform/all-fixtures.js';
import { generateFixtureNetwork, type FixtureNetwork } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { everyRowAsText } from './support/every-row-as-text.js';
import { readProblem } from './support/read-problem.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';
import { testRuleSet } from './support/test-rule-set.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
const routes = () => [...findingNotifyRoutes(), ...scansRoutes(), ...peopleRoutes(), ...authRoutes({ sessionMaxAgeMs: 3_600_000 })];

describe('notifying a finding’s owner, with a pipeline but no workers', () => {
  let api: ApiHarness;
  let reviewer: ApiClient;
  let auditor: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    api = await startApiHarness({ routes: routes(), withPipeline: true });
    [reviewer, auditor, admin] = await Promise.all([api.signedIn('reviewer'), api.as('auditor'), api.as('admin')]);
  });
  afterAll(async () => api.close());

  it('prepares the notice in the language asked, naming the post by URL and date and never quoting the evidence', async () => {
    const finding = await seedFinding(api.db, { evidence: { source: 'text', text: 'ŚCIŚLE POUFNE' }, title: 'Marking ŚCIŚLE POUFNE', explain: 'Found ŚCIŚLE POUFNE.' });
    const account = await api.db.selectFrom('accounts').selectAll().where('id', '=', finding.account_id).executeTakeFirstOrThrow();
    const post = await api.db.selectFrom('posts').selectAll().where('id', '=', finding.post_id).executeTakeFirstOrThrow();

    const reply = await reviewer.post(`/api/v1/findings/${finding.id}/owner-notice`, { language: 'pl' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ to: account.owner_email, language: 'pl', subject: OWNER_NOTICE_TEMPLATES.pl.subject, body: expect.any(String), post_url: post.url });
    const text = `${reply.body.subject as string}\n${reply.body.body as string}`;
    expect(text).toContain(`Dzień dobry, ${account.owner_name ?? ''}!`);
    expect(text).toContain(post.url);
    expect(text).toContain('1 listopada 2026');
    expect(text).toContain(OWNER_NOTICE_TEMPLATES.pl.categories.marking);
    expect(text).toContain(api.services.policy.organisation.name);
    expect(text.toLowerCase()).not.toContain('poufne');
  });

  it('records nothing while the notice is only prepared: no notification, no audit entry, no scan', async () => {
    const finding = await seedFinding(api.db);
    for (const language of ['en', 'ru', 'en'] as const) expect((await reviewer.post(`/api/v1/findings/${finding.id}/owner-notice`, { language })).status).toBe(200);
    const stored = await api.db.selectFrom('findings').select(['owner_notified_at', 'owner_notified_by']).where('id', '=', finding.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ owner_notified_at: null, owner_notified_by: null });
    expect((await reviewer.get(`/api/v1/findings/${finding.id}/presence`)).body).toMatchObject({ owner_notified_at: null, owner_notified_by: null });
    expect(await api.db.selectFrom('audit_log').select('id').where('target_id', '=', finding.id).execute()).toEqual([]);
    expect(await api.db.selectFrom('scan_runs').select('id').where('account_id', '=', finding.account_id).execute()).toEqual([]);
  });

  it('starts a full scan of the account to re-check the post once the notice is marked sent', async () => {
    const finding = await seedFinding(api.db);
    const reply = await reviewer.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'pl' });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['owner_notified_at', 'recheck', 'recheck_scan_id']);
    expect(reply.body.recheck).toBe('started');
    // The re-check is a full scan of the account: its cursor is forgotten.
    expect(reply.body.recheck_scan_id).toMatch(UUID);
    const run = await api.db.selectFrom('scan_runs').selectAll().where('id', '=', reply.body.recheck_scan_id as string).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ trigger: 'api', account_id: finding.account_id, status: 'running' });
  });

  it('records the notification but starts no scan for a caller who may triage but not start scans', async () => {
    const finding = await seedFinding(api.db);
    const narrowed = await api.as('reviewer', { scopes: ['findings:read', 'findings:triage'] });
    expect((await narrowed.post('/api/v1/scans', { account_ids: [finding.account_id] })).status).toBe(403);
    const reply = await narrowed.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'en' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ recheck: 'not_permitted', recheck_scan_id: null });
    expect(await api.db.selectFrom('scan_runs').select('id').where('account_id', '=', finding.account_id).execute()).toEqual([]);
    const stored = await api.db.selectFrom('findings').select(['owner_notified_at', 'owner_notified_by']).where('id', '=', finding.id).executeTakeFirstOrThrow();
    expect([stored.owner_notified_at?.toISOString(), stored.owner_notified_by]).toEqual([reply.body.owner_notified_at, `api_key:${narrowed.actor.id}`]);
    const audit = await api.db.selectFrom('audit_log').select('details').where('action', '=', 'finding.owner_notified').where('target_id', '=', finding.id).execute();
    expect(audit.map((row) => row.details)).toEqual([{ language: 'en', has_recipient: true, recheck: 'not_permitted', scan_run_id: null }]);
  });

  it('records who notified the owner and when, audits it without naming the owner, and shows it with the post’s presence', async () => {
    const finding = await seedFinding(api.db);
    const account = await api.db.selectFrom('accounts').selectAll().where('id', '=', finding.account_id).executeTakeFirstOrThrow();
    const before = await reviewer.get(`/api/v1/findings/${finding.id}/presence`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ post_gone_at: null, owner_notified_at: null, owner_notified_by: null });
    expect(Date.parse(before.body.post_last_seen_at as string)).not.toBeNaN();

    const reply = await reviewer.post(`/api/v1/findings/${finding.id}/notify-owner`, {});
    expect(reply.status).toBe(200);
    const reviewerName = (await api.db.selectFrom('users').select('username').where('id', '=', reviewer.actor.id).executeTakeFirstOrThrow()).username;
    const after = await auditor.get(`/api/v1/findings/${finding.id}/presence`);
    expect(after.body).toEqual({
      post_last_seen_at: before.body.post_last_seen_at,
      post_gone_at: null,
      owner_notified_at: reply.body.owner_notified_at,
      owner_notified_by: { type: 'user', id: reviewer.actor.id, name: reviewerName },
    });

    const audit = await api.db.selectFrom('audit_log').selectAll().where('action', '=', 'finding.owner_notified').where('target_id', '=', finding.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'user', actor_id: reviewer.actor.id, target_type: 'finding' });
    expect(audit[0]?.details).toEqual({ language: 'en', has_recipient: true, recheck: 'started', scan_run_id: reply.body.recheck_scan_id });

    // Marking it sent again (a second message) is recorded and audited again, once.
    const again = await reviewer.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'uk' });
    expect(again.status).toBe(200);
    const audits = await api.db.selectFrom('audit_log').selectAll().where('action', '=', 'finding.owner_notified').where('target_id', '=', finding.id).orderBy('id').execute();
    expect(audits.map((row) => (row.details as { language: string }).language)).toEqual(['en', 'uk']);
    const audited = JSON.stringify(audits).toLowerCase();
    for (const personal of [account.owner_email, account.owner_name, account.handle]) expect(audited).not.toContain((personal ?? '').toLowerCase());
  });

  it('leaves the re-check to a scan already under way for the account', async () => {
    const finding = await seedFinding(api.db);
    const first = await reviewer.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'el' });
    const second = await reviewer.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'uk' });
    expect([first.body.recheck, second.body.recheck]).toEqual(['started', 'already_running']);
    expect(second.body.recheck_scan_id).toBe(first.body.recheck_scan_id);
    expect(Date.parse(second.body.owner_notified_at as string)).toBeGreaterThanOrEqual(Date.parse(first.body.owner_notified_at as string));
    expect(await api.db.selectFrom('scan_runs').select('id').where('account_id', '=', finding.account_id).execute()).toHaveLength(1);
  });

  it('writes every language, English unless asked otherwise, and greets without a name when the owner has none', async () => {
    const corporate = await seedAccount(api.db, { kind: 'corporate', owner: {} });
    const finding = await seedFinding(api.db, { account: corporate });
    const english = await reviewer.post(`/api/v1/findings/${finding.id}/owner-notice`);
    expect(english.status).toBe(200);
    expect(english.body).toMatchObject({ language: 'en', to: null, subject: OWNER_NOTICE_TEMPLATES.en.subject });
    expect((english.body.body as string).startsWith('Hello,\n\n')).toBe(true);
    for (const language of OWNER_NOTICE_LANGUAGES) {
      const reply = await reviewer.post(`/api/v1/findings/${finding.id}/owner-notice`, { language });
      expect([reply.status, reply.body.language, reply.body.subject]).toEqual([200, language, OWNER_NOTICE_TEMPLATES[language].subject]);
      expect(reply.body.body as string).toContain(OWNER_NOTICE_TEMPLATES[language].greetingUnnamed);
    }
  });

  it('says the re-check is unavailable for a disabled account, and refuses unknown findings and languages', async () => {
    const finding = await seedFinding(api.db);
    await api.db.updateTable('accounts').set({ is_active: false }).where('id', '=', finding.account_id).execute();
    const reply = await reviewer.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'ru' });
    expect(reply.body).toMatchObject({ recheck: 'unavailable', recheck_scan_id: null });
    expect(await api.db.selectFrom('scan_runs').select('id').where('account_id', '=', finding.account_id).execute()).toEqual([]);

    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await reviewer.post(`/api/v1/findings/${unknown}/notify-owner`, {})).status).toBe(404);
    expect((await reviewer.post(`/api/v1/findings/${unknown}/owner-notice`, {})).status).toBe(404);
    expect((await reviewer.get(`/api/v1/findings/${unknown}/presence`)).status).toBe(404);
    for (const path of ['owner-notice', 'notify-owner']) {
      const badLanguage = readProblem(await reviewer.post(`/api/v1/findings/${finding.id}/${path}`, { language: 'de' }));
      expect([badLanguage.status, badLanguage.issues?.[0]?.path]).toEqual([400, 'body.language']);
    }
  });

  it('lets only triagers notify, and every reader see presence', async () => {
    const finding = await seedFinding(api.db);
    const siem = await api.as('siem');
    for (const path of ['owner-notice', 'notify-owner']) {
      expect((await auditor.post(`/api/v1/findings/${finding.id}/${path}`, {})).status).toBe(403);
      expect((await siem.post(`/api/v1/findings/${finding.id}/${path}`, {})).status).toBe(403);
    }
    expect((await siem.get(`/api/v1/findings/${finding.id}/presence`)).status).toBe(200);
  });

  it('shows a post found gone', async () => {
    const finding = await seedFinding(api.db);
    const now = new Date();
    await PostPresenceRepository.markUnseenGone(api.db, finding.account_id, { publishedAfter: null }, new Date(now.getTime() + 1_000), now);
    const presence = await reviewer.get(`/api/v1/findings/${finding.id}/presence`);
    expect(presence.body.post_gone_at).toBe(now.toISOString());
  });

  it('keeps no reply of a notice for replays, since it names the owner', async () => {
    const finding = await seedFinding(api.db);
    const headers = { 'idempotency-key': 'notify-once' };
    const first = await reviewer.post(`/api/v1/findings/${finding.id}/owner-notice`, { language: 'en' }, { headers });
    const again = await reviewer.post(`/api/v1/findings/${finding.id}/owner-notice`, { language: 'pl' }, { headers });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect([first.body.language, again.body.language]).toEqual(['en', 'pl']);
    expect(await api.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'notify-once').execute()).toEqual([]);
  });

  it('leaves nothing naming the owner once they are erased', async () => {
    const finding = await seedFinding(api.db);
    const account = await api.db.selectFrom('accounts').selectAll().where('id', '=', finding.account_id).executeTakeFirstOrThrow();
    const notified = await admin.post(`/api/v1/findings/${finding.id}/notify-owner`, { language: 'pl' });
    expect(notified.status).toBe(200);
    const needles = [account.owner_email, account.owner_name, account.owner_employee_id, account.handle].map((needle) => (needle ?? '').toLowerCase());
    expect((await everyRowAsText(api.db)).some(({ row }) => row.includes(needles[0] ?? ''))).toBe(true);

    const erased = await admin.post('/api/v1/people/erase', { email: account.owner_email, confirm: true });
    expect(erased.status).toBe(200);
    expect((await everyRowAsText(api.db)).filter(({ row }) => needles.some((needle) => row.includes(needle)))).toEqual([]);
    expect(await api.db.selectFrom('audit_log').select('id').where('action', '=', 'finding.owner_notified').where('target_id', '=', finding.id).execute()).toEqual([]);
  });
});

describe('notifying a finding’s owner without a scan pipeline', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApiHarness({ routes: routes() });
  });
  afterAll(async () => api.close());

  it('records the notification, and says the re-check is unavailable', async () => {
    const finding = await seedFinding(api.db);
    const reply = await (await api.as('reviewer')).post(`/api/v1/findings/${finding.id}/notify-owner`, {});
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ recheck: 'unavailable', recheck_scan_id: null });
    const stored = await api.db.selectFrom('findings').select(['owner_notified_at', 'owner_notified_by']).where('id', '=', finding.id).executeTakeFirstOrThrow();
    expect(stored.owner_notified_at?.toISOString()).toBe(reply.body.owner_notified_at);
    expect(stored.owner_notified_by).toMatch(/^api_key:/u);
  });
});

describe('the re-check after notifying, against the fixture platform', () => {
  const config = loadConfig({ CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', CRAWL_REQUESTS_PER_SECOND: '200', CRAWL_RETRIES: '0' }, process.cwd());
  let api: ApiHarness;
  let network: FixtureNetwork;
  let server: FixtureServer;
  let crawler: Crawler;

  beforeAll(async () => {
    api = await startApiHarness({ routes: routes(), withPipeline: true });
    network = generateFixtureNetwork({ accounts: 1, postsPerAccount: 5, imageShare: 0, repostShare: 0, handles: ['zofia'] });
    const posts = network.accounts.get('zofia')?.posts ?? [];
    for (const post of posts) post.text = `Lunch with the team #zofia-${post.id}`;
    // Two leaks: one post will be taken down, the other stays up.
    posts[1]!.text = `Draft memo, CONFIDENTIAL #zofia-${posts[1]!.id}`;
    posts[3]!.text = `Board pack, CONFIDENTIAL #zofia-${posts[3]!.id}`;
    server = await startFixtureServer(network, [mastodonFixture]);
    crawler = createCrawler(config.crawl, api.log.log);
    await api.services.pipeline!.work({ crawler, ocr: () => Promise.reject(new Error('no OCR in this test')), ruleSet: testRuleSet() });
  });
  afterAll(async () => {
    await api.close();
    await crawler.close();
    await server.close();
  });

  it('finds the post gone on the scan the notice starts, and the other leak’s post still there', async () => {
    const ref = fixtureAccount('mastodon', server, 'zofia');
    const account = await new AccountsRepository(api.db).create({
      platform: 'mastodon',
      handle: ref.handle,
      kind: 'employee',
      owner: { name: 'Zofia Nowak', email: 'zofia.nowak@corp.example' },
      ...(ref.baseUrl === undefined ? {} : { url: ref.baseUrl }),
    });
    const coordinator = api.services.pipeline!.coordinator;
    const first = await coordinator.waitForScan((await coordinator.startScan('manual', [account.id])).id, { pollMs: 20 });
    expect(first.counts).toMatchObject({ posts: 5, findings: 2, errors: 0 });
    const findings = await api.db
      .selectFrom('findings')
      .innerJoin('posts', 'posts.id', 'findings.post_id')
      .select(['findings.id', 'posts.published_at'])
      .where('findings.account_id', '=', account.id)
      .execute();
    const posts = network.accounts.get('zofia')?.posts ?? [];
    const [takenDown, keptUp] = [posts[1]!, posts[3]!].map((post) => findings.find((finding) => finding.published_at?.getTime() === post.publishedAt.getTime())!);

    posts.splice(1, 1);
    const reviewer = await api.as('reviewer');
    const notice = await reviewer.post(`/api/v1/findings/${takenDown!.id}/owner-notice`, { language: 'en' });
    expect(notice.body).toMatchObject({ to: 'zofia.nowak@corp.example', language: 'en' });
    const notified = await reviewer.post(`/api/v1/findings/${takenDown!.id}/notify-owner`, { language: 'en' });
    expect(notified.body).toMatchObject({ recheck: 'started' });
    const recheck = await coordinator.waitForScan(notified.body.recheck_scan_id as string, { pollMs: 20 });
    expect(recheck.status).toBe('completed');

    const gone = await reviewer.get(`/api/v1/findings/${takenDown!.id}/presence`);
    expect(gone.body.post_gone_at).not.toBeNull();
    expect(Date.parse(gone.body.post_gone_at as string)).toBeGreaterThanOrEqual(Date.parse(notified.body.owner_notified_at as string));
    const kept = await reviewer.get(`/api/v1/findings/${keptUp!.id}/presence`);
    expect(kept.body).toMatchObject({ post_gone_at: null, owner_notified_at: null });
    expect(Date.parse(kept.body.post_last_seen_at as string)).toBeGreaterThan(Date.parse(gone.body.post_last_seen_at as string));
  });
});
