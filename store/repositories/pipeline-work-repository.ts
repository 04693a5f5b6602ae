import { sql, type Kysely } from 'kysely';
import type { Account, Media, MediaWord, Post, Schema } from '../schema.js';
import { postContentHash } from './posts-repository.js';

/** A post as the collect stage hands it to the store. */
export interface CollectedPostInput {
  externalId: string;
  url: string;
  author?: string;
  publishedAt?: Date;
  isRepost: boolean;
  text: string;
  mediaUrls: readonly string[];
}

/** A post that still waits for the later stages: its images to read, or only its analysis. */
export interface PostWork {
  postId: string;
  contentSha256: string;
  pendingMediaIds: string[];
}

/** What the extract stage learned about one image. */
export interface MediaExtractionResult {
  contentSha256: string;
  bytes: Buffer;
  mimeType: string;
  width: number;
  height: number;
  perceptualHash: string | null;
  ocrText: string;
  words: MediaWord[];
  metadata: Record<string, unknown>;
}

/** A post with everything its analysis needs. */
export interface PostForAnalysis {
  post: Post;
  account: Pick<Account, 'id' | 'platform' | 'handle' | 'kind'>;
  media: Media[];
}

// Rows per INSERT: well under PostgreSQL's 65,535 bind parameters.
const BATCH = 200;

/**
 * The pipeline's reads and writes of posts and media. Every write is safe to repeat: a replayed
 * job finds its work done and changes nothing.
 */
