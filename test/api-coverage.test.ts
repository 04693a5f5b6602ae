import { sql, type Insertable, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CollectionOutcome } from '../core/coverage.js';
import { coverageGapListReply, coverageReply, type CoverageGapReply } from '../server/api/schemas/coverage-schemas.js';
import type { Account, CoverageGapsTable, Schema } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedAccount } from './support/seed-findings.js';

const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

const HOUR = 3_600_000;
// The API's clock, fixed: the health window is the 6 hours before it.
const NOW = new Date('2026-05-04T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

async function attempt(db: Kysely<Schema>, platform: string, outcome: CollectionOutcome, at: Date, options: { account?: Account; isCanary?: boolean } = {}) {
  await db
    .insertInto('collection_attempts')
    .values({
      platform,
      account_id: options.account?.id ?? null,
      is_canary: options.isCanary ?? false,
      outcome,
      error: outcome === 'ok' ? null : `${outcome} at ${at.toISOString()}`,
      attempted_at: at,
    })
    .execute();
}

async function gap(db: Kysely<Schema>, account: Account, values: Partial<Insertable<CoverageGapsTable>> & { started_at: Date; detected_at: Date }) {
  return db
    .insertInto('coverage_gaps')
    .values({
      account_id: account.id,
      platform: account.platform,
      last_failed_at: values.detected_at,
      reason: 'timeout',
      last_error: 'navigation timed out after 30 s',
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`coverage API on ${engine}`, () => {
    let harness: ApiHarness;
    let reviewer: ApiClient;
    let siem: ApiClient;

    beforeAll(async () => {
      harness = await startApiHarness({ engine });
      reviewer = await harness.as('reviewer');
      siem = await harness.as('siem');
    });
    afterAll(async () => harness.close());

    it('reports no platform and nothing uncovered before any account is registered', async () => {
      harness.setNow(NOW);
      const reply = await reviewer.get('/api/v1/coverage');
      expect(reply.status).toBe(200);
      expect(coverageReply.parse(reply.body)).toEqual({
        generated_at: NOW.toISOString(),
        window_hours: 6,
        open_gaps: 0,
        accounts_uncovered: 0,
        oldest_open_gap_started_at: null,
        platforms: [],
      });
    });

    describe('with accounts, collections and gaps', () => {
      let news: Account;
      let jane: Account;
      let canary: Account;
      let bob: Account;
      let openNews: string;
      let closedJane: string;

      beforeAll(async () => {
        const { db } = harness;
        harness.setNow(NOW);
        news = await seedAccount(db, { platform: 'telegram', handle: 'halvard_news', kind: 'corporate', displayName: 'Halvard News' });
        jane = await seedAccount(db, { platform: 'telegram', handle: 'jane_d' });
        canary = await seedAccount(db, { platform: 'telegram', handle: 'durov', kind: 'corporate', isCanary: true });
        bob = await seedAccount(db, { platform: 'vk', handle: 'bob', isActive: false });
        await seedAccount(db, { platform: 'rss', handle: 'https://blog.example/feed', kind: 'corporate' });
        await seedAccount(db, { platform: 'bluesky', handle: 'gone.example', isActive: false });
        await db.updateTable('accounts').set({ last_success_at: ago(30 * HOUR) }).where('id', '=', news.id).execute();

        // telegram: the canary met a login wall an hour ago; the accounts time out since.
        await attempt(db, 'telegram', 'timeout', ago(0.5 * HOUR), { account: news });
        await attempt(db, 'telegram', 'login_wall', ago(1 * HOUR), { account: canary, isCanary: true });
        await attempt(db, 'telegram', 'timeout', ago(2 * HOUR), { account: news });
        await attempt(db, 'telegram', 'ok', ago(3 * HOUR), { account: jane });
        await attempt(db, 'telegram', 'ok', ago(7 * HOUR), { account: jane });
        // mastodon: no account any more, but collections in the window.
        for (const hours of [1, 2, 3]) await attempt(db, 'mastodon', 'ok', ago(hours * HOUR));
        // rss: only before the window.
        await attempt(db, 'rss', 'server_error', ago(8 * HOUR));

        openNews = (
          await gap(db, news, { started_at: ago(30 * HOUR), detected_at: ago(26 * HOUR), last_failed_at: ago(0.5 * HOUR), failures: 9, last_error: 'https://t.me/s/halvard_news: navigation timed out after 30 s' })
        ).id;
        // A disabled account's open gap: listed, but nobody expects it covered.
        await gap(db, bob, { started_at: ago(40 * HOUR), detected_at: ago(39 * HOUR), reason: 'login_wall', last_error: 'login wall' });
        closedJane = (
          await gap(db, jane, {
            started_at: ago(50 * HOUR),
            detected_at: ago(49 * HOUR),
            ended_at: ago(3 * HOUR),
            reason: 'server_error',
            last_error: 'HTTP 502',
            failures: 12,
            caught_up_posts: 4,
            uncovered_until: ago(45 * HOUR),
          })
        ).id;
        // An older closed gap of the same account.
        await gap(db, jane, { started_at: ago(200 * HOUR), detected_at: ago(199 * HOUR), ended_at: ago(198 * HOUR), caught_up_posts: 0 });
      });

      it("judges each platform's health over the window and counts the active accounts not covered", async () => {
        const reply = coverageReply.parse((await reviewer.get('/api/v1/coverage')).body);
        // The siem role (no accounts:read) gets the same, without the error texts that name accounts.
        const forSiem = coverageReply.parse((await siem.get('/api/v1/coverage')).body);
        expect(forSiem).toEqual({ ...reply, generated_at: forSiem.generated_at, platforms: reply.platforms.map((entry) => ({ ...entry, last_error: null })) });
        expect(reply).toMatchObject({ open_gaps: 2, accounts_uncovered: 1, oldest_open_gap_started_at: ago(30 * HOUR).toISOString() });
        // Active accounts or collections in the window: bluesky (disabled only) and vk (disabled only) are left out.
        expect(reply.platforms.map((entry) => entry.platform)).toEqual(['mastodon', 'rss', 'telegram']);
        const [mastodon, rss, telegram] = reply.platforms;
        expect(telegram).toEqual({
          platform: 'telegram',
          state: 'blocked',
          reason: 'the canary account met a login wall; 1 of the last 4 collections succeeded',
          attempts: 4,
          successes: 1,
          success_rate: 0.25,
          failures: { timeout: 2, login_wall: 1 },
          last_success_at: ago(3 * HOUR).toISOString(),
          last_failure_at: ago(0.5 * HOUR).toISOString(),
          last_error: `timeout at ${ago(0.5 * HOUR).toISOString()}`,
          canary: { outcome: 'login_wall', attempted_at: ago(1 * HOUR).toISOString() },
          accounts: 2,
          accounts_uncovered: 1,
        });
        expect(mastodon).toMatchObject({ state: 'ok', attempts: 3, success_rate: 1, accounts: 0, accounts_uncovered: 0, canary: null });
        expect(rss).toMatchObject({ state: 'unknown', attempts: 0, success_rate: null, failures: {}, last_success_at: null, accounts: 1 });
      });

      it('lists the open gaps newest detected first, with the account for a caller that may read accounts', async () => {
        const reply = await reviewer.get('/api/v1/coverage/gaps');
        expect(reply.status).toBe(200);
        const { items, next_cursor: nextCursor } = coverageGapListReply.parse(reply.body);
        expect(nextCursor).toBeNull();
        expect(items.map((item) => item.account.handle)).toEqual(['halvard_news', 'bob']);
        expect(items[0]).toEqual({
          id: openNews,
          account: { id: news.id, platform: 'telegram', handle: 'halvard_news', display_name: 'Halvard News', kind: 'corporate', is_canary: false },
          reason: 'timeout',
          last_error: 'https://t.me/s/halvard_news: navigation timed out after 30 s',
          started_at: ago(30 * HOUR).toISOString(),
          detected_at: ago(26 * HOUR).toISOString(),
          last_failed_at: ago(0.5 * HOUR).toISOString(),
          ended_at: null,
          failures: 9,
          caught_up_posts: null,
          uncovered_until: null,
        });
      });

      it('hides the handle, display name and the error naming the account from a caller without accounts:read', async () => {
        const reply = await siem.get('/api/v1/coverage/gaps?state=all');
        const { items } = coverageGapListReply.parse(reply.body);
        expect(items[0]!.account).toEqual({ id: news.id, platform: 'telegram', handle: null, display_name: null, kind: 'corporate', is_canary: false });
        expect(items.map((item) => item.last_error)).toEqual(items.map(() => null));
        expect(JSON.stringify(reply.body)).not.toMatch(/halvard_news|Halvard News/u);
      });

      it('lists closed gaps with the posts caught up and what was never collected, and narrows by platform, account and time', async () => {
        const list = async (query: string) => coverageGapListReply.parse((await reviewer.get(`/api/v1/coverage/gaps?${query}`)).body).items;
        const closed = await list('state=closed');
        expect(closed.map((item) => item.id)[0]).toBe(closedJane);
        expect(closed[0]).toMatchObject({ ended_at: ago(3 * HOUR).toISOString(), caught_up_posts: 4, uncovered_until: ago(45 * HOUR).toISOString(), failures: 12 });
        expect((await list('state=all')).map((item) => item.account.handle)).toEqual(['halvard_news', 'bob', 'jane_d', 'jane_d']);
        expect((await list('state=all&platform=vk')).map((item) => item.account.handle)).toEqual(['bob']);
        expect((await list(`state=all&account_id=${jane.id}`)).map((item) => item.ended_at)).toEqual([ago(3 * HOUR).toISOString(), ago(198 * HOUR).toISOString()]);
        // Since a day ago: the open ones and the one that ended 3 hours ago, not the one that ended a week ago.
        expect((await list(`state=all&since=${encodeURIComponent(ago(24 * HOUR).toISOString())}`)).map((item) => item.account.handle)).toEqual([
          'halvard_news',
          'bob',
          'jane_d',
        ]);
      });

      it('pages with a cursor that keeps its place between gaps detected at the same instant, and refuses an altered cursor', async () => {
        const { db } = harness;
        // Three gaps detected at one instant with microseconds, which a JavaScript Date would cut off: only the id orders them.
        const same = ago(100 * HOUR);
        for (const handle of ['t1', 't2', 't3']) {
          const account = await seedAccount(db, { platform: 'twitter', handle });
          await gap(db, account, { started_at: same, detected_at: same, ended_at: ago(90 * HOUR) });
        }
        await db.updateTable('coverage_gaps').set({ detected_at: sql<Date>`started_at + interval '456 microseconds'` }).where('platform', '=', 'twitter').execute();
        const seen: CoverageGapReply[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = `state=all&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
          const page = coverageGapListReply.parse((await reviewer.get(`/api/v1/coverage/gaps?${query}`)).body);
          seen.push(...page.items);
          cursor = page.next_cursor;
          pages += 1;
        } while (cursor !== null && pages < 10);
        const all = coverageGapListReply.parse((await reviewer.get('/api/v1/coverage/gaps?state=all&limit=500')).body).items;
        expect(seen.map((item) => item.id)).toEqual(all.map((item) => item.id));
        expect(new Set(seen.map((item) => item.id)).size).toBe(7);
        expect(pages).toBe(4);

        const first = coverageGapListReply.parse((await reviewer.get('/api/v1/coverage/gaps?state=all&limit=2')).body);
        const altered = `${first.next_cursor!.slice(0, -2)}AA`;
        const refused = await reviewer.get(`/api/v1/coverage/gaps?state=all&cursor=${altered}`);
        expect(refused.status).toBe(400);
        expect(refused.body.issues[0].message).toContain('start again from the first page');
      });

      it('refuses bad filters, naming each', async () => {
        const reply = await reviewer.get('/api/v1/coverage/gaps?state=ended&account_id=42&since=yesterday&limit=0');
        expect(reply.status).toBe(400);
        expect(reply.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['query.account_id', 'query.limit', 'query.since', 'query.state']);
      });

      it('shows each account its open gap, coverage and canary flag, and lists only the uncovered ones on request', async () => {
        const admin = await harness.as('admin');
        const listed = (await admin.get('/api/v1/accounts?platform=telegram')).body.items as Record<string, unknown>[];
        expect(listed.map((item) => [item.handle, item.is_canary, (item.coverage_gap as { id: string } | null)?.id ?? null])).toEqual([
          ['durov', true, null],
          ['halvard_news', false, openNews],
          ['jane_d', false, null],
        ]);
        const uncovered = (await admin.get('/api/v1/accounts?coverage=uncovered')).body.items as { handle: string }[];
        expect(uncovered.map((item) => item.handle)).toEqual(['halvard_news', 'bob']);
        const detail = (await admin.get(`/api/v1/accounts/${news.id}`)).body;
        expect(detail).toMatchObject({
          last_success_at: ago(30 * HOUR).toISOString(),
          consecutive_failures: 0,
          coverage_gap: { id: openNews, reason: 'timeout', last_error: 'https://t.me/s/halvard_news: navigation timed out after 30 s', started_at: ago(30 * HOUR).toISOString(), detected_at: ago(26 * HOUR).toISOString(), failures: 9 },
        });
      });
    });
  });
}
