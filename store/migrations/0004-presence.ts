import { sql, type Kysely } from 'kysely';

/**
 * Whether a post is still up, and whether a finding's owner was asked to take it down: each post
 * records when a collection last saw it and when a complete re-reading of its account no longer
 * found it; each finding records when (and by whom) its account's owner was notified.
 */
const STATEMENTS = [
  `ALTER TABLE posts ADD COLUMN last_seen_at timestamptz`,
  // Every stored post was seen by the collection that stored it.
  `UPDATE posts SET last_seen_at = collected_at`,
  `ALTER TABLE posts ALTER COLUMN last_seen_at SET DEFAULT now()`,
  `ALTER TABLE posts ALTER COLUMN last_seen_at SET NOT NULL`,
  // Null while the post is present; set by a complete re-reading of its account that did not find it.
  `ALTER TABLE posts ADD COLUMN gone_at timestamptz`,

  `ALTER TABLE findings ADD COLUMN owner_notified_at timestamptz`,
  // Who notified the owner last: user:<id> or api_key:<id>, like resolved_by.
  `ALTER TABLE findings ADD COLUMN owner_notified_by text`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