export class PipelineWorkRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Stores a collection's posts for a scan. New and changed posts (and posts an earlier scan left
   * unanalyzed) are claimed by this scan; their images are recorded as pending where the image
   * URL is new. Returns the posts that need work. Unchanged, analyzed posts are left as they are.
   */
  async storeCollectedPosts(scanRunId: string, accountId: string, platform: string, posts: readonly CollectedPostInput[]): Promise<PostWork[]> {
    const work: PostWork[] = [];
    for (let start = 0; start < posts.length; start += BATCH) {
      const batch = posts.slice(start, start + BATCH);
      await this.db.transaction().execute(async (trx) => {
        const rows = await trx
          .insertInto('posts')
          .values(
            batch.map((post) => ({
              account_id: accountId,
              platform,
              external_id: post.externalId,
              url: post.url,
              author: post.author ?? null,
              published_at: post.publishedAt ?? null,
              is_repost: post.isRepost,
              text: post.text,
              content_sha256: postContentHash(post.text, post.mediaUrls),
              analyzed_at: null,
              content_dropped_at: null,
              scan_run_id: scanRunId,
              analysis_error: null,
              analysis_failed_at: null,
            })),
          )
          .onConflict((conflict) =>
            conflict
              .columns(['platform', 'external_id'])
              .doUpdateSet((eb) => ({
                text: eb.ref('excluded.text'),
                url: eb.ref('excluded.url'),
                content_sha256: eb.ref('excluded.content_sha256'),
                scan_run_id: eb.ref('excluded.scan_run_id'),
                analyzed_at: null,
                analysis_failed_at: null,
                analysis_error: null,
                content_dropped_at: null,
              }))
              // Changed content, or content never analyzed: a rescan that meets an analyzed,
              // unchanged post leaves it (and its findings) alone.
              .where((eb) =>
                eb.or([
                  eb('posts.content_sha256', '<>', eb.ref('excluded.content_sha256')),
                  eb.and([eb('posts.analyzed_at', 'is', null), eb('posts.analysis_failed_at', 'is', null)]),
                ]),
              ),
          )
          .returning(['id', 'external_id', 'content_sha256'])
          // xmax is 0 for a row this statement inserted: a new post has no old images to trim.
          .returning(sql<boolean>`(xmax = 0)`.as('is_inserted'))
          .execute();
        if (rows.length === 0) return;
        const urlsByExternalId = new Map(batch.map((post) => [post.externalId, post.mediaUrls]));
        const mediaRows = rows.flatMap((row) =>
          (urlsByExternalId.get(row.external_id) ?? []).map((url, position) => ({ post_id: row.id, position, source_url: url })),
        );
        if (mediaRows.length > 0) {
          await trx
            .insertInto('media')
            .values(mediaRows.map((row) => ({ ...row, metadata: '{}', error: null })))
            .onConflict((conflict) =>
              conflict
                .columns(['post_id', 'position'])
                .doUpdateSet((eb) => ({
                  source_url: eb.ref('excluded.source_url'),
                  status: 'pending',
                  error: null,
                  extracted_at: null,
                  // Nothing of another image's reading may stay with this one.
                  content: null,
                  content_sha256: null,
                  mime_type: null,
                  byte_size: null,
                  width: null,
                  height: null,
                  perceptual_hash: null,
                  ocr_text: null,
                  ocr_words: null,
                  metadata: '{}',
                }))
                // The same image at the same place keeps what was read of it, unless its reading
                // was dropped with a clean analysis: the changed post is then read whole again.
                .where((eb) =>
                  eb.or([
                    eb('media.source_url', '<>', eb.ref('excluded.source_url')),
                    eb.and([eb('media.status', '=', 'extracted'), eb('media.ocr_words', 'is', null)]),
                  ]),
                ),
            )
            .execute();
        }
        // A changed post with fewer images than before loses the rows past its last one.
        for (const row of rows.filter((candidate) => !candidate.is_inserted)) {
          const count = urlsByExternalId.get(row.external_id)?.length ?? 0;
          await trx.deleteFrom('media').where('post_id', '=', row.id).where('position', '>=', count).execute();
        }
        work.push(...(await pendingMediaOf(trx, rows.map((row) => ({ postId: row.id, contentSha256: row.content_sha256 })))));
      });
    }
    return work;
  }

  /** Posts of running scans that still wait for a stage, for refilling a queue that lost jobs. */
  async unfinishedWork(scanRunIds: readonly string[], limit = 20_000): Promise<PostWork[]> {
    if (scanRunIds.length === 0) return [];
    const posts = await this.db
      .selectFrom('posts')
      .select(['id as postId', 'content_sha256 as contentSha256'])
      .where('scan_run_id', 'in', scanRunIds)
      .where('analyzed_at', 'is', null)
      .where('analysis_failed_at', 'is', null)
      .limit(limit)
      .execute();
    return pendingMediaOf(this.db, posts);
  }

  /** The work left on one post (none when it was analyzed, failed, or is gone). */
  async workOf(postId: string): Promise<PostWork | undefined> {
    const post = await this.db
      .selectFrom('posts')
      .select(['id as postId', 'content_sha256 as contentSha256'])
      .where('id', '=', postId)
      .where('analyzed_at', 'is', null)
      .where('analysis_failed_at', 'is', null)
      .executeTakeFirst();
    if (post === undefined) return undefined;
    return (await pendingMediaOf(this.db, [post]))[0];
  }

  async mediaById(mediaId: string): Promise<Media | undefined> {
    return this.db.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirst();
  }

  /** An image already read, with the same bytes, whose reading is still kept. */
  async extractedWithContent(contentSha256: string): Promise<Media | undefined> {
    return this.db
      .selectFrom('media')
      .selectAll()
      .where('content_sha256', '=', contentSha256)
      .where('status', '=', 'extracted')
      .where('ocr_words', 'is not', null)
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Records a reading of the image fetched from `sourceUrl`; a media row that is no longer pending
   * (a replayed job) or now points at another image (the post changed meanwhile) is left as it is.
   */
  async saveExtraction(mediaId: string, sourceUrl: string, result: MediaExtractionResult): Promise<void> {
    await this.db
      .updateTable('media')
      .set({
        status: 'extracted',
        content_sha256: result.contentSha256,
        content: result.bytes,
        mime_type: result.mimeType,
        byte_size: result.bytes.length,
        width: result.width,
        height: result.height,
        perceptual_hash: result.perceptualHash,
        ocr_text: result.ocrText,
        ocr_words: JSON.stringify(result.words),
        metadata: JSON.stringify(result.metadata),
        error: null,
        extracted_at: new Date(),
      })
      .where('id', '=', mediaId)
      .where('status', '=', 'pending')
      .where('source_url', '=', sourceUrl)
      .execute();
  }

  /** An image that cannot be read: the post is analyzed without it. */
  async failMedia(mediaId: string, error: string, contentSha256?: string): Promise<void> {
    await this.db
      .updateTable('media')
      .set({ status: 'failed', error, content_sha256: contentSha256 ?? null, extracted_at: new Date() })
      .where('id', '=', mediaId)
      .where('status', '=', 'pending')
      .execute();
  }

  async postForAnalysis(postId: string): Promise<PostForAnalysis | undefined> {
    const post = await this.db.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirst();
    if (post === undefined) return undefined;
    const account = await this.db
      .selectFrom('accounts')
      .select(['id', 'platform', 'handle', 'kind'])
      .where('id', '=', post.account_id)
      .executeTakeFirstOrThrow();
    const media = await this.db.selectFrom('media').selectAll().where('post_id', '=', postId).orderBy('position').execute();
    return { post, account, media };
  }

  /**
   * A post whose analysis failed for good: it no longer holds its scan open, and (having no
   * finding) keeps no content, like a clean post. A retry analyzes what is left: nothing, unless
   * the platform still shows it and a `scan --full` collects it again.
   */
  async failAnalysis(postId: string, error: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const failed = await trx
        .updateTable('posts')
        .set({ analysis_failed_at: now, analysis_error: error, text: null, content_dropped_at: now })
        .where('id', '=', postId)
        .where('analyzed_at', 'is', null)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('findings').select('id').whereRef('findings.post_id', '=', 'posts.id'))))
        .returning('id')
        .execute();
      if (failed.length === 0) {
        await trx.updateTable('posts').set({ analysis_failed_at: now, analysis_error: error }).where('id', '=', postId).where('analyzed_at', 'is', null).execute();
        return;
      }
      await trx.updateTable('media').set({ content: null, ocr_text: null, ocr_words: null, metadata: '{}' }).where('post_id', '=', postId).execute();
    });
  }

  /** Makes failed work pending again, for `overshare jobs retry`. */
  async reopenMedia(mediaId: string): Promise<void> {
    await this.db.updateTable('media').set({ status: 'pending', error: null }).where('id', '=', mediaId).where('status', '=', 'failed').execute();
    // The post is analyzed again once the image is read, whatever was dropped of its text since:
    // the image alone may hold the leak, and its reading must not outlive an analysis.
    await this.db
      .updateTable('posts')
      .set({ analyzed_at: null, analysis_failed_at: null, analysis_error: null })
      .where('id', '=', (eb) => eb.selectFrom('media').select('post_id').where('id', '=', mediaId))
      .execute();
  }

  async reopenAnalysis(postId: string): Promise<void> {
    await this.db
      .updateTable('posts')
      .set({ analysis_failed_at: null, analysis_error: null })
      .where('id', '=', postId)
      .where('analyzed_at', 'is', null)
      .execute();
  }
}

async function pendingMediaOf(
  db: Kysely<Schema>,
  posts: ReadonlyArray<{ postId: string; contentSha256: string }>,
): Promise<PostWork[]> {
  if (posts.length === 0) return [];
  const pending = await db
    .selectFrom('media')
    .select(['id', 'post_id'])
    .where('post_id', 'in', posts.map((post) => post.postId))
    .where('status', '=', 'pending')
    .orderBy('post_id')
    .orderBy('position')
    .execute();
  const byPost = new Map<string, string[]>();
  for (const row of pending) byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), row.id]);
  return posts.map((post) => ({ ...post, pendingMediaIds: byPost.get(post.postId) ?? [] }));
}
