import type { Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';

/** A post's content hash as stored: what the analyze stage passes to PostAnalysisRepository.save. */
export async function hashOf(db: Kysely<Schema>, postId: string): Promise<string> {
  return (await db.selectFrom('posts').select('content_sha256').where('id', '=', postId).executeTakeFirstOrThrow()).content_sha256;
}

/** An image's URL as stored: what the extract stage passes to saveExtraction. */
export async function urlOf(db: Kysely<Schema>, mediaId: string): Promise<string> {
  return (await db.selectFrom('media').select('source_url').where('id', '=', mediaId).executeTakeFirstOrThrow()).source_url;
}
