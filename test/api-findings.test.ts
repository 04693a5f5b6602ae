import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maskText } from '../core/mask-text.js';
import { OUTLINE_RGB } from '../ocr/render-evidence-image.js';
import { generateApiKey } from '../server/auth/api-key-token.js';
import { ApiKeysRepository } from '../store/repositories/api-keys-repository.js';
import { FindingsRepository } from '../store/repositories/findings-repository.js';
import { findingEvidenceRoutes } from '../server/api/routes/finding-evidence-routes.js';
import { findingsRoutes } from '../server/api/routes/findings-routes.js';
import { FindingTriageRepository } from '../store/repositories/finding-triage-repository.js';
import type { Account, Finding } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { renderTextImage } from './support/render-text-image.js';
import { seedAccount, seedFinding, seedPost } from './support/seed-findings.js';

const ROUTES = [...findingsRoutes(), ...findingEvidenceRoutes()];
const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`GET /api/v1/findings on ${engine}`, () => {
    let harness: ApiHarness;
    let reviewer: ApiClient;
    let siem: ApiClient;
    let alice: Account;
    let bob: Account;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      harness = await startApiHarness({ engine, routes: ROUTES });
      reviewer = await harness.as('reviewer');
      siem = await harness.as('siem');
      const { db } = harness;
      alice = await seedAccount(db, { platform: 'mastodon', handle: 'alice_k', owner: { employeeId: 'E-7', name: 'Alice Kowalska', email: 'alice@corp.example' } });
      bob = await seedAccount(db, { platform: 'telegram', handle: 'bob_news', kind: 'corporate', owner: { name: 'Bob Smith' } });
      const seeds: [string, Parameters<typeof seedFinding>[1]][] = [
        ['aws', { account: alice, severity: 'critical', category: 'secret', score: 95, ruleIds: ['aws-access-key'], title: 'AWS key', evidence: { source: 'text', text: 'AKIAIOSFODNN7EXAMPLE' } }],
        ['memo', { account: alice, severity: 'high', score: 80 }],
        ['wifi', { account: bob, severity: 'medium', category: 'credential', score: 60, ruleIds: ['wifi-password'], title: 'Wi-Fi password', evidence: { source: 'text', text: 'hunter2lab' } }],
        ['badge', { account: bob, severity: 'low', category: 'employee_id', score: 30, title: 'Badge number', evidence: { source: 'text', text: 'EMP-004211' } }],
        ['codename', { account: alice, severity: 'info', category: 'codename', score: 10, ruleIds: ['codename'], title: 'Project BLUEFIN', evidence: { source: 'text', text: 'BLUEFIN' } }],
      ];
      for (const [name, options] of seeds) {
        ids[name] = (await seedFinding(db, options)).id;
        // Distinct creation times, a minute apart, oldest first.
        await sql`UPDATE findings SET created_at = ${new Date(Date.UTC(2026, 10, 1, 10, Object.keys(ids).length))} WHERE id = ${ids[name]}`.execute(db);
      }
      await new FindingTriageRepository(db).assign({
        findingId: ids.memo!,
        assigneeId: reviewer.actor.userId!,
        actor: { type: 'user', id: reviewer.actor.userId!, name: 'reviewer' },
        now: new Date(),
      });
      await db.updateTable('findings').set({ is_current: false }).where('id', '=', ids.badge!).execute();
    });
    afterAll(async () => harness.close());

    const listed = async (query: string, client = reviewer) => {
      const reply = await client.get(`/api/v1/findings${query}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return (reply.body as { items: { id: string }[] }).items.map((item) => item.id);
    };

    it('lists newest first with snake_case fields, ISO dates and the evidence masked', async () => {
      const reply = await siem.get('/api/v1/findings');
      expect(reply.status).toBe(200);
      expect(reply.body.next_cursor).toBeNull();
      expect(reply.body.items.map((item: { id: string }) => item.id)).toEqual([ids.codename, ids.badge, ids.wifi, ids.memo, ids.aws]);
      const aws = reply.body.items.at(-1);
      expect(aws).toMatchObject({
        id: ids.aws,
        title: 'AWS key',
        category: 'secret',
        severity: 'critical',
        score: 95,
        state: 'new',
        resolution: null,
        assignee: null,
        rule_ids: ['aws-access-key'],
        account: { id: alice.id, platform: 'mastodon', handle: 'alice_k', owner_name: 'Alice Kowalska' },
        created_at: '2026-11-01T10:01:00.000Z',
        version: 1,
        is_current: true,
        evidence: { source: 'text', text: maskText('AKIAIOSFODNN7EXAMPLE') },
      });
      expect(aws.post_url).toMatch(/^https:\/\/social\.example\//u);
      expect(reply.body.items[3].assignee).toEqual({ id: reviewer.actor.userId, name: expect.any(String) as string });
      for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'hunter2lab', 'EMP-004211', 'STRICTLY CONFIDENTIAL']) expect(JSON.stringify(reply.body)).not.toContain(secret);
    });

    it('takes multi-valued filters comma-separated or as repeated keys', async () => {
      expect(await listed('?severity=high,critical')).toEqual([ids.memo, ids.aws]);
      expect(await listed('?severity=high&severity=critical')).toEqual([ids.memo, ids.aws]);
      expect(await listed('?category=credential,codename')).toEqual([ids.codename, ids.wifi]);
      expect(await listed('?rule=wifi-password&rule=codename')).toEqual([ids.codename, ids.wifi]);
      expect(await listed('?platform=telegram')).toEqual([ids.badge, ids.wifi]);
      expect(await listed(`?account=${bob.id}`)).toEqual([ids.badge, ids.wifi]);
      expect(await listed('?state=new&severity=info')).toEqual([ids.codename]);
      expect(await listed('?state=resolved')).toEqual([]);
    });

    it('filters by owner, assignee (an id, me or none), creation time and is_current', async () => {
      expect(await listed('?owner=ALICE@corp.example')).toEqual([ids.codename, ids.memo, ids.aws]);
      expect(await listed('?owner=e-7')).toHaveLength(3);
      expect(await listed('?owner=bob%20smith')).toEqual([ids.badge, ids.wifi]);
      expect(await listed('?assignee=me')).toEqual([ids.memo]);
      expect(await listed(`?assignee=${reviewer.actor.userId!}`)).toEqual([ids.memo]);
      expect(await listed('?assignee=me', siem)).toEqual([]);
      expect(await listed('?assignee=none')).toEqual([ids.codename, ids.badge, ids.wifi, ids.aws]);
      expect(await listed('?created_from=2026-11-01T10:02:00Z&created_to=2026-11-01T10:04:00%2B00:00')).toEqual([ids.wifi, ids.memo]);
      expect(await listed('?created_from=2026-11-02')).toEqual([]);
      expect(await listed('?is_current=false')).toEqual([ids.badge]);
    });

    it('searches the evidence text only for callers who may reveal it', async () => {
      expect(await listed('?text=bluefin')).toEqual([ids.codename]);
      expect(await listed('?text=BOB_NEWS')).toEqual([ids.badge, ids.wifi]);
      expect(await listed('?text=hunter2')).toEqual([ids.wifi]);
      expect(await listed('?text=hunter2', siem)).toEqual([]);
      expect(await listed('?text=hunter2', await harness.as('auditor'))).toEqual([]);
    });

    it('sorts by score, severity and updated_at both ways', async () => {
      expect(await listed('?sort=score')).toEqual([ids.aws, ids.memo, ids.wifi, ids.badge, ids.codename]);
      expect(await listed('?sort=severity&order=asc')).toEqual([ids.codename, ids.badge, ids.wifi, ids.memo, ids.aws]);
      expect(await listed('?sort=created_at&order=asc')).toEqual([ids.aws, ids.memo, ids.wifi, ids.badge, ids.codename]);
      expect(await listed('?sort=updated_at')).toHaveLength(5);
    });

    it('pages by cursor until next_cursor is null, in the same order as one long page', async () => {
      for (const sort of ['created_at', 'score', 'severity']) {
        const seen: string[] = [];
        let path = `/api/v1/findings?sort=${sort}&limit=2`;
        for (;;) {
          const reply = await reviewer.get(path);
          expect(reply.status).toBe(200);
          seen.push(...reply.body.items.map((item: { id: string }) => item.id));
          if (reply.body.next_cursor === null) break;
          path = `/api/v1/findings?sort=${sort}&limit=2&cursor=${encodeURIComponent(reply.body.next_cursor as string)}`;
        }
        expect(seen).toEqual(await listed(`?sort=${sort}`));
      }
    });

    it('refuses a tampered cursor and one from another sort with 400, telling to restart', async () => {
      const first = await reviewer.get('/api/v1/findings?limit=2');
      const cursor = first.body.next_cursor as string;
      const tampered = await reviewer.get(`/api/v1/findings?limit=2&cursor=${cursor.slice(0, -2)}AA`);
      expect(tampered.status).toBe(400);
      expect(tampered.body.detail).toMatch(/start again from the first page/u);
      const otherSort = await reviewer.get(`/api/v1/findings?limit=2&sort=score&cursor=${cursor}`);
      expect(otherSort.status).toBe(400);
      expect(otherSort.body.detail).toMatch(/sorted by created_at desc, not score desc/u);
    });

    it('refuses unknown values, unknown parameters and limits out of range', async () => {
      for (const query of ['?severity=urgent', '?state=open', '?limit=0', '?limit=201', '?colour=red', '?created_from=yesterday', '?assignee=bob', '?account=1']) {
        const reply = await reviewer.get(`/api/v1/findings${query}`);
        expect(reply.status, query).toBe(400);
        expect(reply.body.issues.length, query).toBeGreaterThan(0);
      }
    });
  });
}

describe('GET /api/v1/findings/{id}', () => {
  let harness: ApiHarness;
  let finding: Finding;
  let auditor: ApiClient;

  beforeAll(async () => {
    harness = await startApiHarness({ routes: ROUTES });
    auditor = await harness.as('auditor');
    const account = await seedAccount(harness.db);
    finding = await seedFinding(harness.db, {
      account,
      postText: 'Leaked: hunter2lab. Again HUNTER2LAB, and a badge EMP-004211 — thanks!',
      evidence: { source: 'text', text: 'hunter2lab', start: 8, end: 18 },
      ruleIds: ['wifi-password'],
      explain: 'A Wi-Fi password next to the word Wi-Fi.',
      scoreBreakdown: { base: 60, context: 15 },
    });
    // A second finding on the same post: its evidence is masked in the post text too.
    await seedFinding(harness.db, { account, evidence: { source: 'text', text: 'EMP-004211' } });
    const post = await harness.db.selectFrom('findings').select('post_id').where('id', '=', finding.id).executeTakeFirstOrThrow();
    const sibling = await harness.db.selectFrom('findings').select('id').where('evidence', '@>', JSON.stringify({ text: 'EMP-004211' }) as never).executeTakeFirstOrThrow();
    await harness.db.updateTable('findings').set({ post_id: post.post_id }).where('id', '=', sibling.id).execute();
    await harness.db.insertInto('media').values({ post_id: post.post_id, position: 0, source_url: 'https://cdn.example/1.png', status: 'extracted', width: 40, height: 30, content: Buffer.from('png') }).execute();
    await harness.db.insertInto('media').values({ post_id: post.post_id, position: 1, source_url: 'https://cdn.example/2.png', status: 'skipped' }).execute();
    const triage = new FindingTriageRepository(harness.db);
    const actor = { type: 'user' as const, id: 'u-1', name: 'rita' };
    await triage.transition({ findingId: finding.id, to: 'in_review', actor, now: new Date('2026-11-02T09:00:00Z') });
    await triage.comment({ findingId: finding.id, body: 'Asked the owner to delete the post.', actor });
  });
  afterAll(async () => harness.close());

  it('shows the post with every piece of evidence masked and the rest of its text as is', async () => {
    const reply = await auditor.get(`/api/v1/findings/${finding.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body.post.text).toBe(`Leaked: ${maskText('hunter2lab')}. Again ${maskText('HUNTER2LAB')}, and a badge ${maskText('EMP-004211')} — thanks!`);
    expect(reply.body.post).toMatchObject({ url: expect.stringMatching(/^https:/u) as string, published_at: '2026-11-01T10:00:00.000Z' });
    const body = JSON.stringify(reply.body);
    for (const secret of ['hunter2lab', 'HUNTER2LAB', 'EMP-004211']) expect(body).not.toContain(secret);
  });

  it('shows media, score breakdown, history per version, the audit trail and comments', async () => {
    const { body } = await auditor.get(`/api/v1/findings/${finding.id}`);
    expect(body).toMatchObject({
      id: finding.id,
      state: 'in_review',
      version: 2,
      explain: 'A Wi-Fi password next to the word Wi-Fi.',
      score_breakdown: { base: 60, context: 15 },
      evidence: { source: 'text', text: maskText('hunter2lab') },
    });
    expect(body.evidence).not.toHaveProperty('start');
    expect(body.media).toEqual([
      { id: expect.any(String) as string, position: 0, status: 'extracted', width: 40, height: 30, has_content: true },
      { id: expect.any(String) as string, position: 1, status: 'skipped', width: null, height: null, has_content: false },
    ]);
    expect(body.history).toMatchObject([
      { version: 1, type: 'finding.created', state: 'new', resolution: null, assignee_id: null },
      { version: 2, type: 'finding.updated', state: 'in_review', resolution: null, assignee_id: null },
    ]);
    expect(body.audit.map((entry: { action: string }) => entry.action)).toEqual(['finding.transitioned', 'finding.commented']);
    expect(body.audit[0]).toMatchObject({ actor: { type: 'user', id: 'u-1' }, details: { from: 'new', to: 'in_review' } });
    expect(body.comments).toMatchObject([{ body: 'Asked the owner to delete the post.', author: { type: 'user', name: 'rita' } }]);
  });

  it('answers 404 for an unknown finding and 400 for an id that is not one', async () => {
    expect((await auditor.get('/api/v1/findings/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await auditor.get('/api/v1/findings/nope')).status).toBe(400);
    expect((await harness.anonymous().get(`/api/v1/findings/${finding.id}`)).status).toBe(401);
  });
});

describe('evidence reveal and images', () => {
  let harness: ApiHarness;
  let reviewer: ApiClient;
  let auditor: ApiClient;
  let finding: Finding;
  let memo: Buffer;
  const media: Record<string, string> = {};
  const box: [number, number, number, number] = [50, 60, 300, 45];

  /** An image reply's bytes: the harness client reads replies as text, which would mangle a PNG. */
  async function image(role: 'reviewer' | 'auditor', path: string): Promise<{ status: number; type: string | null; cache: string | null; bytes: Buffer }> {
    const user = await harness.createUser(role);
    const key = generateApiKey();
    await new ApiKeysRepository(harness.db).create({ name: 'images', prefix: key.prefix, keyHash: key.hash, role, scopes: [], createdBy: user.id, expiresAt: null });
    const response = await fetch(`${harness.url}${path}`, { headers: { authorization: `Bearer ${key.token}` } });
    return { status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control'), bytes: Buffer.from(await response.arrayBuffer()) };
  }
  const pixels = async (bytes: Buffer) => sharp(bytes).removeAlpha().raw().toBuffer();
  const revealAudits = () => harness.db.selectFrom('audit_log').selectAll().where('action', '=', 'evidence.revealed').orderBy('id').execute();

  beforeAll(async () => {
    harness = await startApiHarness({ routes: ROUTES });
    reviewer = await harness.as('reviewer');
    auditor = await harness.as('auditor');
    memo = await renderTextImage({ lines: ['STRICTLY CONFIDENTIAL', 'Q3 revenue 41.2M'], width: 600, format: 'png' });
    const account = await seedAccount(harness.db);
    const post = await seedPost(harness.db, account, 'Nice desk today');
    for (const [name, position, content] of [['memo', 0, memo], ['dropped', 1, null]] as const) {
      media[name] = (
        await harness.db
          .insertInto('media')
          .values({ post_id: post.id, position, source_url: `https://cdn.example/${name}.png`, status: 'extracted', ocr_text: 'STRICTLY CONFIDENTIAL\nQ3 revenue 41.2M', content })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    ({ finding } = await new FindingsRepository(harness.db).record({
      postId: post.id, accountId: account.id, ruleIds: ['marking-confidential'], category: 'marking', severity: 'high', score: 85, scoreBreakdown: {},
      evidence: { source: 'ocr', text: 'STRICTLY CONFIDENTIAL', box, mediaId: media.memo! },
    }));
    media.other = (await harness.db.insertInto('media').values({ post_id: (await seedPost(harness.db, account, 'x')).id, position: 0, source_url: 'https://cdn.example/o.png', content: memo }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => harness.close());

  it('reveals the evidence, post text and OCR text to a reviewer, and audits it without the evidence', async () => {
    const reply = await reviewer.post(`/api/v1/findings/${finding.id}/reveal`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      finding_id: finding.id,
      evidence: { source: 'ocr', text: 'STRICTLY CONFIDENTIAL', box, media_id: media.memo },
      post_text: 'Nice desk today',
      media: [{ id: media.memo, position: 0, ocr_text: 'STRICTLY CONFIDENTIAL\nQ3 revenue 41.2M' }, { id: media.dropped, position: 1 }],
    });
    const audits = await revealAudits();
    expect(audits).toMatchObject([{ actor_type: 'api_key', actor_id: reviewer.actor.id, target_type: 'finding', target_id: finding.id, details: { what: 'text' } }]);
    expect(JSON.stringify(audits)).not.toMatch(/CONFIDENTIAL|revenue/u);
  });

  it('refuses a reveal to roles without evidence:reveal, and a reveal sent with an Idempotency-Key', async () => {
    const before = (await revealAudits()).length;
    expect((await auditor.post(`/api/v1/findings/${finding.id}/reveal`)).status).toBe(403);
    expect((await (await harness.as('siem')).post(`/api/v1/findings/${finding.id}/reveal`)).status).toBe(403);
    const keyed = await reviewer.post(`/api/v1/findings/${finding.id}/reveal`, undefined, { headers: { 'idempotency-key': 'k-1' } });
    expect(keyed.status).toBe(400);
    expect(keyed.body.detail).toMatch(/without Idempotency-Key/u);
    expect(await revealAudits()).toHaveLength(before);
    expect(JSON.stringify(await harness.db.selectFrom('idempotency_keys').selectAll().execute())).not.toContain('CONFIDENTIAL');
  });

  it('shows the image blurred to anyone who may read findings, never cached', async () => {
    const reply = await image('auditor', `/api/v1/findings/${finding.id}/media/${media.memo!}`);
    expect(reply).toMatchObject({ status: 200, type: 'image/png', cache: 'no-store' });
    const [shown, original] = [await pixels(reply.bytes), await pixels(memo)];
    expect(shown.length).toBe(original.length);
    expect(shown.equals(original)).toBe(false);
    // A blur changes most pixels near the text; the outline alone would change only ~1,500 of 120,000.
    let changed = 0;
    for (let offset = 0; offset < shown.length; offset += 3) if (shown[offset] !== original[offset]) changed += 1;
    expect(changed).toBeGreaterThan(10_000);
  });

  it('shows the image unblurred with the box outlined to a reviewer who asks, and audits it', async () => {
    const before = (await revealAudits()).length;
    const reply = await image('reviewer', `/api/v1/findings/${finding.id}/media/${media.memo!}?reveal=true`);
    expect(reply).toMatchObject({ status: 200, type: 'image/png', cache: 'no-store' });
    const [shown, original] = [await pixels(reply.bytes), await pixels(memo)];
    const width = 600;
    let [outline, changedElsewhere] = [0, 0];
    for (let offset = 0; offset < shown.length; offset += 3) {
      const [x, y] = [(offset / 3) % width, Math.floor(offset / 3 / width)];
      const isOutline = x >= 48 && x < 352 && y >= 58 && y < 107 && !(x >= 50 && x < 350 && y >= 60 && y < 105);
      if (isOutline) outline += shown.subarray(offset, offset + 3).equals(Buffer.from(OUTLINE_RGB)) ? 1 : 0;
      else changedElsewhere += shown.subarray(offset, offset + 3).equals(original.subarray(offset, offset + 3)) ? 0 : 1;
    }
    expect(outline).toBe(304 * 49 - 300 * 45);
    expect(changedElsewhere).toBe(0);
    expect(await revealAudits()).toHaveLength(before + 1);
    expect((await revealAudits()).at(-1)).toMatchObject({ actor_type: 'api_key', details: { what: 'image', media_id: media.memo } });
  });

  it('refuses reveal=true without evidence:reveal, a dropped image, and an image of another post', async () => {
    const before = (await revealAudits()).length;
    expect((await image('auditor', `/api/v1/findings/${finding.id}/media/${media.memo!}?reveal=true`)).status).toBe(403);
    const dropped = await auditor.get(`/api/v1/findings/${finding.id}/media/${media.dropped!}`);
    expect(dropped.status).toBe(404);
    expect(dropped.body.detail).toMatch(/the image was not kept/iu);
    expect((await auditor.get(`/api/v1/findings/${finding.id}/media/${media.other!}`)).status).toBe(404);
    expect(await revealAudits()).toHaveLength(before);
  });
});
