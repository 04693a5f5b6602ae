import { sql, type Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';

/** Rows per table the pipeline writes: two equal snapshots mean nothing was added or removed. */
export interface RowCounts {
  posts: number;
  media: number;
  findings: number;
  events: number;
  failedJobs: number;
  scanRuns: number;
  scanRunAccounts: number;
}

export async function rowCounts(db: Kysely<Schema>): Promise<RowCounts> {
  const count = async (table: keyof Schema) =>
    (await db.selectFrom(table).select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow()).count;
  return {
    posts: await count('posts'),
    media: await count('media'),
    findings: await count('findings'),
    events: await count('finding_events'),
    failedJobs: await count('failed_jobs'),
    scanRuns: await count('scan_runs'),
    scanRunAccounts: await count('scan_run_accounts'),
  };
}
