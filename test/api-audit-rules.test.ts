import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleInfo } from '../server/api/api-services.js';
import { auditRoutes } from '../server/api/routes/audit-routes.js';
import { rulesRoutes } from '../server/api/routes/rules-routes.js';
import { auditListReply } from '../server/api/schemas/audit-schemas.js';
import { ruleListReply, ruleReply } from '../server/api/schemas/rules-schemas.js';
import type { Resolution } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { readProblem } from './support/read-problem.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';

const RULES: RuleInfo[] = [
  {
    id: 'marking-confidential',
    title: 'Confidentiality marking',
    category: 'marking',
    severity: 'high',
    pack: 'markings',
    description: 'A document stamped confidential.',
    examples: { leak: ['STRICTLY CONFIDENTIAL'], clean: ['confidentially, I love cake'] },
  },
  { id: 'aws-access-key', title: 'AWS access key', category: 'secret', severity: 'critical', pack: 'secrets' },
  { id: 'never-fired', title: 'A rule nothing matched', category: 'pii', severity: 'low', pack: 'pii' },
];

describe('rules and audit API', () => {
  let api: ApiHarness;
  let auditor: ApiClient;
  let reviewer: ApiClient;
  let siem: ApiClient;

  beforeAll(async () => {
    api = await startApiHarness({ routes: [...rulesRoutes(), ...auditRoutes()], services: { rules: RULES } });
    [auditor, reviewer, siem] = await Promise.all([api.as('auditor'), api.as('reviewer'), api.as('siem')]);
  });
  afterAll(async () => api.close());

  describe('GET /rules', () => {
    beforeAll(async () => {
      const account = await seedAccount(api.db);
      const seed = async (ruleIds: [string, ...string[]], resolution?: Resolution, state: 'new' | 'in_review' | 'reopened' = 'new') => {
        const finding = await seedFinding(api.db, { account, ruleIds, evidence: { source: 'text', text: `evidence ${Math.random()}` } });
        await api.db
          .updateTable('findings')
          .set(resolution ? { state: 'resolved', resolution } : { state })
          .where('id', '=', finding.id)
          .execute();
      };
      // marking-confidential: 2 new, 1 in review, 1 reopened; resolved: 3 false positives, 1 confirmed leak (1 of them also names aws-access-key).
      await seed(['marking-confidential']);
      await seed(['marking-confidential']);
      await seed(['marking-confidential'], undefined, 'in_review');
      await seed(['marking-confidential'], undefined, 'reopened');
      await seed(['marking-confidential'], 'false_positive');
      await seed(['marking-confidential'], 'false_positive');
      await seed(['marking-confidential', 'aws-access-key'], 'false_positive');
      await seed(['marking-confidential'], 'confirmed_leak');
      // aws-access-key: open ones only, besides the shared false positive; a retired rule is not listed.
      await seed(['aws-access-key']);
      await seed(['retired-rule'], 'false_positive');
    });

    it('lists every rule in force with its findings by state and its false-positive rate', async () => {
      const reply = await auditor.get('/api/v1/rules');
      expect(reply.status).toBe(200);
      const { items, next_cursor: nextCursor } = ruleListReply.parse(reply.body);
      expect(nextCursor).toBeNull();
      expect(items.map((rule) => rule.id)).toEqual(['marking-confidential', 'aws-access-key', 'never-fired']);
      const [marking, aws, never] = items;
      expect(marking).toEqual({
        ...RULES[0],
        findings: { total: 8, new: 2, in_review: 1, resolved: 4, reopened: 1 },
        resolutions: { confirmed_leak: 1, false_positive: 3, authorized: 0, accepted_risk: 0, duplicate: 0, out_of_scope: 0 },
        false_positive_rate: 0.75,
      });
      expect([aws?.findings, aws?.false_positive_rate]).toEqual([{ total: 2, new: 1, in_review: 0, resolved: 1, reopened: 0 }, 1]);
      expect([never?.findings.total, never?.false_positive_rate]).toEqual([0, null]);
    });

    it('shows one rule the same way, and 404 for a rule not in force', async () => {
      const list = ruleListReply.parse((await auditor.get('/api/v1/rules')).body);
      const one = await auditor.get('/api/v1/rules/marking-confidential');
      expect([one.status, ruleReply.parse(one.body)]).toEqual([200, list.items[0]]);
      const retired = readProblem(await auditor.get('/api/v1/rules/retired-rule'));
      expect([retired.status, retired.detail]).toEqual([404, expect.stringContaining('GET /api/v1/rules') as string]);
    });

    it("shows each rule's description and its pack's leak and clean examples, empty when it has none", async () => {
      const list = ruleListReply.parse((await auditor.get('/api/v1/rules')).body);
      expect(list.items.find((rule) => rule.id === 'marking-confidential')).toMatchObject({
        description: 'A document stamped confidential.',
        examples: { leak: ['STRICTLY CONFIDENTIAL'], clean: ['confidentially, I love cake'] },
      });
      expect(list.items.find((rule) => rule.id === 'never-fired')).toMatchObject({ description: null, examples: { leak: [], clean: [] } });
    });

    it('is closed to callers without rules:read', async () => {
      expect((await siem.get('/api/v1/rules')).status).toBe(403);
    });
  });

  describe('GET /audit', () => {
    const at = (iso: string) => new Date(iso);
    beforeAll(async () => {
      const entries = [
        { occurred_at: at('2030-01-01T10:00:00Z'), actor_type: 'user', actor_id: 'u-1', action: 'finding.transitioned', target_type: 'finding', target_id: 'f-1' },
        { occurred_at: at('2030-01-01T11:00:00Z'), actor_type: 'user', actor_id: 'u-2', action: 'finding.reveal', target_type: 'finding', target_id: 'f-1' },
        { occurred_at: at('2030-01-01T12:00:00Z'), actor_type: 'api_key', actor_id: 'k-1', action: 'suppression.created', target_type: 'suppression', target_id: 's-1' },
        { occurred_at: at('2030-01-01T13:00:00Z'), actor_type: 'system', actor_id: null, action: 'finding.risk_lapsed', target_type: 'finding', target_id: 'f-2' },
        { occurred_at: at('2030-01-01T14:00:00Z'), actor_type: 'user', actor_id: 'u-1', action: 'findingXreveal', target_type: 'finding', target_id: 'f-3' },
      ] as const;
      for (const entry of entries) await api.db.insertInto('audit_log').values({ ...entry, details: JSON.stringify({ note: entry.action }), ip: '10.0.0.1' }).execute();
    });

    /** The actions listed for `query`, within the seeded day unless the query names its own times. */
    const actions = async (query: string) => {
      const day = query.includes('from=') ? '' : 'from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z&';
      const reply = await auditor.get(`/api/v1/audit?${day}${query}`);
      expect(reply.status).toBe(200);
      return auditListReply.parse(reply.body).items.map((item) => item.action);
    };

    it('lists entries newest first in the API form', async () => {
      const { items } = auditListReply.parse((await auditor.get('/api/v1/audit?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z')).body);
      expect(items.map((item) => item.action)).toEqual([
        'findingXreveal',
        'finding.risk_lapsed',
        'suppression.created',
        'finding.reveal',
        'finding.transitioned',
      ]);
      expect(items[2]).toEqual({
        id: expect.any(Number) as number,
        occurred_at: '2030-01-01T12:00:00.000Z',
        actor_type: 'api_key',
        actor_id: 'k-1',
        actor_name: null,
        action: 'suppression.created',
        target_type: 'suppression',
        target_id: 's-1',
        details: { note: 'suppression.created' },
        ip: '10.0.0.1',
      });
    });

    it("names who acted, by username or key name, so that an auditor need not list users or keys", async () => {
      const reviewerKey = await api.db.selectFrom('api_keys').select(['id', 'name']).where('id', '=', reviewer.actor.id).executeTakeFirstOrThrow();
      const user = await api.db.selectFrom('users').select('username').where('id', '=', reviewer.actor.userId!).executeTakeFirstOrThrow();
      await api.db.insertInto('audit_log').values([
        { occurred_at: at('2031-05-05T10:00:00Z'), actor_type: 'user', actor_id: reviewer.actor.userId!, action: 'naming.user', details: '{}' },
        { occurred_at: at('2031-05-05T11:00:00Z'), actor_type: 'api_key', actor_id: reviewerKey.id, action: 'naming.key', details: '{}' },
      ]).execute();
      const { items } = auditListReply.parse((await auditor.get('/api/v1/audit?action=naming.')).body);
      expect(items.map((item) => [item.action, item.actor_name])).toEqual([
        ['naming.key', reviewerKey.name],
        ['naming.user', user.username],
      ]);
    });

    it('filters by actor, action prefix (taken literally), target and time', async () => {
      expect(await actions('actor_type=system')).toEqual(['finding.risk_lapsed']);
      expect(await actions('actor_id=u-1')).toEqual(['findingXreveal', 'finding.transitioned']);
      expect(await actions('action=finding.')).toEqual(['finding.risk_lapsed', 'finding.reveal', 'finding.transitioned']);
      expect(await actions('action=finding_')).toEqual([]);
      expect(await actions('action=finding%25')).toEqual([]);
      expect(await actions('target_type=finding&target_id=f-1')).toEqual(['finding.reveal', 'finding.transitioned']);
      expect(await actions('from=2030-01-01T11:00:00Z&to=2030-01-01T13:00:00Z')).toEqual(['suppression.created', 'finding.reveal']);
    });

    it('pages by id without skipping or repeating, and ends with a null cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const reply = await auditor.get(`/api/v1/audit?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        const page = auditListReply.parse(reply.body);
        seen.push(...page.items.map((item) => item.action));
        cursor = page.next_cursor;
        pages += 1;
      } while (cursor !== null);
      expect(pages).toBe(3);
      expect(seen).toEqual(await actions(''));
    });

    it('refuses limits over 500, bad cursors and times, and callers without audit:read', async () => {
      expect(readProblem(await auditor.get('/api/v1/audit?limit=501')).issues).toEqual([{ path: 'query.limit', message: expect.any(String) as string }]);
      expect((await auditor.get('/api/v1/audit?cursor=abc')).status).toBe(400);
      expect((await auditor.get('/api/v1/audit?from=yesterday')).status).toBe(400);
      expect(readProblem(await auditor.get('/api/v1/audit?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z')).issues?.[0]?.path).toBe('query.to');
      expect((await auditor.get('/api/v1/audit?limit=500')).status).toBe(200);
      expect((await reviewer.get('/api/v1/audit')).status).toBe(403);
    });
  });
});
