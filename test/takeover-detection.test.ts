import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservedProfile } from '../core/coverage.js';
import { policySchema } from '../core/policy-schema.js';
import { readRulePacks } from '../core/read-rule-packs.js';
import { parseSchedule } from '../core/schedule.js';
import { collectPosts } from '../crawler/collect-posts.js';
import type { AccountCursor } from '../crawler/platform-adapter.js';
import { telegramAdapter } from '../crawler/platforms/telegram/telegram-adapter.js';
import { detectTakeover, type TakeoverPost } from '../pipeline/detect-takeover.js';
import type { PipelineDependencies } from '../pipeline/pipeline-dependencies.js';
import { analyzePostProcessor } from '../pipeline/processors/analyze-post-processor.js';
import { compileRuleSet } from '../rules/compile-rule-set.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { Account, AccountKind } from '../store/schema.js';
import { generateFixtureNetwork, type FixtureAccount } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { telegramFixture } from './fixture-platform/platforms/telegram-fixture.js';
import { capturingLogger } from './support/capturing-logger.js';
import { plainAdapterContext } from './support/plain-adapter-context.js';
import { storeTargets } from './support/store-targets.js';

// A corporate Telegram channel posting once a day for a month, then hijacked: a dozen posts in an
// hour, a Russian crypto giveaway linking a domain it never used, a Greek "send 0.1 BTC, get
// double back", and a new display name. The same happens to an employee's channel.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HISTORY_END = new Date('2026-11-20T10:00:00Z');
const HIJACK_START = new Date(HISTORY_END.getTime() + 20 * HOUR);
const GIVEAWAY = 'Раздача биткоинов в честь юбилея компании! Успейте принять участие: https://claim-eth.example.io/airdrop';
const DOUBLING = 'Στείλτε 0,1 BTC και λάβετε διπλάσια πίσω!';
const policy = policySchema.parse({ version: 1, organisation: { name: 'Acme' }, emailDomains: ['acme.example'] });
const network = generateFixtureNetwork({ accounts: 0, postsPerAccount: 0 });
let server: FixtureServer;

/** A channel with a post a day for 30 days, each linking the company's news site or a partner. */
function addChannel(handle: string): FixtureAccount {
  const posts = Array.from({ length: 30 }, (_, index) => {
    const age = 30 - index;
    return {
      id: 1_000 + index * 3,
      text: `Daily update ${String(index)}: ${index % 2 === 0 ? `https://news.example.org/${String(index)}` : `https://www.acme.example/blog/${String(index)}`}`,
      publishedAt: new Date(HISTORY_END.getTime() - (age - 1) * DAY),
      isRepost: false,
      images: [],
    };
  }).reverse();
  const channel: FixtureAccount = { handle, displayName: `${handle} official`, posts };
  network.accounts.set(handle, channel);
  return channel;
}

/** The hijacker's hour: twelve posts five minutes apart, two of them scams, and a new name. */
function hijack(channel: FixtureAccount): Date {
  const texts = [GIVEAWAY, DOUBLING, ...Array.from({ length: 10 }, (_, index) => `Big news soon, stay tuned ${String(index)}`)];
  let id = channel.posts[0]?.id ?? 2_000;
  texts.forEach((text, index) => {
    id += 3;
    channel.posts.unshift({ id, text, publishedAt: new Date(HIJACK_START.getTime() + index * 5 * 60_000), isRepost: false, images: [] });
  });
  channel.displayName = 'Acme Crypto Giveaway';
  return new Date(HIJACK_START.getTime() + 70 * 60_000);
}

