import { hashOf, urlOf } from '../../test/support/read-rows.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Account, Finding, SuppressionScope } from '../schema.js';
import { AccountsRepository } from './accounts-repository.js';
import { PipelineWorkRepository } from './pipeline-work-repository.js';
import { PostAnalysisRepository } from './post-analysis-repository.js';
import { ScanRunsRepository } from './scan-runs-repository.js';
import { SuppressionsRepository } from './suppressions-repository.js';
import type { FindingInput } from './upsert-finding.js';


for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`post analysis on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let account: Account;
    let scanRunId: string;
    let analyses: PostAnalysisRepository;
    let posts = 0;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: 'analysis', kind: 'employee' });
      scanRunId = (await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [account.id]))).id;
      analyses = new PostAnalysisRepository(database.db);
    });
    afterAll(async () => dispose());

    /** A collected post with one image read, waiting for its analysis. */
    async function readPost() {
      posts += 1;
      const work = new PipelineWorkRepository(database.db);
      const [stored] = await work.storeCollectedPosts(scanRunId, account.id, 'mastodon', [
        { externalId: `a-${posts}`, url: `https://social.example/@analysis/${posts}`, isRepost: false, text: `Draft ${posts}: CONFIDENTIAL`, mediaUrls: [`https://files.example/a-${posts}.jpg`] },
      ]);
      const mediaId = stored!.pendingMediaIds[0]!;
      await work.saveExtraction(mediaId, await urlOf(database.db, mediaId), {
        contentSha256: `content-${posts}`,
        bytes: Buffer.from('jpeg bytes'),
        mimeType: 'image/jpeg',
        width: 10,
        height: 10,
        perceptualHash: 'ffff0000ffff0000',
        ocrText: 'Q3 ROADMAP',
        words: [{ text: 'ROADMAP', box: [0, 0, 5, 5], confidence: 88, line: 0 }],
        metadata: { gps: [50.45, 30.52], cameraModel: 'Pixel' },
      });
      return { postId: stored!.postId, contentSha256: stored!.contentSha256, mediaId };
    }

    function finding(postId: string, text: string, score = 80): FindingInput {
      return {
        postId,
        accountId: account.id,
        scanRunId,
        ruleIds: ['marking-confidential'],
        category: 'marking',
        severity: 'high',
        score,
        scoreBreakdown: { base: score },
        evidence: { source: 'text', text },
        title: 'Confidentiality marking',
      };
    }

    const findingsOf = (postId: string) => database.db.selectFrom('findings').selectAll().where('post_id', '=', postId).orderBy('dedupe_key').execute();
    const eventsOf = async (postId: string) => {
      const ids = (await findingsOf(postId)).map((row) => row.id);
      return database.db.selectFrom('finding_events').selectAll().where('finding_id', 'in', ids).orderBy('seq').execute();
    };
    // As storeCollectedPosts does for a post whose content changed (and, later, changed back).
    const reopen = (postId: string) => database.db.updateTable('posts').set({ analyzed_at: null }).where('id', '=', postId).execute();
    const postRow = (id: string) => database.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const mediaRow = (id: string) => database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('records new findings with one finding.created event each and marks the post analyzed, keeping its content', async () => {
      const { postId, mediaId } = await readPost();
      const saved = await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL'), finding(postId, 'ROADMAP')]);
      expect(saved).toEqual({ created: 2, updated: 0, superseded: 0, suppressed: 0, isContentDropped: false });
      const findings = await findingsOf(postId);
      expect(findings.map((row) => [row.version, row.is_current, row.scan_run_id, row.title])).toEqual([
        [1, true, scanRunId, 'Confidentiality marking'],
        [1, true, scanRunId, 'Confidentiality marking'],
      ]);
      const events = await eventsOf(postId);
      expect(events.map((event) => [event.type, event.finding_version])).toEqual([
        ['finding.created', 1],
        ['finding.created', 1],
      ]);
      expect(new Set(events.map((event) => event.finding_id))).toEqual(new Set(findings.map((row) => row.id)));
      const post = await postRow(postId);
      expect([post.analyzed_at, post.text, post.content_dropped_at]).toEqual([expect.any(Date), expect.stringContaining('CONFIDENTIAL'), null]);
      expect((await mediaRow(mediaId)).ocr_text).toBe('Q3 ROADMAP');
    });

    it('changes nothing and adds no event when the same analysis is saved again', async () => {
      const { postId } = await readPost();
      const analysis = [finding(postId, 'CONFIDENTIAL'), finding(postId, 'ROADMAP')];
      await analyses.save(postId, await hashOf(database.db, postId), analysis);
      const before = await findingsOf(postId);
      await reopen(postId);
      expect(await analyses.save(postId, await hashOf(database.db, postId), analysis)).toEqual({ created: 0, updated: 0, superseded: 0, suppressed: 0, isContentDropped: false });
      expect(await findingsOf(postId)).toEqual(before);
      expect(await eventsOf(postId)).toHaveLength(2);
    });

    it('makes a changed finding a new version with a finding.updated event', async () => {
      const { postId } = await readPost();
      await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL', 60)]);
      await reopen(postId);
      expect(await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL', 90)])).toEqual({ created: 0, updated: 1, superseded: 0, suppressed: 0, isContentDropped: false });
      const [row] = await findingsOf(postId);
      expect([row?.version, row?.score]).toEqual([2, 90]);
      expect((await eventsOf(postId)).map((event) => [event.type, event.finding_version])).toEqual([
        ['finding.created', 1],
        ['finding.updated', 2],
      ]);
    });

    it('marks a finding the re-analysis no longer makes as not current, in a new version with a finding.updated event, and current again when it returns', async () => {
      const { postId } = await readPost();
      await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL'), finding(postId, 'ROADMAP')]);
      await reopen(postId);
      expect(await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL')])).toEqual({ created: 0, updated: 0, superseded: 1, suppressed: 0, isContentDropped: false });
      const byText = async () => new Map((await findingsOf(postId)).map((row) => [row.evidence.text, row]));
      expect((await byText()).get('ROADMAP')).toMatchObject({ is_current: false, version: 2 });
      expect((await byText()).get('CONFIDENTIAL')).toMatchObject({ is_current: true, version: 1 });
      const superseded = (await byText()).get('ROADMAP')!;
      expect((await eventsOf(postId)).filter((event) => event.finding_id === superseded.id).map((event) => [event.type, event.finding_version])).toEqual([
        ['finding.created', 1],
        ['finding.updated', 2],
      ]);

      await reopen(postId);
      expect(await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL'), finding(postId, 'ROADMAP')])).toMatchObject({ created: 0, updated: 1, superseded: 0 });
      expect((await byText()).get('ROADMAP')).toMatchObject({ is_current: true, version: 3 });
    });

    it("drops a clean post's text and its images' bytes, OCR text, words and metadata, keeping URL, ids and hashes", async () => {
      const { postId, contentSha256, mediaId } = await readPost();
      expect(await analyses.save(postId, await hashOf(database.db, postId), [])).toEqual({ created: 0, updated: 0, superseded: 0, suppressed: 0, isContentDropped: true });
      expect(await postRow(postId)).toMatchObject({
        text: null,
        content_dropped_at: expect.any(Date) as Date,
        analyzed_at: expect.any(Date) as Date,
        url: expect.stringContaining('https://social.example/@analysis/') as string,
        external_id: expect.stringMatching(/^a-/u) as string,
        content_sha256: contentSha256,
        account_id: account.id,
      });
      expect(await mediaRow(mediaId)).toMatchObject({
        content: null,
        ocr_text: null,
        ocr_words: null,
        metadata: {},
        status: 'extracted',
        content_sha256: expect.stringMatching(/^content-/u) as string,
        perceptual_hash: 'ffff0000ffff0000',
        source_url: expect.stringContaining('https://files.example/') as string,
      });
      expect(await findingsOf(postId)).toEqual([]);
    });

    it('records the findings once when the same post is saved twice at the same time', async () => {
      const { postId } = await readPost();
      const analysis = [finding(postId, 'CONFIDENTIAL'), finding(postId, 'ROADMAP')];
      const results = await Promise.all([analyses.save(postId, await hashOf(database.db, postId), analysis), analyses.save(postId, await hashOf(database.db, postId), analysis)]);
      expect(results.filter((result) => result === undefined)).toHaveLength(1);
      expect(results.find((result) => result !== undefined)).toMatchObject({ created: 2 });
      expect(await findingsOf(postId)).toHaveLength(2);
      expect(await eventsOf(postId)).toHaveLength(2);
    });

    it('leaves a post that is already analyzed, or gone, alone', async () => {
      const { postId } = await readPost();
      await analyses.save(postId, await hashOf(database.db, postId), []);
      expect(await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'CONFIDENTIAL')])).toBeUndefined();
      expect(await findingsOf(postId)).toEqual([]);
      expect(await analyses.save('00000000-0000-4000-8000-000000000000', 'no-such-hash', [])).toBeUndefined();
      // An analysis of a version the post no longer has is not saved: the new version's job saves its own.
      const { postId: edited } = await readPost();
      expect(await analyses.save(edited, 'hash-of-an-older-version', [finding(edited, 'CONFIDENTIAL')])).toBeUndefined();
      expect(await findingsOf(edited)).toEqual([]);
    });
    describe('with suppressions', () => {
      const suppress = (source: Finding, scope: SuppressionScope, expiresAt: Date | null = null) =>
        database.db.transaction().execute((trx) =>
          SuppressionsRepository.createFromFinding(trx, source, { scope, reason: 'harmless', createdBy: 'user:tester', expiresAt, now: new Date() }),
        );
      /** A finding on its own post, saved as the analysis of that post, to make suppressions from. */
      async function sourceFinding(text: string, ruleId?: string): Promise<Finding> {
        const { postId } = await readPost();
        await analyses.save(postId, await hashOf(database.db, postId), [ruleId === undefined ? finding(postId, text) : withRule(finding(postId, text), ruleId)]);
        return (await findingsOf(postId))[0]!;
      }
      const withRule = (input: FindingInput, ruleId: string): FindingInput => ({ ...input, ruleIds: [ruleId] });
      const eventCount = async () => (await database.db.selectFrom('finding_events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()).count;

      it('raises no new finding a suppression in force covers, counts it, adds no event and drops the post content when nothing is left', async () => {
        const source = await sourceFinding('Do Not Forward');
        await suppress(source, 'evidence');
        const { postId, mediaId } = await readPost();
        const events = await eventCount();
        const saved = await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'DO NOT FORWARD')]);
        expect(saved).toEqual({ created: 0, updated: 0, superseded: 0, suppressed: 1, isContentDropped: true });
        expect(await findingsOf(postId)).toEqual([]);
        expect(await eventCount()).toBe(events);
        expect((await postRow(postId)).text).toBeNull();
        expect((await mediaRow(mediaId)).ocr_text).toBeNull();
      });

      it('still raises the findings of the same analysis that no suppression covers', async () => {
        const source = await sourceFinding('Internal Only');
        await suppress(source, 'evidence_account');
        const { postId } = await readPost();
        const saved = await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'internal only'), finding(postId, 'EYES ONLY')]);
        expect(saved).toMatchObject({ created: 1, suppressed: 1, isContentDropped: false });
        expect((await findingsOf(postId)).map((row) => row.evidence.text)).toEqual(['EYES ONLY']);
      });

      it('leaves a finding raised before the suppression as it was when its post is analysed again', async () => {
        // Its own rule: a rule_account suppression of the rule the other tests use would hide their findings.
        const source = await sourceFinding('Board Minutes', 'minutes-rule');
        await suppress(source, 'rule_account');
        const before = await findingsOf(source.post_id);
        await reopen(source.post_id);
        const saved = await analyses.save(source.post_id, await hashOf(database.db, source.post_id), [withRule(finding(source.post_id, 'Board Minutes'), 'minutes-rule')]);
        expect(saved).toEqual({ created: 0, updated: 0, superseded: 0, suppressed: 0, isContentDropped: false });
        expect(await findingsOf(source.post_id)).toEqual(before);
      });

      it('no longer applies a revoked or an expired suppression', async () => {
        const revoked = await suppress(await sourceFinding('Payroll Draft'), 'evidence');
        await database.db.transaction().execute((trx) => SuppressionsRepository.revoke(trx, revoked.id, new Date()));
        await suppress(await sourceFinding('Salary Bands'), 'evidence', new Date(Date.now() - 1_000));
        const { postId } = await readPost();
        const saved = await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'payroll draft'), finding(postId, 'salary bands')]);
        expect(saved).toMatchObject({ created: 2, suppressed: 0 });
      });

      it("does not apply one account's suppression to another account's posts", async () => {
        const source = await sourceFinding('Merger Plan');
        // Made as if from a finding of another account: bound to that account.
        const other = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: `other-${posts}`, kind: 'employee' });
        await suppress({ ...source, account_id: other.id }, 'evidence_account');
        const { postId } = await readPost();
        expect(await analyses.save(postId, await hashOf(database.db, postId), [finding(postId, 'MERGER PLAN')])).toMatchObject({ created: 1, suppressed: 0 });
      });
    });
  });
}
