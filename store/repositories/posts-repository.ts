import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Post, Schema } from '../schema.js';

/** A post as collected from a platform. */
export interface PostInput {
  accountId: string;
  platform: string;
  externalId: string;
  url: string;
  author?: string;
  publishedAt?: Date;
  isRepost?: boolean;
  text: string;
  mediaUrls?: readonly string[];
}

/** `created` the first time, `changed` when its text or media changed since, `unchanged` otherwise. */
export type UpsertOutcome = 'created' | 'changed' | 'unchanged';

/** Posts, unique by (platform, external id): collecting the same post again never adds a row. */
export class PostsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Stores a collected post; a changed post gets its new content and is queued for analysis again.
   * Either way the post counts as seen now and present (`last_seen_at`, `gone_at` cleared).
   */
  async upsert(input: PostInput): Promise<{ post: Post; outcome: UpsertOutcome }> {
    const contentSha256 = postContentHash(input.text, input.mediaUrls ?? []);
    const row = await this.db
      .insertInto('posts')
      .values({
        account_id: input.accountId,
        platform: input.platform,
        external_id: input.externalId,
        url: input.url,
        author: input.author ?? null,
        published_at: input.publishedAt ?? null,
        is_repost: input.isRepost ?? false,
        text: input.text,
        content_sha256: contentSha256,
        analyzed_at: null,
        content_dropped_at: null,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['platform', 'external_id'])
          .doUpdateSet((eb) => ({
            text: eb.ref('excluded.text'),
            url: eb.ref('excluded.url'),
            content_sha256: eb.ref('excluded.content_sha256'),
            analyzed_at: null,
            content_dropped_at: null,
            last_seen_at: sql<Date>`now()`,
            gone_at: null,
          }))
          .where('posts.content_sha256', '<>', (eb) => eb.ref('excluded.content_sha256')),
      )
      .returningAll()
      // xmax is 0 for a row this statement inserted and non-zero for one it updated.
      .returning(sql<boolean>`(xmax = 0)`.as('is_inserted'))
      .executeTakeFirst();
    if (row) {
      const { is_inserted: isInserted, ...post } = row;
      return { post, outcome: isInserted ? 'created' : 'changed' };
    }
    // Unchanged, but collected: seen now, and present again if it was gone.
    const post = await this.db
      .updateTable('posts')
      .set({ last_seen_at: sql<Date>`greatest(last_seen_at, now())`, gone_at: null })
      .where('platform', '=', input.platform)
      .where('external_id', '=', input.externalId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { post, outcome: 'unchanged' };
  }

  /** Privacy by design: a post with no finding keeps its URL, ids, hash and time, not its text. */
  async dropContent(postId: string): Promise<void> {
    await this.db
      .updateTable('posts')
      .set({ text: null, content_dropped_at: new Date() })
      .where('id', '=', postId)
      .execute();
  }
}

/** SHA-256 over a post's text and media URLs, in order. */
export function postContentHash(text: string, mediaUrls: readonly string[]): string {
  const hash = createHash('sha256').update(text);
  for (const url of mediaUrls) hash.update('\u0000').update(url);
  return hash.digest('hex');
}