beforeAll(async () => {
  server = await startFixtureServer(network, [telegramFixture]);
});
afterAll(() => server.close());

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`takeover signals of a hijacked channel on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let deps: PipelineDependencies;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      const ruleSet = compileRuleSet({ packs: await readRulePacks(), policy });
      deps = {
        db: database.db,
        crawler: { collect: () => Promise.reject(new Error('not used')), fetchMedia: () => Promise.reject(new Error('not used')) },
        ocr: () => Promise.reject(new Error('no images here')),
        ruleSet,
        defaultSchedule: parseSchedule('24h'),
        log,
      };
    });
    afterAll(async () => dispose());

    /** One reading as the collect stage does it: collect, store, judge the signals; then the analysis of what is new. */
    async function read(account: Account, now: Date, cursor?: AccountCursor) {
      const result = await collectPosts(telegramAdapter, { platform: 'telegram', handle: account.handle }, server.baseUrl('telegram'), plainAdapterContext(), {
        backfillPosts: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const scanRunId = (await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [account.id]))).id;
      const collected = result.posts.map((post) => ({
        externalId: post.externalId,
        url: post.permalink,
        author: post.author,
        publishedAt: new Date(post.publishedAt),
        isRepost: post.isRepost,
        text: post.text,
        mediaUrls: [],
      }));
      const work = await new PipelineWorkRepository(database.db).storeCollectedPosts(scanRunId, account.id, 'telegram', collected);
      const detected = await detectAgain(account, now, scanRunId, result.profile, collected);
      for (const { postId } of work) await analyzePostProcessor({ scanRunId, postId }, deps);
      return { cursor: result.cursor, detected, scanRunId, collected, profile: result.profile };
    }

    /** detectTakeover as the collect stage calls it, for the posts of a reading. */
    async function detectAgain(account: Account, now: Date, scanRunId: string, profile: ObservedProfile | undefined, collected: Array<{ externalId: string; url: string; publishedAt: Date; text: string }>) {
      const rows = await database.db.selectFrom('posts').select(['id', 'external_id']).where('account_id', '=', account.id).execute();
      const ids = new Map(rows.map((row) => [row.external_id, row.id]));
      const posts: TakeoverPost[] = collected.map((post) => ({ postId: ids.get(post.externalId) ?? '', externalId: post.externalId, publishedAt: post.publishedAt, url: post.url, text: post.text }));
      const fresh = await database.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
      return detectTakeover(database.db, { account: fresh, posts, profile, now, log, policy, scanRunId });
    }

    async function registered(handle: string, kind: AccountKind): Promise<Account> {
      const account = await new AccountsRepository(database.db).create({ platform: 'telegram', handle, kind });
      // Registered long before its history starts, so the history is all it did.
      await sql`update accounts set created_at = ${new Date(HISTORY_END.getTime() - 60 * DAY)} where id = ${account.id}`.execute(database.db);
      return account;
    }

    async function takeoverFindings(account: Account) {
      return database.db
        .selectFrom('findings')
        .innerJoin('posts', 'posts.id', 'findings.post_id')
        .select(['findings.id', 'findings.rule_ids', 'findings.severity', 'findings.score', 'findings.is_current', 'findings.evidence', 'findings.version', 'posts.text'])
        .where('findings.account_id', '=', account.id)
        .where('findings.category', '=', 'takeover')
        .orderBy('findings.rule_ids')
        .execute();
    }

    const eventCount = async () => Number((await database.db.selectFrom('finding_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    it('learns a corporate channel at its first reading, then reports the hijack with each signal at its severity', async () => {
      const channel = addChannel(`acme_corp_${target.name.toLowerCase()}`);
      const account = await registered(channel.handle, 'corporate');
      const first = await read(account, new Date(HISTORY_END.getTime() + HOUR));
      expect(first.detected).toBe(0);
      expect(await takeoverFindings(account)).toEqual([]);
      const learned = await database.db.selectFrom('accounts').select('profile').where('id', '=', account.id).executeTakeFirstOrThrow();
      expect(learned.profile).toEqual({ displayName: `${channel.handle} official`, avatarUrl: `${server.origin}/media/avatar-${channel.handle}.jpg` });
      const domains = await database.db.selectFrom('account_link_domains').select('domain').where('account_id', '=', account.id).orderBy('domain').execute();
      // The company's own site is never a link domain to learn.
      expect(domains.map((row) => row.domain)).toEqual(['news.example.org']);

      const now = hijack(channel);
      const second = await read(account, now, first.cursor);
      expect(second.detected).toBe(3);
      const found = await takeoverFindings(account);
      expect(found.map((row) => [row.rule_ids[0], row.severity, row.is_current])).toEqual([
        ['takeover-crypto-giveaway', 'high', true],
        ['takeover-double-your-money', 'high', true],
        ['takeover-new-link-domain', 'low', true],
        ['takeover-post-burst', 'medium', true],
        ['takeover-profile-changed', 'medium', true],
      ]);
      const byRule = new Map(found.map((row) => [row.rule_ids[0], row]));
      expect(byRule.get('takeover-new-link-domain')).toMatchObject({ evidence: { text: 'https://claim-eth.example.io/airdrop' }, text: GIVEAWAY });
      // Alone a new link is low; with a burst and a new name in the same reading it reaches review.
      expect(byRule.get('takeover-new-link-domain')?.score).toBe(75);
      expect(byRule.get('takeover-profile-changed')?.evidence.text).toBe(`display name "${channel.handle} official" → "Acme Crypto Giveaway"`);
      expect(byRule.get('takeover-post-burst')?.evidence.text).toMatch(/^12 posts in 6 hours; usually 1\.0 a day/u);
      expect(byRule.get('takeover-double-your-money')?.text).toBe(DOUBLING);

      // Replayed (a retried collect job reads the same posts again): nothing new, no event.
      const events = await eventCount();
      expect(await detectAgain(account, now, second.scanRunId, second.profile, second.collected)).toBe(0);
      const again = await read(account, now, first.cursor);
      expect(again.detected).toBe(0);
      expect(await takeoverFindings(account)).toEqual(found);
      expect(await eventCount()).toBe(events);
    });

    it('reports nothing of the kind on an employee channel', async () => {
      const channel = addChannel(`ivan_staff_${target.name.toLowerCase()}`);
      const account = await registered(channel.handle, 'employee');
      const first = await read(account, new Date(HISTORY_END.getTime() + HOUR));
      const now = hijack(channel);
      const second = await read(account, now, first.cursor);
      expect([first.detected, second.detected]).toEqual([0, 0]);
      expect(await takeoverFindings(account)).toEqual([]);
      expect(await database.db.selectFrom('account_link_domains').select('domain').where('account_id', '=', account.id).execute()).toEqual([]);
    });
  });
}
