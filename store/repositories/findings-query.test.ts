import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Severity } from '../../core/policy-schema.js';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Account, FindingState, Schema } from '../schema.js';
import { AccountsRepository } from './accounts-repository.js';
import { buildFindingListQuery, FindingsQuery, InvalidCursorError, type FindingListFilter, type FindingListPage, type FindingSort } from './findings-query.js';
import { PostsRepository } from './posts-repository.js';

interface Row {
  account: Account;
  title?: string;
  explain?: string;
  evidence?: string;
  state?: FindingState;
  severity?: Severity;
  category?: Category;
  score?: number;
  ruleIds?: string[];
  assigneeId?: string | null;
  isCurrent?: boolean;
  createdAt: string;
}

async function insertFinding(db: Kysely<Schema>, row: Row): Promise<string> {
  const { post } = await new PostsRepository(db).upsert({
    accountId: row.account.id,
    platform: row.account.platform,
    externalId: randomUUID(),
    url: `https://social.example/${randomUUID()}`,
    text: `post with ${row.evidence ?? 'nothing'}`,
  });
  const state = row.state ?? 'new';
  const inserted = await db
    .insertInto('findings')
    .values({
      post_id: post.id,
      account_id: row.account.id,
      dedupe_key: randomUUID(),
      rule_ids: row.ruleIds ?? ['marking-confidential'],
      category: row.category ?? 'marking',
      severity: row.severity ?? 'high',
      score: row.score ?? 50,
      evidence: JSON.stringify({ source: 'text', text: row.evidence ?? 'CONFIDENTIAL' }),
      state,
      resolution: state === 'resolved' ? 'confirmed_leak' : null,
      resolution_expires_at: null,
      assignee_id: row.assigneeId ?? null,
      title: row.title ?? 'A marking',
      explain: row.explain ?? 'Marked confidential.',
      is_current: row.isCurrent ?? true,
      created_at: row.createdAt,
      updated_at: row.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

async function walk(query: FindingsQuery, filter: FindingListFilter, page: Omit<FindingListPage, 'cursor'>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const result = await query.list(filter, { ...page, cursor });
    pages.push(result.items.map((item) => item.id));
    cursor = result.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`findings list on ${target.name}`, () => {
    const { log } = capturingLogger();
    let database: Database;
    let dispose: () => Promise<void>;
    let query: FindingsQuery;
    let alice: Account;
    let bob: Account;
    let reviewerId: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      const { db } = database;
      await migrateToLatest(db, log);
      query = new FindingsQuery(db);
      const accounts = new AccountsRepository(db);
      alice = await accounts.create({
        platform: 'mastodon',
        handle: 'alice_k',
        kind: 'employee',
        owner: { employeeId: 'E-1001', name: 'Alice Kowalska', email: 'Alice@Corp.example' },
      });
      bob = await accounts.create({ platform: 'telegram', handle: 'bob_news', kind: 'corporate', owner: { name: 'Bob Smith' } });
      reviewerId = (await db.insertInto('users').values({ username: 'rita', role: 'reviewer', password_hash: null }).returning('id').executeTakeFirstOrThrow()).id;
      const base = Date.parse('2025-03-01T10:00:00Z');
      const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
      ids.secret = await insertFinding(db, { account: alice, createdAt: at(0), title: 'AWS key', category: 'secret', severity: 'critical', score: 95, ruleIds: ['aws-access-key'], evidence: 'AKIAIOSFODNN7EXAMPLE' });
      ids.marking = await insertFinding(db, { account: alice, createdAt: at(1), state: 'in_review', severity: 'high', score: 80, assigneeId: reviewerId });
      ids.wifi = await insertFinding(db, { account: bob, createdAt: at(2), title: 'Wi-Fi password 100%_sure', category: 'credential', severity: 'medium', score: 60, ruleIds: ['wifi-password', 'password-in-text'], evidence: 'hunter2lab' });
      ids.badge = await insertFinding(db, { account: bob, createdAt: at(3), state: 'resolved', category: 'employee_id', severity: 'low', score: 30, explain: 'A badge number is readable.', isCurrent: false });
      ids.codename = await insertFinding(db, { account: alice, createdAt: at(4), state: 'reopened', category: 'codename', severity: 'info', score: 10, ruleIds: ['codename'], title: 'Project BLUEFIN' });
    });
    afterAll(async () => dispose());

    const list = async (filter: FindingListFilter, page: Partial<FindingListPage> = {}) =>
      (await query.list(filter, { sort: 'created_at', order: 'desc', limit: 50, ...page })).items.map((item) => item.id);

    it('lists newest first by default, each finding with its account and post', async () => {
      expect(await list({})).toEqual([ids.codename, ids.badge, ids.wifi, ids.marking, ids.secret]);
      const [first] = (await query.list({}, { sort: 'created_at', order: 'desc', limit: 1 })).items;
      expect(first).toMatchObject({ account_handle: 'alice_k', account_platform: 'mastodon', account_owner_name: 'Alice Kowalska' });
      expect(first?.post_url).toMatch(/^https:\/\/social\.example\//u);
    });

    it('filters by state, severity, category, rule, platform and account, each matching any of its values', async () => {
      expect(await list({ states: ['in_review', 'reopened'] })).toEqual([ids.codename, ids.marking]);
      expect(await list({ severities: ['critical', 'high'] })).toEqual([ids.marking, ids.secret]);
      expect(await list({ categories: ['credential'] })).toEqual([ids.wifi]);
      expect(await list({ ruleIds: ['password-in-text', 'codename'] })).toEqual([ids.codename, ids.wifi]);
      expect(await list({ ruleIds: ['password'] })).toEqual([]);
      expect(await list({ platforms: ['telegram'] })).toEqual([ids.badge, ids.wifi]);
      expect(await list({ accountIds: [alice.id] })).toEqual([ids.codename, ids.marking, ids.secret]);
      expect(await list({ states: ['new'], platforms: ['mastodon'] })).toEqual([ids.secret]);
    });

    it('finds the owner by employee id, e-mail or name in any case, and only whole', async () => {
      expect(await list({ owner: 'e-1001' })).toHaveLength(3);
      expect(await list({ owner: 'alice@corp.EXAMPLE' })).toHaveLength(3);
      expect(await list({ owner: 'bob smith' })).toEqual([ids.badge, ids.wifi]);
      expect(await list({ owner: 'Alice' })).toEqual([]);
    });

    it('finds an owner whose name PostgreSQL and JavaScript lower-case differently, typed exactly', async () => {
      const kostas = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: 'kostas_g', kind: 'employee', owner: { name: 'ΚΏΣΤΑΣ ΓΕΩΡΓΊΟΥ', employeeId: 'ΑΣ-7' } });
      const id = await insertFinding(database.db, { account: kostas, createdAt: '2025-01-01T00:00:00Z' });
      expect(await list({ owner: 'ΑΣ-7' })).toEqual([id]);
      expect(await list({ owner: 'ΚΏΣΤΑΣ ΓΕΩΡΓΊΟΥ' })).toEqual([id]);
      await database.db.deleteFrom('findings').where('id', '=', id).execute();
    });

    it('filters by assignee, with null for unassigned', async () => {
      expect(await list({ assignees: [reviewerId] })).toEqual([ids.marking]);
      expect(await list({ assignees: [null] })).toEqual([ids.codename, ids.badge, ids.wifi, ids.secret]);
      expect(await list({ assignees: [reviewerId, null] })).toHaveLength(5);
    });

    it('takes created_from inclusive and created_to exclusive, and filters on is_current', async () => {
      const from = new Date('2025-03-01T10:01:00Z');
      const to = new Date('2025-03-01T10:03:00Z');
      expect(await list({ createdFrom: from, createdTo: to })).toEqual([ids.wifi, ids.marking]);
      expect(await list({ isCurrent: false })).toEqual([ids.badge]);
      expect(await list({ isCurrent: true })).toHaveLength(4);
    });

    it('searches title, explanation and handle case-insensitively, and LIKE characters literally', async () => {
      expect(await list({ text: 'bluefin' })).toEqual([ids.codename]);
      expect(await list({ text: 'BADGE NUMBER' })).toEqual([ids.badge]);
      expect(await list({ text: 'BOB_NEWS' })).toEqual([ids.badge, ids.wifi]);
      expect(await list({ text: '100%_' })).toEqual([ids.wifi]);
      expect(await list({ text: '%' })).toEqual([ids.wifi]);
      expect(await list({ text: 'b_ob' })).toEqual([]);
    });

    it('searches the raw evidence only for callers who may reveal it', async () => {
      expect(await list({ text: 'hunter2' })).toEqual([]);
      expect(await list({ text: 'hunter2', isEvidenceSearchable: false })).toEqual([]);
      expect(await list({ text: 'HUNTER2', isEvidenceSearchable: true })).toEqual([ids.wifi]);
    });

    it('orders by score, severity and updated_at in either direction', async () => {
      expect(await list({}, { sort: 'score', order: 'desc' })).toEqual([ids.secret, ids.marking, ids.wifi, ids.badge, ids.codename]);
      expect(await list({}, { sort: 'score', order: 'asc' })).toEqual([ids.codename, ids.badge, ids.wifi, ids.marking, ids.secret]);
      expect(await list({}, { sort: 'severity', order: 'desc' })).toEqual([ids.secret, ids.marking, ids.wifi, ids.badge, ids.codename]);
      expect(await list({}, { sort: 'updated_at', order: 'asc' })).toEqual([ids.secret, ids.marking, ids.wifi, ids.badge, ids.codename]);
    });

    for (const [sort, order] of [['created_at', 'desc'], ['created_at', 'asc'], ['score', 'desc'], ['severity', 'asc'], ['severity', 'desc'], ['updated_at', 'desc']] as const) {
      it(`pages through ${sort} ${order} exactly once each, ties included`, async () => {
        const all = await list({}, { sort, order, limit: 200 });
        const pages = await walk(query, {}, { sort, order, limit: 2 });
        expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
        expect(pages.flat()).toEqual(all);
      });
    }

    it('never repeats or skips a row when findings arrive between pages, even at one microsecond apart', async () => {
      const { db } = database;
      const account = await new AccountsRepository(db).create({ platform: 'x', handle: `ties_${target.name}`, kind: 'employee' });
      const filter = { accountIds: [account.id] };
      // Twelve rows share one instant and four more sit a microsecond on either side of it.
      const at = '2025-04-01T00:00:00.000500Z';
      const before = ['2025-04-01T00:00:00.000499Z', '2025-04-01T00:00:00.000498Z'];
      const after = ['2025-04-01T00:00:00.000501Z', '2025-04-01T00:00:00.000502Z'];
      const seeded: string[] = [];
      for (const createdAt of [...before, ...Array.from({ length: 12 }, () => at), ...after]) seeded.push(await insertFinding(db, { account, createdAt }));
      const first = await query.list(filter, { sort: 'created_at', order: 'desc', limit: 5 });
      // A newer finding arrives after the first page was read: later pages must not shift.
      const late = await insertFinding(db, { account, createdAt: '2025-04-02T00:00:00Z' });
      const seen = first.items.map((item) => item.id);
      let cursor = first.nextCursor ?? undefined;
      while (cursor !== undefined) {
        const page = await query.list(filter, { sort: 'created_at', order: 'desc', limit: 5, cursor });
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual([...seeded].sort());
      expect(seen).not.toContain(late);
    });

    it('refuses a malformed, altered or truncated cursor and asks to restart from the first page', async () => {
      const { nextCursor } = await query.list({}, { sort: 'created_at', order: 'desc', limit: 1 });
      expect(nextCursor).not.toBeNull();
      const good = nextCursor ?? '';
      const decoded = JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as { b: string; c: string };
      const altered = Buffer.from(JSON.stringify({ ...decoded, b: decoded.b.replace(/"i":"[0-9a-f]/u, (head) => `${head.slice(0, -1)}${head.endsWith('0') ? '1' : '0'}`) })).toString('base64url');
      for (const cursor of ['not a cursor', 'e30', good.slice(0, -3), altered, `${good}x`]) {
        const attempt = query.list({}, { sort: 'created_at', order: 'desc', limit: 1, cursor });
        await expect(attempt).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(attempt).rejects.toThrow(/start again from the first page/u);
      }
    });

    it('pages through the severity order with a severity filter, one severity after another', async () => {
      const pages = await walk(query, { severities: ['critical', 'medium', 'info'] }, { sort: 'severity', order: 'desc', limit: 1 });
      expect(pages).toEqual([[ids.secret], [ids.wifi], [ids.codename]]);
    });

    it('refuses a cursor made for another order', async () => {
      const { nextCursor } = await query.list({}, { sort: 'score', order: 'desc', limit: 1 });
      const cursor = nextCursor ?? '';
      for (const page of [{ sort: 'created_at' as FindingSort, order: 'desc' as const }, { sort: 'score' as FindingSort, order: 'asc' as const }]) {
        await expect(query.list({}, { ...page, limit: 1, cursor })).rejects.toThrow(/belongs to a list sorted by score desc/u);
      }
    });

    // Query plans are PostgreSQL's: the test exists only on that engine (not a skip on the other).
    if (target.name === 'PostgreSQL') it('reads the default list and a state filter from the indexes, with no sort and no scan of all findings', async () => {
      const { db } = database;
      await sql`INSERT INTO posts (account_id, platform, external_id, url, content_sha256)
        SELECT ${alice.id}::uuid, 'bulk', 'bulk-' || i, 'https://social.example/bulk/' || i, md5(i::text)
        FROM generate_series(1, 1000) AS i`.execute(db);
      await sql`INSERT INTO findings (post_id, account_id, dedupe_key, rule_ids, category, severity, score, evidence, state, resolution, created_at, updated_at)
        SELECT p.id, ${alice.id}::uuid, 'bulk-' || i, ARRAY['rule-' || (i % 40)], 'secret',
          (ARRAY['info','low','medium','high','critical'])[1 + i % 5], i % 101, '{"source":"text","text":"x"}'::jsonb,
          (ARRAY['new','in_review','resolved','reopened'])[1 + i % 4],
          CASE WHEN i % 4 = 2 THEN 'confirmed_leak' END,
          now() - i * interval '1 second', now() - i * interval '1 second'
        FROM generate_series(1, 20000) AS i JOIN posts p ON p.external_id = 'bulk-' || (1 + i % 1000)`.execute(db);
      await sql`ANALYZE`.execute(db);
      const plan = async (filter: FindingListFilter, withCursor: boolean) => {
        const first = await query.list(filter, { sort: 'created_at', order: 'desc', limit: 50 });
        const page = { sort: 'created_at' as const, order: 'desc' as const, limit: 51, cursor: withCursor ? (first.nextCursor ?? undefined) : undefined };
        const explained = await buildFindingListQuery(db, filter, page).explain('json');
        return JSON.stringify(explained);
      };
      const cases: [FindingListFilter, string][] = [
        [{}, 'findings_created_id_idx'],
        [{ states: ['new'] }, 'findings_state_created_idx'],
        // The severity order reads one severity at a time in created_at order.
        [{ severities: ['high'] }, 'findings_severity_idx'],
      ];
      for (const [filter, index] of cases) {
        for (const withCursor of [false, true]) {
          const text = await plan(filter, withCursor);
          expect(text).toContain(index);
          expect(text).not.toMatch(/"Node Type":\s*"Sort"/u);
          expect(text).not.toMatch(/"Node Type":\s*"Seq Scan",[^}]*"Relation Name":\s*"findings"/u);
        }
      }
    });
  });
}
