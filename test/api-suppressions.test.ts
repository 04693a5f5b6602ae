import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reopenLapsedRisks } from '../pipeline/reopen-lapsed-risks.js';
import { suppressionsRoutes } from '../server/api/routes/suppressions-routes.js';
import { suppressReply } from '../server/api/schemas/suppressions-schemas.js';
import { PostAnalysisRepository } from '../store/repositories/post-analysis-repository.js';
import type { FindingInput } from '../store/repositories/upsert-finding.js';
import type { Account, Finding } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedAccount, seedFinding, seedPost } from './support/seed-findings.js';

const DAY_MS = 86_400_000;

describe('suppressions API', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let reviewer: ApiClient;
  let auditor: ApiClient;

  beforeAll(async () => {
    api = await startApiHarness({ routes: suppressionsRoutes() });
    [admin, reviewer, auditor] = await Promise.all([api.as('admin'), api.as('reviewer'), api.as('auditor')]);
  });
  afterAll(async () => api.close());

  const findingRow = (id: string) => api.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const eventsOf = (id: string) => api.db.selectFrom('finding_events').selectAll().where('finding_id', '=', id).orderBy('seq').execute();
  const seed = (account: Account, text: string, rule: string) => seedFinding(api.db, { account, ruleIds: [rule], evidence: { source: 'text', text } });
  const falsePositive = { reason: 'the team’s public template', comment: 'The marking is part of a published template.' };

  /** Analyses a new post of `account` whose one finding is `text` under `rule`, as the analyze stage saves it. */
  async function analyseNewPost(account: Account, text: string, rule: string) {
    const post = await seedPost(api.db, account, `new post: ${text}`);
    const input: FindingInput = {
      postId: post.id,
      accountId: account.id,
      ruleIds: [rule],
      category: 'marking',
      severity: 'high',
      score: 80,
      scoreBreakdown: { base: 80 },
      evidence: { source: 'text', text },
    };
    const saved = await new PostAnalysisRepository(api.db).save(post.id, post.content_sha256, [input]);
    const findings = await api.db.selectFrom('findings').select('id').where('post_id', '=', post.id).execute();
    return { saved, findings };
  }

  it('resolves the source finding and every open sibling it covers in one go, each with its event, comment and link', async () => {
    const account = await seedAccount(api.db);
    const elsewhere = await seedAccount(api.db);
    const source = await seed(account, 'INTERNAL USE ONLY', 'ra-rule');
    const sibling = await seed(account, 'different text', 'ra-rule');
    const alreadyResolved = await seed(account, 'third', 'ra-rule');
    await api.db.updateTable('findings').set({ state: 'resolved', resolution: 'confirmed_leak', version: 2 }).where('id', '=', alreadyResolved.id).execute();
    const otherAccount = await seed(elsewhere, 'INTERNAL USE ONLY', 'ra-rule');
    const otherRule = await seed(account, 'INTERNAL USE ONLY', 'ra-other-rule');

    const reply = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'rule_account', ...falsePositive });

    expect(reply.status).toBe(201);
    // The reply is what the OpenAPI document says it is.
    expect(suppressReply.parse(reply.body)).toEqual(reply.body);
    expect(reply.body.resolved_finding_ids).toEqual([source.id, sibling.id]);
    expect(reply.body.suppression).toMatchObject({
      scope: 'rule_account',
      rule_id: 'ra-rule',
      account_id: account.id,
      evidence_sha256: null,
      source_finding_id: source.id,
      created_by: `api_key:${reviewer.actor.id}`,
      expires_at: null,
      revoked_at: null,
      is_active: true,
    });
    for (const finding of [source, sibling]) {
      expect(await findingRow(finding.id)).toMatchObject({ state: 'resolved', resolution: 'false_positive', suppression_id: reply.body.suppression.id, version: 2 });
      expect((await eventsOf(finding.id)).map((event) => event.type)).toEqual(['finding.created', 'finding.updated']);
      const comments = await api.db.selectFrom('finding_comments').select('body').where('finding_id', '=', finding.id).execute();
      expect(comments).toEqual([{ body: falsePositive.comment }]);
    }
    for (const untouched of [otherAccount, otherRule]) expect(await findingRow(untouched.id)).toMatchObject({ state: 'new', version: 1 });
    expect(await findingRow(alreadyResolved.id)).toMatchObject({ resolution: 'confirmed_leak', version: 2 });

    const audit = await api.db.selectFrom('audit_log').selectAll().where('target_id', '=', reply.body.suppression.id).execute();
    expect(audit.map((entry) => [entry.action, entry.actor_type, entry.actor_id])).toEqual([['suppression.created', 'api_key', reviewer.actor.id]]);
    expect(audit[0]?.details).toMatchObject({ scope: 'rule_account', resolution: 'false_positive', resolved_findings: 2 });
  });

  it('reaches the same evidence on every account, in any case, with scope evidence', async () => {
    const [first, second] = [await seedAccount(api.db), await seedAccount(api.db)];
    const source = await seed(first, 'Project Nightjar', 'ev-rule');
    const shouting = await seed(second, 'PROJECT NIGHTJAR', 'ev-rule-2');
    const reply = await admin.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence', resolution: 'authorized', reason: 'announced publicly' });
    expect(reply.status).toBe(201);
    expect(reply.body.resolved_finding_ids).toEqual([source.id, shouting.id]);
    expect(await findingRow(shouting.id)).toMatchObject({ resolution: 'authorized', resolved_by: `api_key:${admin.actor.id}` });
  });

  it('keeps a new finding the suppression covers from being raised when a post is analysed, until the suppression is revoked', async () => {
    const account = await seedAccount(api.db);
    const source = await seed(account, 'DRAFT — NOT FOR CIRCULATION', 'an-rule');
    const created = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence_account', ...falsePositive });
    expect(created.status).toBe(201);

    const suppressed = await analyseNewPost(account, 'draft — not for circulation', 'an-rule');
    expect(suppressed.saved).toMatchObject({ created: 0, suppressed: 1 });
    expect(suppressed.findings).toEqual([]);

    const revoked = await reviewer.delete(`/api/v1/suppressions/${created.body.suppression.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.body.suppression.id, is_active: false, revoked_at: expect.any(String) as string });
    const raised = await analyseNewPost(account, 'draft — not for circulation', 'an-rule');
    expect(raised.saved).toMatchObject({ created: 1, suppressed: 0 });
    // Findings the suppression resolved stay resolved.
    expect((await findingRow(source.id)).state).toBe('resolved');

    const again = await reviewer.delete(`/api/v1/suppressions/${created.body.suppression.id}`);
    expect([again.status, again.body.revoked_at]).toEqual([200, revoked.body.revoked_at]);
    const audit = await api.db.selectFrom('audit_log').select('action').where('target_id', '=', created.body.suppression.id).orderBy('id').execute();
    expect(audit.map((entry) => entry.action)).toEqual(['suppression.created', 'suppression.revoked']);
    expect((await reviewer.delete('/api/v1/suppressions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('resolves as an accepted risk until expires_at, when the findings reopen with one event and the suppression stops applying', async () => {
    const account = await seedAccount(api.db);
    const source = await seed(account, 'Q4 forecast', 'ar-rule');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 30 * DAY_MS);
    const reply = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, {
      scope: 'rule_account',
      resolution: 'accepted_risk',
      reason: 'shared with the auditors on purpose',
      comment: 'Accepted until the audit closes.',
      expires_at: expiresAt.toISOString(),
    });
    expect(reply.status).toBe(201);
    expect(await findingRow(source.id)).toMatchObject({ state: 'resolved', resolution: 'accepted_risk', resolution_expires_at: expiresAt });

    const later = new Date(expiresAt.getTime() + 1_000);
    expect(await reopenLapsedRisks(api.db, later, api.log.log)).toBeGreaterThanOrEqual(1);
    expect(await findingRow(source.id)).toMatchObject({ state: 'reopened', resolution: null, version: 3 });
    expect((await eventsOf(source.id)).map((event) => [event.type, event.finding_version])).toEqual([
      ['finding.created', 1],
      ['finding.updated', 2],
      ['finding.updated', 3],
    ]);
    api.setNow(later);
    try {
      const listed = await reviewer.get(`/api/v1/suppressions?status=expired&rule_id=ar-rule`);
      expect(listed.body.items.map((item: { id: string; is_active: boolean }) => [item.id, item.is_active])).toEqual([[reply.body.suppression.id, false]]);
    } finally {
      api.setNow(undefined);
    }
  });

  it('lets only admins suppress a whole rule, or a piece of evidence on every account', async () => {
    const source = await seed(await seedAccount(api.db), 'whole rule', 'noisy-rule');
    const refused = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'rule', ...falsePositive });
    expect([refused.status, refused.body.detail]).toEqual([403, expect.stringContaining('only admins') as string]);
    const everywhere = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence', ...falsePositive });
    expect([everywhere.status, everywhere.body.detail]).toEqual([403, expect.stringContaining('evidence_account') as string]);
    expect((await findingRow(source.id)).state).toBe('new');
    const allowed = await admin.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'rule', ...falsePositive });
    expect([allowed.status, allowed.body.suppression.rule_id, allowed.body.suppression.account_id]).toEqual([201, 'noisy-rule', null]);
  });

  it('refuses incomplete requests with every problem named, and changes nothing', async () => {
    const source = await seed(await seedAccount(api.db), 'incomplete', 'inc-rule');
    const noComment = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence_account', reason: 'x' });
    expect([noComment.status, noComment.body.issues]).toEqual([400, [{ path: 'body.comment', message: 'false_positive needs a comment saying why' }]]);
    const noExpiry = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence_account', reason: 'x', resolution: 'accepted_risk', comment: 'ok' });
    expect(noExpiry.body.issues).toEqual([{ path: 'body.expires_at', message: expect.stringContaining('accepted_risk needs expires_at') as string }]);
    const past = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence_account', ...falsePositive, expires_at: '2020-01-01T00:00:00Z' });
    expect([past.status, past.body.issues[0].path]).toEqual([400, 'body.expires_at']);
    const badScope = await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'everything', ...falsePositive });
    expect([badScope.status, badScope.body.issues[0].path]).toEqual([400, 'body.scope']);
    expect((await reviewer.post('/api/v1/findings/00000000-0000-4000-8000-000000000000/suppress', { scope: 'evidence_account', ...falsePositive })).status).toBe(404);
    expect(await findingRow(source.id)).toMatchObject({ state: 'new', version: 1 });
    expect(await api.db.selectFrom('suppressions').select('id').where('source_finding_id', '=', source.id).execute()).toEqual([]);
  });

  it('lets readers list suppressions, newest first and paged, but not create or revoke them', async () => {
    const account = await seedAccount(api.db);
    const sources: Finding[] = [];
    for (let index = 0; index < 3; index += 1) sources.push(await seed(account, `page ${index}`, 'page-rule'));
    // One second apart, so newest first is one order.
    const start = Date.now();
    try {
      for (const [index, source] of sources.entries()) {
        api.setNow(new Date(start + index * 1_000));
        expect((await reviewer.post(`/api/v1/findings/${source.id}/suppress`, { scope: 'evidence_account', ...falsePositive })).status).toBe(201);
      }
    } finally {
      api.setNow(undefined);
    }

    const byAccount = await auditor.get(`/api/v1/suppressions?account_id=${account.id}&limit=2`);
    expect(byAccount.body.items.map((item: { source_finding_id: string }) => item.source_finding_id)).toEqual([sources[2]!.id, sources[1]!.id]);
    const rest = await auditor.get(`/api/v1/suppressions?account_id=${account.id}&limit=2&cursor=${byAccount.body.next_cursor as string}`);
    expect([rest.body.items.map((item: { source_finding_id: string }) => item.source_finding_id), rest.body.next_cursor]).toEqual([[sources[0]!.id], null]);
    expect((await auditor.get('/api/v1/suppressions?cursor=garbage')).status).toBe(400);

    expect((await auditor.post(`/api/v1/findings/${sources[0]!.id}/suppress`, { scope: 'evidence', ...falsePositive })).status).toBe(403);
    expect((await auditor.delete(`/api/v1/suppressions/${byAccount.body.items[0].id as string}`)).status).toBe(403);
    expect((await api.anonymous().get('/api/v1/suppressions')).status).toBe(401);
  });
});
