import { sql, type Kysely } from 'kysely';
import type { Media, Schema } from '../schema.js';

/** What the OCR stage learned about one image of a post. */
export interface MediaExtraction {
  postId: string;
  /** The image's place among the post's media, from 0. */
  position: number;
  sourceUrl: string;
  status: 'extracted' | 'skipped' | 'failed';
  contentSha256?: string;
  mimeType?: string;
  byteSize?: number;
  width?: number;
  height?: number;
  /** 64-bit dHash as 16 hex digits (ocr/perceptual-hash.ts). */
  perceptualHash?: string;
  ocrText?: string;
  metadata?: Record<string, unknown>;
  error?: string;
}

const HASH = /^[0-9a-f]{16}$/u;

/** The media of posts: one row per (post, position), written when the image has been read. */
export class MediaRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Records (or re-records, on a re-run) one image's extraction. */
  async record(extraction: MediaExtraction): Promise<Media> {
    const changes = {
      source_url: extraction.sourceUrl,
      status: extraction.status,
      content_sha256: extraction.contentSha256 ?? null,
      mime_type: extraction.mimeType ?? null,
      byte_size: extraction.byteSize ?? null,
      width: extraction.width ?? null,
      height: extraction.height ?? null,
      perceptual_hash: extraction.perceptualHash ?? null,
      ocr_text: extraction.ocrText ?? null,
      metadata: JSON.stringify(extraction.metadata ?? {}),
      error: extraction.error ?? null,
    };
    return this.db
      .insertInto('media')
      .values({ post_id: extraction.postId, position: extraction.position, ...changes })
      .onConflict((conflict) => conflict.columns(['post_id', 'position']).doUpdateSet(changes))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Earlier images whose perceptual hash is at most `maxDistance` bits from `hash`, nearest first:
   * re-posts of a picture, on any account. The distance is counted in SQL that PostgreSQL 13 has
   * (no bit_count), as the number of 1s in the XOR of the two hashes as 64-bit strings; a stored
   * value that is not a hash (the cast would fail) counts as 65 bits away.
   */
  async findByPerceptualHash(hash: string, maxDistance: number, limit = 50): Promise<(Media & { distance: number })[]> {
    if (!HASH.test(hash)) return [];
    const distance = sql<number>`CASE WHEN perceptual_hash ~ '^[0-9a-f]{16}$'
      THEN length(replace((('x' || perceptual_hash)::bit(64) # ('x' || ${hash})::bit(64))::text, '0', '')) ELSE 65 END`;
    return this.db
      .selectFrom('media')
      .selectAll()
      .select(distance.as('distance'))
      .where(distance, '<=', maxDistance)
      .orderBy('distance')
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }
}
