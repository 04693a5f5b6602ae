import { hashOf, urlOf } from '../../test/support/read-rows.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { storeTargets } from '../../test/support/store-targets.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import type { Database } from '../open-database.js';
import type { Account } from '../schema.js';
import { AccountsRepository } from './accounts-repository.js';
import { PipelineWorkRepository, type CollectedPostInput, type PostWork } from './pipeline-work-repository.js';
import { PostAnalysisRepository } from './post-analysis-repository.js';
import { ScanRunsRepository } from './scan-runs-repository.js';


for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`pipeline work on ${target.name}`, () => {
    const { log } = capturingLogger('warn');
    let database: Database;
    let dispose: () => Promise<void>;
    let work: PipelineWorkRepository;
    let ids = 0;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
      work = new PipelineWorkRepository(database.db);
    });
    afterAll(async () => dispose());

    /** A fresh account and a running scan of it. */
    async function scene(): Promise<{ account: Account; scan: () => Promise<string> }> {
      ids += 1;
      const account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: `work-${ids}`, kind: 'employee' });
      const scan = async () => (await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [account.id]))).id;
      return { account, scan };
    }

    function post(externalId: string, text: string, mediaUrls: string[] = []): CollectedPostInput {
      return { externalId, url: `https://social.example/@w/${externalId}`, isRepost: false, text, mediaUrls, publishedAt: new Date('2031-01-01T00:00:00Z') };
    }

    const store = (scanRunId: string, account: Account, posts: CollectedPostInput[]) => work.storeCollectedPosts(scanRunId, account.id, 'mastodon', posts);
    const mediaOf = (postId: string) => database.db.selectFrom('media').selectAll().where('post_id', '=', postId).orderBy('position').execute();
    const postRow = (id: string) => database.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const read = async (mediaId: string, text: string) =>
      work.saveExtraction(mediaId, await urlOf(database.db, mediaId), {
        contentSha256: `sha-of-${text}`,
        bytes: Buffer.from(text),
        mimeType: 'image/png',
        width: 20,
        height: 10,
        perceptualHash: null,
        ocrText: text,
        words: [{ text, box: [1, 1, 10, 5], confidence: 90, line: 0 }],
        metadata: { software: 'camera' },
      });
    const findingOn = (postId: string, accountId: string) => ({
      postId,
      accountId,
      ruleIds: ['marking-confidential'] as [string],
      category: 'marking' as const,
      severity: 'high' as const,
      score: 80,
      scoreBreakdown: { base: 80 },
      evidence: { source: 'text' as const, text: 'CONFIDENTIAL' },
    });

    it('stores new posts and returns each with its pending images in order', async () => {
      const { account, scan } = await scene();
      const scanRunId = await scan();
      const result = await store(scanRunId, account, [post(`n-${ids}-1`, 'two images', ['https://i.example/1.jpg', 'https://i.example/2.jpg']), post(`n-${ids}-2`, 'no image')]);
      expect(result).toHaveLength(2);
      const [withImages, without] = result;
      const media = await mediaOf(withImages!.postId);
      expect(media.map((row) => [row.position, row.source_url, row.status])).toEqual([
        [0, 'https://i.example/1.jpg', 'pending'],
        [1, 'https://i.example/2.jpg', 'pending'],
      ]);
      expect(withImages!.pendingMediaIds).toEqual(media.map((row) => row.id));
      expect(without!.pendingMediaIds).toEqual([]);
      expect((await postRow(without!.postId)).scan_run_id).toBe(scanRunId);
    });

    it('returns nothing for analyzed, unchanged posts collected again, and the unanalyzed ones again with the same images', async () => {
      const { account, scan } = await scene();
      const posts = [post(`i-${ids}-1`, 'analyzed'), post(`i-${ids}-2`, 'waiting', ['https://i.example/w.jpg'])];
      const [analyzed, waiting] = await store(await scan(), account, posts);
      await new PostAnalysisRepository(database.db).save(analyzed!.postId, await hashOf(database.db, analyzed!.postId), []);
      const analyzedBefore = await postRow(analyzed!.postId);

      const secondScan = await scan();
      expect(await store(secondScan, account, posts)).toEqual([waiting]);
      expect(await postRow(analyzed!.postId)).toEqual(analyzedBefore);
      expect((await postRow(waiting!.postId)).scan_run_id).toBe(secondScan);
      expect(await mediaOf(waiting!.postId)).toHaveLength(1);
    });

    it('returns a post whose text changed, for analysis, with its images kept as read', async () => {
      const { account, scan } = await scene();
      const [stored] = await store(await scan(), account, [post(`t-${ids}`, 'before', ['https://i.example/t.jpg'])]);
      await read(stored!.pendingMediaIds[0]!, 'PLAN');
      await new PostAnalysisRepository(database.db).save(stored!.postId, await hashOf(database.db, stored!.postId), [findingOn(stored!.postId, account.id)]);

      const [changed] = await store(await scan(), account, [post(`t-${ids}`, 'after', ['https://i.example/t.jpg'])]);
      expect(changed).toMatchObject({ postId: stored!.postId, pendingMediaIds: [] });
      expect(changed!.contentSha256).not.toBe(stored!.contentSha256);
      expect(await postRow(stored!.postId)).toMatchObject({ text: 'after', analyzed_at: null });
      expect((await mediaOf(stored!.postId)).map((row) => [row.status, row.ocr_text])).toEqual([['extracted', 'PLAN']]);
    });

    it('makes only the images whose URL changed pending again', async () => {
      const { account, scan } = await scene();
      const [stored] = await store(await scan(), account, [post(`u-${ids}`, 'same text', ['https://i.example/a.jpg', 'https://i.example/b.jpg'])]);
      const [first, second] = stored!.pendingMediaIds;
      await read(first!, 'FIRST');
      await read(second!, 'SECOND');
      await new PostAnalysisRepository(database.db).save(stored!.postId, await hashOf(database.db, stored!.postId), [findingOn(stored!.postId, account.id)]);

      const [changed] = await store(await scan(), account, [post(`u-${ids}`, 'same text', ['https://i.example/a.jpg', 'https://i.example/c.jpg'])]);
      expect(changed?.pendingMediaIds).toEqual([second]);
      const media = await mediaOf(stored!.postId);
      expect(media.map((row) => [row.id, row.source_url, row.status, row.error])).toEqual([
        [first, 'https://i.example/a.jpg', 'extracted', null],
        [second, 'https://i.example/c.jpg', 'pending', null],
      ]);
      expect(media[0]?.ocr_text).toBe('FIRST');
    });

    // The row now stands for another picture: nothing read from the old one may stay with it
    // (its bytes would outlive a failed download of the new one, its words be taken for the new one's).
    it("keeps nothing of the old image's reading on an image whose URL changed", async () => {
      const { account, scan } = await scene();
      const [stored] = await store(await scan(), account, [post(`s-${ids}`, 'text', ['https://i.example/old.jpg'])]);
      await read(stored!.pendingMediaIds[0]!, 'OLD SECRET');
      await new PostAnalysisRepository(database.db).save(stored!.postId, await hashOf(database.db, stored!.postId), [findingOn(stored!.postId, account.id)]);

      await store(await scan(), account, [post(`s-${ids}`, 'text', ['https://i.example/new.jpg'])]);
      expect(await mediaOf(stored!.postId)).toMatchObject([{ status: 'pending', content: null, ocr_text: null, ocr_words: null, content_sha256: null }]);
    });

    // A clean analysis dropped the image's words; the changed post must not be analyzed without
    // them (the text's new match may need the image's context words, or the rules changed).
    it('reads again the unchanged images of a changed post whose earlier analysis dropped their reading', async () => {
      const { account, scan } = await scene();
      const [stored] = await store(await scan(), account, [post(`d-${ids}`, 'clean', ['https://i.example/d.jpg'])]);
      await read(stored!.pendingMediaIds[0]!, 'ROADMAP');
      await new PostAnalysisRepository(database.db).save(stored!.postId, await hashOf(database.db, stored!.postId), []);

      const [changed] = await store(await scan(), account, [post(`d-${ids}`, 'edited caption', ['https://i.example/d.jpg'])]);
      expect(changed?.pendingMediaIds).toEqual(stored!.pendingMediaIds);
    });

    it('deletes the image rows past the last image of a changed post', async () => {
      const { account, scan } = await scene();
      const urls = ['https://i.example/1.jpg', 'https://i.example/2.jpg', 'https://i.example/3.jpg'];
      const [stored] = await store(await scan(), account, [post(`f-${ids}`, 'three', urls)]);
      const [changed] = await store(await scan(), account, [post(`f-${ids}`, 'one', urls.slice(0, 1))]);
      expect(changed?.pendingMediaIds).toEqual(stored!.pendingMediaIds.slice(0, 1));
      expect((await mediaOf(stored!.postId)).map((row) => row.source_url)).toEqual(urls.slice(0, 1));
      const [none] = await store(await scan(), account, [post(`f-${ids}`, 'none')]);
      expect(none?.pendingMediaIds).toEqual([]);
      expect(await mediaOf(stored!.postId)).toEqual([]);
    });

    it('leaves a post whose analysis failed for good alone until it changes', async () => {
      const { account, scan } = await scene();
      const [stored] = await store(await scan(), account, [post(`x-${ids}`, 'breaks the rules')]);
      await work.failAnalysis(stored!.postId, 'boom');
      expect(await store(await scan(), account, [post(`x-${ids}`, 'breaks the rules')])).toEqual([]);
      const [changed] = await store(await scan(), account, [post(`x-${ids}`, 'fixed')]);
      expect(changed?.postId).toBe(stored!.postId);
      expect(await postRow(stored!.postId)).toMatchObject({ analysis_failed_at: null, analysis_error: null });
    });

    it('lists the posts of the given scans that still wait, with their pending images', async () => {
      const { account, scan } = await scene();
      const scanRunId = await scan();
      const [imagePending, imageRead, analyzed, failed] = await store(scanRunId, account, [
        post(`l-${ids}-1`, 'image pending', ['https://i.example/l1.jpg', 'https://i.example/l2.jpg']),
        post(`l-${ids}-2`, 'image read', ['https://i.example/l3.jpg']),
        post(`l-${ids}-3`, 'analyzed'),
        post(`l-${ids}-4`, 'failed'),
      ]);
      await read(imagePending!.pendingMediaIds[0]!, 'ONE');
      await read(imageRead!.pendingMediaIds[0]!, 'THREE');
      await new PostAnalysisRepository(database.db).save(analyzed!.postId, await hashOf(database.db, analyzed!.postId), []);
      await work.failAnalysis(failed!.postId, 'boom');
      const other = await scene();
      const [elsewhere] = await store(await other.scan(), other.account, [post(`l-${ids}-5`, 'another scan')]);

      const unfinished = await work.unfinishedWork([scanRunId]);
      const byPost = (a: PostWork, b: PostWork) => a.postId.localeCompare(b.postId);
      expect(unfinished.sort(byPost)).toEqual(
        [
          { ...imagePending!, pendingMediaIds: imagePending!.pendingMediaIds.slice(1) },
          { ...imageRead!, pendingMediaIds: [] },
        ].sort(byPost),
      );
      expect((await work.unfinishedWork([scanRunId, (await postRow(elsewhere!.postId)).scan_run_id!])).map((entry) => entry.postId)).toContain(elsewhere!.postId);
      expect(await work.unfinishedWork([])).toEqual([]);
    });
    it('keeps no reading when the image changed while it was being read, and no content of a post that failed for good', async () => {
      const { account, scan } = await scene();
      const scanRunId = await scan();
      const [first] = await store(scanRunId, account, [post(`r-${ids}`, 'holiday', ['https://files.example/holiday.png'])]);
      const mediaId = first!.pendingMediaIds[0]!;
      const fetchedFrom = await urlOf(database.db, mediaId);
      // The post is edited while its old picture is being read: the old reading must not land on the new picture.
      await store(scanRunId, account, [post(`r-${ids}`, 'holiday', ['https://files.example/whiteboard.png'])]);
      await work.saveExtraction(mediaId, fetchedFrom, { contentSha256: 'old', bytes: Buffer.from('old'), mimeType: 'image/png', width: 1, height: 1, perceptualHash: null, ocrText: 'old', words: [], metadata: {} });
      expect(await mediaOf(first!.postId)).toMatchObject([{ status: 'pending', source_url: 'https://files.example/whiteboard.png', ocr_text: null, content: null }]);

      await read(mediaId, 'NEW');
      await work.failAnalysis(first!.postId, 'the rules crashed');
      expect(await postRow(first!.postId)).toMatchObject({ text: null, analysis_error: 'the rules crashed' });
      expect(await mediaOf(first!.postId)).toMatchObject([{ content: null, ocr_text: null, ocr_words: null, metadata: {} }]);
    });

    it('analyzes a clean post again when one of its images is retried, so the reading does not outlive an analysis', async () => {
      const { account, scan } = await scene();
      const [stored] = await store(await scan(), account, [post(`c-${ids}`, 'sunset', ['https://files.example/sunset.png'])]);
      const mediaId = stored!.pendingMediaIds[0]!;
      await work.failMedia(mediaId, 'HTTP 503');
      await new PostAnalysisRepository(database.db).save(stored!.postId, await hashOf(database.db, stored!.postId), []);
      expect(await postRow(stored!.postId)).toMatchObject({ text: null });
      await work.reopenMedia(mediaId);
      expect(await work.workOf(stored!.postId)).toEqual({ postId: stored!.postId, contentSha256: stored!.contentSha256, pendingMediaIds: [mediaId] });
    });
  });
}
