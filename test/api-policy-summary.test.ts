import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parsePolicy } from '../core/load-policy.js';
import { SEVERITIES } from '../core/policy-schema.js';
import { apiRoutes } from '../server/api/api-routes.js';
import { findingsRoutes } from '../server/api/routes/findings-routes.js';
import type { Account, FindingState } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';
import { seededRandom } from './support/seeded-random.js';

const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

const POLICY_YAML = `
version: 1
organisation: { name: Acme Rail, aliases: [ACR] }
codeNames: [{ name: BLUEFIN, context: [project] }]
reviewThreshold: 75
overrides: { aws-access-key: { severity: critical, score: 95 } }
allowlists: { global: [example.com] }
retention: { findingsDays: 400, auditLogDays: 1000 }
`;

describe('GET /api/v1/policy', () => {
  let harness: ApiHarness;
  const policy = parsePolicy(POLICY_YAML, 'overshare.policy.yaml');

  beforeAll(async () => {
    // Through apiRoutes, as serve builds them: the policy's source is handed on to the route.
    const routes = apiRoutes({ sessionMaxAgeMs: 60_000, policySource: '/etc/overshare/overshare.policy.yaml' }).filter((route) => route.path === '/policy');
    harness = await startApiHarness({ routes, services: { policy } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('shows reviewers the policy in force with every default filled in, and the file it came from', async () => {
    const reply = await (await harness.as('reviewer')).get('/api/v1/policy');
    expect(reply.status).toBe(200);
    expect(reply.body.source).toBe('/etc/overshare/overshare.policy.yaml');
    expect(reply.body.policy).toEqual(JSON.parse(JSON.stringify(policy)));
    expect(reply.body.policy).toMatchObject({
      organisation: { name: 'Acme Rail', aliases: ['ACR'] },
      reviewThreshold: 75,
      overrides: { 'aws-access-key': { severity: 'critical', score: 95 } },
      allowlists: { global: [{ text: 'example.com' }] },
      // Set in the file, and the defaults of what it left out.
      retention: { findingsDays: 400, auditLogDays: 1000, resolvedFindingsDays: 180, cleanPostsDays: 30, eventsDays: 90 },
      languages: ['en', 'ru', 'uk', 'pl', 'el'],
    });
  });

  it('shows it to auditors and admins, not to the siem role', async () => {
    expect((await (await harness.as('auditor')).get('/api/v1/policy')).status).toBe(200);
    expect((await (await harness.as('admin')).get('/api/v1/policy')).status).toBe(200);
    expect((await (await harness.as('siem')).get('/api/v1/policy')).status).toBe(403);
  });
});

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`GET /api/v1/findings/summary on ${engine}`, () => {
    let harness: ApiHarness;
    let reviewer: ApiClient;
    let siem: ApiClient;
    let accounts: Account[];

    beforeAll(async () => {
      harness = await startApiHarness({ engine, routes: findingsRoutes() });
      reviewer = await harness.as('reviewer');
      siem = await harness.as('siem');
      const { db } = harness;
      accounts = [
        await seedAccount(db, { platform: 'mastodon', handle: 'alice_k' }),
        await seedAccount(db, { platform: 'telegram', handle: 'bob_news', kind: 'corporate' }),
        await seedAccount(db, { platform: 'mastodon', handle: 'carol_w' }),
      ];
      const random = seededRandom(2026);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
      for (let index = 0; index < 45; index += 1) {
        const severity = pick(SEVERITIES);
        // Only in the evidence: a text search finds it for callers who may reveal evidence, never for others.
        const evidence = index % 4 === 0 ? `ZEPHYR-${index}-KEY` : `STRICTLY CONFIDENTIAL ${index}`;
        const finding = await seedFinding(db, {
          account: pick(accounts),
          severity,
          category: pick(['marking', 'secret', 'credential'] as const),
          score: Math.floor(random() * 100),
          title: `Finding ${index}`,
          evidence: { source: 'text', text: evidence },
          postText: `post ${index}: ${evidence}`,
        });
        const state = pick<FindingState>(['new', 'new', 'in_review', 'resolved', 'reopened']);
        await db
          .updateTable('findings')
          .set({
            state,
            resolution: state === 'resolved' ? 'duplicate' : null,
            assignee_id: random() < 0.3 ? reviewer.actor.userId! : null,
            is_current: random() < 0.8,
          })
          .where('id', '=', finding.id)
          .execute();
        await sql`UPDATE findings SET created_at = ${new Date(Date.UTC(2026, 10, 1, 0, index))} WHERE id = ${finding.id}`.execute(db);
      }
    });
    afterAll(async () => harness.close());

    /** Counts what every page of GET /findings lists for a query, walking the pages 7 at a time. */
    const countListed = async (client: ApiClient, query: string) => {
      const counts = { total: 0, by_state: {} as Record<string, number>, by_severity: {} as Record<string, number> };
      let cursor: string | null = null;
      do {
        const page = await client.get(`/api/v1/findings?${query}&limit=7${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        for (const item of page.body.items as { state: string; severity: string }[]) {
          counts.total += 1;
          counts.by_state[item.state] = (counts.by_state[item.state] ?? 0) + 1;
          counts.by_severity[item.severity] = (counts.by_severity[item.severity] ?? 0) + 1;
        }
        cursor = page.body.next_cursor as string | null;
      } while (cursor !== null);
      return counts;
    };
    const summaryOf = async (client: ApiClient, query: string) => {
      const reply = await client.get(`/api/v1/findings/summary?${query}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const body = reply.body as { total: number; by_state: Record<string, number>; by_severity: Record<string, number> };
      const withoutZeros = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
      return { body, nonZero: { total: body.total, by_state: withoutZeros(body.by_state), by_severity: withoutZeros(body.by_severity) } };
    };

    it('counts exactly what the pages of the list hold, for each filter', async () => {
      const [alice, bob] = accounts;
      const queries = [
        '',
        'state=new,reopened',
        'severity=high&severity=critical',
        `account=${alice!.id}`,
        'platform=telegram',
        'category=secret&state=in_review',
        'assignee=me',
        'assignee=none&is_current=false',
        'created_from=2026-11-01T00:10:00Z&created_to=2026-11-01T00:30:00Z',
        'text=finding 1',
        `account=${bob!.id}&severity=info`,
      ];
      for (const query of queries) {
        const { nonZero } = await summaryOf(reviewer, query);
        expect(nonZero, query).toEqual(await countListed(reviewer, query));
      }
      expect((await summaryOf(reviewer, '')).body.total).toBe(45);
    });

    it('names every state and severity, with 0 for those the filter leaves out', async () => {
      const { body } = await summaryOf(reviewer, 'state=resolved');
      expect(Object.keys(body.by_state).sort()).toEqual(['in_review', 'new', 'reopened', 'resolved']);
      expect(Object.keys(body.by_severity).sort()).toEqual([...SEVERITIES].sort());
      expect(body.by_state).toMatchObject({ new: 0, in_review: 0, reopened: 0 });
      expect(body.by_state.resolved).toBe(body.total);
      expect(body.total).toBeGreaterThan(0);
    });

    it('searches the evidence text only for callers who may reveal it, as the list does', async () => {
      const forReviewer = await summaryOf(reviewer, 'text=zephyr');
      expect(forReviewer.body.total).toBeGreaterThan(0);
      expect(forReviewer.nonZero).toEqual(await countListed(reviewer, 'text=zephyr'));
      const forSiem = await summaryOf(siem, 'text=zephyr');
      expect(forSiem.body.total).toBe(0);
      expect(forSiem.nonZero).toEqual(await countListed(siem, 'text=zephyr'));
    });

    it('is not taken for a finding id, and refuses the list’s order and page parameters', async () => {
      // Still a summary after a finding was looked up by id: the routes do not shadow each other.
      const [first] = (await reviewer.get('/api/v1/findings?limit=1')).body.items as { id: string }[];
      expect((await reviewer.get(`/api/v1/findings/${first!.id}`)).status).toBe(200);
      for (const query of ['limit=5', 'cursor=abc', 'sort=score', 'order=asc']) {
        const reply = await reviewer.get(`/api/v1/findings/summary?${query}`);
        expect(reply.status, query).toBe(400);
      }
      const bad = await reviewer.get('/api/v1/findings/summary?severity=urgent');
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('query.severity');
    });

    it('counts findings the moment their state changes', async () => {
      const before = (await summaryOf(reviewer, '')).body;
      await sql`UPDATE findings SET state = 'in_review' WHERE id = (SELECT id FROM findings WHERE state = 'new' ORDER BY id LIMIT 1)`.execute(harness.db);
      const after = (await summaryOf(reviewer, '')).body;
      expect(after.total).toBe(before.total);
      expect(after.by_state.new).toBe(before.by_state.new! - 1);
      expect(after.by_state.in_review).toBe(before.by_state.in_review! + 1);
    });
  });
}
