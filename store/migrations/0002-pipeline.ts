import { sql, type Kysely } from 'kysely';

/**
 * The pipeline's state: which scan collected which account and post, OCR words and (until
 * analysis) image bytes, findings' titles and whether they still match their post, and the jobs
 * that failed for good. The database, not the queue, is the record of what is left to do: a queue
 * that loses its jobs (a Redis restart) is refilled from these columns.
 */
const STATEMENTS = [
  `ALTER TABLE accounts ADD COLUMN legal_basis_at timestamptz`,

  `ALTER TABLE posts ADD COLUMN scan_run_id uuid REFERENCES scan_runs (id) ON DELETE SET NULL`,
  `ALTER TABLE posts ADD COLUMN analysis_error text`,
  `ALTER TABLE posts ADD COLUMN analysis_failed_at timestamptz`,
  // The work left: posts collected or changed and not yet analyzed (or failed for good).
  `CREATE INDEX posts_unanalyzed_idx ON posts (scan_run_id) WHERE analyzed_at IS NULL AND analysis_failed_at IS NULL`,
  `CREATE INDEX posts_scan_idx ON posts (scan_run_id)`,

  `ALTER TABLE media ADD COLUMN ocr_words jsonb`,
  // Kept from extraction until analysis; dropped then unless the post has a finding.
  `ALTER TABLE media ADD COLUMN content bytea`,
  `ALTER TABLE media ADD COLUMN extracted_at timestamptz`,

  `ALTER TABLE findings ADD COLUMN scan_run_id uuid REFERENCES scan_runs (id) ON DELETE SET NULL`,
  `ALTER TABLE findings ADD COLUMN title text`,
  `ALTER TABLE findings ADD COLUMN explain text`,
  // False once the post changed and the finding's evidence is gone from it.
  `ALTER TABLE findings ADD COLUMN is_current boolean NOT NULL DEFAULT true`,
  `CREATE INDEX findings_scan_idx ON findings (scan_run_id)`,

  `CREATE TABLE scan_run_accounts (
     scan_run_id uuid NOT NULL REFERENCES scan_runs (id) ON DELETE CASCADE,
     account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'collected', 'blocked', 'failed', 'skipped')),
     posts integer NOT NULL DEFAULT 0,
     error text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (scan_run_id, account_id)
   )`,
  `CREATE INDEX scan_run_accounts_pending_idx ON scan_run_accounts (scan_run_id) WHERE status = 'pending'`,

  `CREATE TABLE failed_jobs (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     stage text NOT NULL CHECK (stage IN ('collect', 'extract', 'analyze')),
     job_key text NOT NULL UNIQUE,
     payload jsonb NOT NULL,
     scan_run_id uuid REFERENCES scan_runs (id) ON DELETE SET NULL,
     error text NOT NULL,
     error_kind text NOT NULL CHECK (error_kind IN ('permanent', 'retries_exhausted', 'invalid_payload')),
     attempts integer NOT NULL,
     failed_at timestamptz NOT NULL DEFAULT now(),
     retried_at timestamptz
   )`,
  `CREATE INDEX failed_jobs_open_idx ON failed_jobs (failed_at DESC) WHERE retried_at IS NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
