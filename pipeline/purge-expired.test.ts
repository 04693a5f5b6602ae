import { hashOf, urlOf } from '../test/support/read-rows.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Policy } from '../core/policy-schema.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import type { Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { PipelineWorkRepository } from '../store/repositories/pipeline-work-repository.js';
import { PostAnalysisRepository } from '../store/repositories/post-analysis-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { FindingInput } from '../store/repositories/upsert-finding.js';
import type { Account } from '../store/schema.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { storeTargets } from '../test/support/store-targets.js';
import { purgeExpired } from './purge-expired.js';


const DAY_MS = 86_400_000;
const RETENTION: Policy['retention'] = { findingsDays: 365, resolvedFindingsDays: 180, cleanPostsDays: 30, eventsDays: 90, auditLogDays: 730 };
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`purgeExpired on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let account: Account;
    let scanRunId: string;
    let posts = 0;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: 'purge', kind: 'employee' });
      scanRunId = (await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [account.id]))).id;
    });
    afterAll(async () => dispose());
    // The purge works on every row and its counts are compared exactly: each test starts empty.
    beforeEach(async () => {
      await database.db.transaction().execute(async (trx) => {
        await sql`set local overshare.retention_purge = 'on'`.execute(trx);
        await trx.deleteFrom('audit_log').execute();
        await trx.deleteFrom('finding_events').execute();
        await trx.deleteFrom('posts').execute();
      });
    });

    /** A post with one read image, analyzed with findings on these evidence texts (none: a clean post). */
    async function analyzedPost(evidenceTexts: string[]) {
      posts += 1;
      const work = new PipelineWorkRepository(database.db);
      const [stored] = await work.storeCollectedPosts(scanRunId, account.id, 'mastodon', [
        { externalId: `p-${posts}`, url: `https://social.example/@purge/${posts}`, isRepost: false, text: `post ${posts}: CONFIDENTIAL`, mediaUrls: [`https://files.example/${posts}.jpg`] },
      ]);
      const mediaId = stored!.pendingMediaIds[0]!;
      await work.saveExtraction(mediaId, await urlOf(database.db, mediaId), {
        contentSha256: `sha-${posts}`,
        bytes: Buffer.from('jpeg bytes'),
        mimeType: 'image/jpeg',
        width: 10,
        height: 10,
        perceptualHash: 'abcdabcdabcdabcd',
        ocrText: 'CONFIDENTIAL',
        words: [{ text: 'CONFIDENTIAL', box: [0, 0, 5, 5], confidence: 90, line: 0 }],
        metadata: { gps: [50.45, 30.52] },
      });
      await new PostAnalysisRepository(database.db).save(stored!.postId, await hashOf(database.db, stored!.postId), evidenceTexts.map((text) => finding(stored!.postId, text)));
      const findings = await database.db.selectFrom('findings').selectAll().where('post_id', '=', stored!.postId).orderBy('created_at').execute();
      return { postId: stored!.postId, mediaId, findings };
    }

    function finding(postId: string, text: string): FindingInput {
      return {
        postId,
        accountId: account.id,
        scanRunId,
        ruleIds: ['marking-confidential'],
        category: 'marking',
        severity: 'high',
        score: 80,
        scoreBreakdown: { base: 80 },
        evidence: { source: 'text', text },
      };
    }

    const age = async (table: 'findings' | 'posts', column: 'created_at' | 'updated_at' | 'collected_at', id: string, at: Date) =>
      sql`update ${sql.table(table)} set ${sql.ref(column)} = ${at} where id = ${id}`.execute(database.db);
    const resolve = async (id: string, resolvedAt: Date) => {
      await database.db.updateTable('findings').set({ state: 'resolved', resolution: 'false_positive' }).where('id', '=', id).execute();
      await age('findings', 'updated_at', id, resolvedAt);
    };
    const findingIds = async () => (await database.db.selectFrom('findings').select('id').execute()).map((row) => row.id).sort();
    const purgedEvents = () => database.db.selectFrom('finding_events').selectAll().where('type', '=', 'finding.purged').execute();
    const postRow = (id: string) => database.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
    const mediaRow = (id: string) => database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();

    it('deletes open findings past findingsDays and findings resolved longer than resolvedFindingsDays ago, each with a finding.purged event', async () => {
      const oldOpen = (await analyzedPost(['old open'])).findings[0]!;
      const youngOpen = (await analyzedPost(['young open'])).findings[0]!;
      const oldResolved = (await analyzedPost(['old resolved'])).findings[0]!;
      const recentlyResolved = (await analyzedPost(['recently resolved'])).findings[0]!;
      await age('findings', 'created_at', oldOpen.id, daysAgo(366));
      await age('findings', 'updated_at', oldOpen.id, daysAgo(366));
      await age('findings', 'created_at', youngOpen.id, daysAgo(364));
      await age('findings', 'updated_at', youngOpen.id, daysAgo(364));
      await age('findings', 'created_at', oldResolved.id, daysAgo(200));
      await resolve(oldResolved.id, daysAgo(181));
      // Found long ago, but resolved within the period: its clock starts at the resolution.
      await age('findings', 'created_at', recentlyResolved.id, daysAgo(400));
      await resolve(recentlyResolved.id, daysAgo(179));

      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts.findings).toBe(2);
      expect(await findingIds()).toEqual([youngOpen.id, recentlyResolved.id].sort());
      const events = await purgedEvents();
      expect(events.map((event) => [event.finding_id, event.finding_version]).sort()).toEqual(
        [
          [oldOpen.id, oldOpen.version + 1],
          [oldResolved.id, oldResolved.version + 1],
        ].sort(),
      );
    });

    it('keeps a finding resolved as an accepted risk until its acceptance expires, however long ago it was resolved', async () => {
      const accepted = (await analyzedPost(['accepted for a year'])).findings[0]!;
      const lapsed = (await analyzedPost(['acceptance lapsed'])).findings[0]!;
      for (const [id, expiresAt] of [[accepted.id, new Date(Date.now() + 165 * DAY_MS)], [lapsed.id, daysAgo(1)]] as const) {
        await database.db.updateTable('findings').set({ state: 'resolved', resolution: 'accepted_risk', resolution_expires_at: expiresAt }).where('id', '=', id).execute();
        await age('findings', 'created_at', id, daysAgo(200));
        await age('findings', 'updated_at', id, daysAgo(200));
      }

      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts.findings).toBe(1);
      expect(await findingIds()).toEqual([accepted.id]);
      expect((await purgedEvents()).map((event) => event.finding_id)).toEqual([lapsed.id]);
    });

    it('counts the age of an open finding from its last change, so one reopened lately is kept', async () => {
      const reopened = (await analyzedPost(['reopened lately'])).findings[0]!;
      await database.db.updateTable('findings').set({ state: 'reopened' }).where('id', '=', reopened.id).execute();
      await age('findings', 'created_at', reopened.id, daysAgo(400));
      await age('findings', 'updated_at', reopened.id, daysAgo(10));

      expect((await purgeExpired(database.db, RETENTION, new Date(), log)).findings).toBe(0);
      expect(await findingIds()).toEqual([reopened.id]);
    });

    it("empties a post left without findings (text, images' bytes, OCR and metadata) and keeps one that still has a finding", async () => {
      const emptied = await analyzedPost(['only finding']);
      const kept = await analyzedPost(['expired', 'still open']);
      for (const id of [emptied.findings[0]!.id, kept.findings[0]!.id]) {
        await age('findings', 'created_at', id, daysAgo(400));
        await age('findings', 'updated_at', id, daysAgo(400));
      }

      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts).toMatchObject({ findings: 2, postsEmptied: 1, posts: 0 });
      expect(await postRow(emptied.postId)).toMatchObject({ text: null, url: expect.stringContaining('https://social.example/') as string, content_dropped_at: expect.any(Date) as Date });
      expect(await mediaRow(emptied.mediaId)).toMatchObject({
        content: null,
        ocr_text: null,
        ocr_words: null,
        metadata: {},
        content_sha256: expect.stringMatching(/^sha-/u) as string,
        source_url: expect.stringContaining('https://files.example/') as string,
      });
      expect(await postRow(kept.postId)).toMatchObject({ text: expect.stringContaining('CONFIDENTIAL') as string, content_dropped_at: null });
      expect(await mediaRow(kept.mediaId)).toMatchObject({ ocr_text: 'CONFIDENTIAL', metadata: { gps: [50.45, 30.52] } });
      expect((await mediaRow(kept.mediaId))?.content).not.toBeNull();
    });

    it('deletes clean posts, with their images, once older than cleanPostsDays', async () => {
      const oldClean = await analyzedPost([]);
      const youngClean = await analyzedPost([]);
      const oldWithFinding = await analyzedPost(['kept']);
      await age('posts', 'collected_at', oldClean.postId, daysAgo(31));
      await age('posts', 'collected_at', youngClean.postId, daysAgo(29));
      await age('posts', 'collected_at', oldWithFinding.postId, daysAgo(31));

      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts).toMatchObject({ findings: 0, posts: 1 });
      expect(await postRow(oldClean.postId)).toBeUndefined();
      expect(await mediaRow(oldClean.mediaId)).toBeUndefined();
      expect(await postRow(youngClean.postId)).toBeDefined();
      expect(await postRow(oldWithFinding.postId)).toBeDefined();
    });

    it('deletes audit entries older than auditLogDays and records the run in the audit log', async () => {
      for (const days of [731, 729]) {
        await database.db
          .insertInto('audit_log')
          .values({ actor_type: 'user', action: `old.${days}`, occurred_at: daysAgo(days), details: '{}' })
          .execute();
      }
      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts.auditEntries).toBe(1);
      const entries = await database.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      expect(entries.map((entry) => entry.action)).toEqual(['old.729', 'retention.purge']);
      expect(entries[1]).toMatchObject({ actor_type: 'system', details: expect.objectContaining({ auditEntries: 1, findings: 0, posts: 0 }) as object });
    });

    it('changes nothing and audits nothing when nothing has expired', async () => {
      const young = await analyzedPost(['young']);
      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts).toEqual({ findings: 0, postsEmptied: 0, posts: 0, auditEntries: 0, events: 0, expiredAuthRows: 0, attempts: 0, gaps: 0 });
      expect(await findingIds()).toEqual([young.findings[0]!.id]);
      expect(await database.db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
    });

    // A post whose analysis failed for good has no finding, yet keeps its text and image bytes:
    // retention must not keep them for ever.
    it('deletes a post whose analysis failed for good once older than cleanPostsDays', async () => {
      const work = new PipelineWorkRepository(database.db);
      const [stored] = await work.storeCollectedPosts(scanRunId, account.id, 'mastodon', [
        { externalId: 'failed-1', url: 'https://social.example/@purge/failed-1', isRepost: false, text: 'Jane Doe, badge 4411', mediaUrls: [] },
      ]);
      await work.failAnalysis(stored!.postId, 'the rules crashed');
      await age('posts', 'collected_at', stored!.postId, daysAgo(31));

      await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(await postRow(stored!.postId)).toBeUndefined();
    });

    it('deletes collection attempts older than 30 days and coverage gaps closed more than 400 days ago, never an open gap', async () => {
      for (const days of [31, 29]) {
        await database.db.insertInto('collection_attempts').values({ platform: 'mastodon', account_id: account.id, outcome: 'timeout', attempted_at: daysAgo(days) }).execute();
      }
      const gap = (startedDays: number, endedDays: number | null) => ({
        account_id: account.id,
        platform: 'mastodon',
        started_at: daysAgo(startedDays),
        detected_at: daysAgo(startedDays),
        last_failed_at: daysAgo(startedDays),
        ended_at: endedDays === null ? null : daysAgo(endedDays),
        reason: 'server_error' as const,
        last_error: 'HTTP 503',
      });
      await database.db.insertInto('coverage_gaps').values([gap(500, 401), gap(500, 399)]).execute();
      const open = await database.db.insertInto('coverage_gaps').values(gap(600, null)).returning('id').executeTakeFirstOrThrow();

      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts).toMatchObject({ attempts: 1, gaps: 1 });
      const attempts = await database.db.selectFrom('collection_attempts').select('attempted_at').execute();
      expect(attempts.map((row) => Math.round((Date.now() - row.attempted_at.getTime()) / DAY_MS))).toEqual([29]);
      const gaps = await database.db.selectFrom('coverage_gaps').select(['id', 'ended_at']).execute();
      expect(gaps).toHaveLength(2);
      expect(gaps.map((row) => row.id)).toContain(open.id);
      expect(gaps.find((row) => row.id !== open.id)?.ended_at?.getTime()).toBeGreaterThan(daysAgo(400).getTime());
      await database.db.deleteFrom('collection_attempts').execute();
      await database.db.deleteFrom('coverage_gaps').execute();
    });

    it('deletes outbox events past eventsDays only up to what every SIEM sink has taken', async () => {
      await analyzedPost(['first']);
      await analyzedPost(['second']);
      await analyzedPost(['third']);
      const seqs = (await database.db.selectFrom('finding_events').select('seq').orderBy('seq').execute()).map((row) => row.seq);
      await database.db.transaction().execute(async (trx) => {
        await sql`set local overshare.retention_purge = 'on'`.execute(trx);
        await sql`alter table finding_events disable trigger finding_events_append_only`.execute(trx);
        await trx.updateTable('finding_events').set({ occurred_at: daysAgo(91) } as never).where('seq', 'in', seqs.slice(0, 2)).execute();
        await sql`alter table finding_events enable trigger finding_events_append_only`.execute(trx);
      });
      await database.db.insertInto('sinks').values({ name: 'slow', kind: 'webhook', format: 'native', target: 'https://siem.example/hook', settings: '{}', secret_encrypted: null, cursor_seq: seqs[0]! }).execute();

      const counts = await purgeExpired(database.db, RETENTION, new Date(), log);
      expect(counts.events).toBe(1);
      const left = (await database.db.selectFrom('finding_events').select('seq').orderBy('seq').execute()).map((row) => row.seq);
      expect(left).toEqual(seqs.slice(1));

      await database.db.updateTable('sinks').set({ cursor_seq: seqs[2]! }).execute();
      expect((await purgeExpired(database.db, RETENTION, new Date(), log)).events).toBe(1);
      await database.db.deleteFrom('sinks').execute();
    });
  });
}
