import { sql, type Kysely } from 'kysely';

/**
 * The first schema: accounts, posts, media, findings with their append-only event outbox,
 * audit log, users, API keys and scan runs. Statements run one at a time so the same migration
 * works over PGlite's extended protocol and node-postgres alike.
 */
const STATEMENTS = [
  // Append-only tables: no UPDATE or TRUNCATE ever; DELETE only by the retention job, which says so
  // with SET LOCAL overshare.retention_purge = 'on' inside its transaction.
  `CREATE FUNCTION overshare_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' AND current_setting('overshare.retention_purge', true) = 'on' THEN
       RETURN OLD;
     END IF;
     RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
       USING ERRCODE = 'restrict_violation';
   END $$`,

  `CREATE TABLE accounts (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     platform text NOT NULL,
     handle text NOT NULL,
     url text,
     display_name text,
     kind text NOT NULL CHECK (kind IN ('corporate', 'employee')),
     owner_employee_id text,
     owner_name text,
     owner_email text,
     owner_department text,
     notice_given_at timestamptz,
     legal_basis text,
     schedule text,
     is_active boolean NOT NULL DEFAULT true,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'blocked', 'failing')),
     last_error text,
     last_error_at timestamptz,
     crawl_cursor jsonb,
     last_scanned_at timestamptz,
     next_scan_at timestamptz,
     settings jsonb NOT NULL DEFAULT '{}'::jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (platform, handle)
   )`,
  `CREATE INDEX accounts_due_idx ON accounts (next_scan_at) WHERE is_active`,

  `CREATE TABLE posts (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     platform text NOT NULL,
     external_id text NOT NULL,
     url text NOT NULL,
     author text,
     published_at timestamptz,
     collected_at timestamptz NOT NULL DEFAULT now(),
     is_repost boolean NOT NULL DEFAULT false,
     text text,
     content_sha256 text NOT NULL,
     analyzed_at timestamptz,
     content_dropped_at timestamptz,
     UNIQUE (platform, external_id)
   )`,
  `CREATE INDEX posts_account_idx ON posts (account_id, published_at DESC)`,

  `CREATE TABLE media (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
     position integer NOT NULL CHECK (position >= 0),
     source_url text NOT NULL,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'extracted', 'skipped', 'failed')),
     content_sha256 text,
     mime_type text,
     byte_size integer,
     width integer,
     height integer,
     perceptual_hash text,
     ocr_text text,
     metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
     error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (post_id, position)
   )`,
  `CREATE INDEX media_content_idx ON media (content_sha256)`,

  `CREATE TABLE users (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     username text NOT NULL,
     display_name text,
     email text,
     role text NOT NULL CHECK (role IN ('admin', 'reviewer', 'auditor', 'siem')),
     password_hash text,
     is_active boolean NOT NULL DEFAULT true,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     last_login_at timestamptz
   )`,
  `CREATE UNIQUE INDEX users_username_idx ON users (lower(username))`,

  `CREATE TABLE api_keys (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     prefix text NOT NULL UNIQUE,
     key_hash text NOT NULL,
     role text NOT NULL CHECK (role IN ('admin', 'reviewer', 'auditor', 'siem')),
     scopes text[] NOT NULL DEFAULT '{}',
     created_by uuid REFERENCES users (id) ON DELETE SET NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz,
     last_used_at timestamptz,
     revoked_at timestamptz
   )`,

  `CREATE TABLE findings (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
     account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     dedupe_key text NOT NULL UNIQUE,
     rule_ids text[] NOT NULL CHECK (cardinality(rule_ids) > 0),
     category text NOT NULL CHECK (category IN ('marking', 'secret', 'credential', 'pii', 'financial', 'codename',
       'internal_host', 'employee_id', 'customer', 'personnel', 'product', 'security', 'fingerprint', 'location')),
     severity text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
     score smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
     score_breakdown jsonb NOT NULL DEFAULT '{}'::jsonb,
     evidence jsonb NOT NULL,
     state text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'in_review', 'resolved', 'reopened')),
     resolution text CHECK (resolution IN ('confirmed_leak', 'false_positive', 'authorized', 'accepted_risk',
       'duplicate', 'out_of_scope')),
     resolution_expires_at timestamptz,
     assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
     version integer NOT NULL DEFAULT 1,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT findings_resolution_iff_resolved CHECK ((state = 'resolved') = (resolution IS NOT NULL)),
     CONSTRAINT findings_expiry_only_for_accepted_risk
       CHECK (resolution_expires_at IS NULL OR resolution = 'accepted_risk')
   )`,
  `CREATE INDEX findings_queue_idx ON findings (state, created_at DESC)`,
  `CREATE INDEX findings_post_idx ON findings (post_id)`,
  `CREATE INDEX findings_account_idx ON findings (account_id, created_at DESC)`,

  // No foreign key to findings: an event outlives the finding it describes (retention purges
  // findings and records that with an event of its own).
  `CREATE TABLE finding_events (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
     finding_id uuid NOT NULL,
     finding_version integer NOT NULL,
     type text NOT NULL CHECK (type IN ('finding.created', 'finding.updated', 'finding.purged')),
     payload jsonb NOT NULL,
     occurred_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (finding_id, finding_version)
   )`,
  `CREATE TRIGGER finding_events_append_only BEFORE UPDATE OR DELETE ON finding_events
     FOR EACH ROW EXECUTE FUNCTION overshare_append_only()`,
  `CREATE TRIGGER finding_events_no_truncate BEFORE TRUNCATE ON finding_events
     FOR EACH STATEMENT EXECUTE FUNCTION overshare_append_only()`,

  `CREATE TABLE audit_log (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     occurred_at timestamptz NOT NULL DEFAULT now(),
     actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
     actor_id text,
     action text NOT NULL,
     target_type text,
     target_id text,
     details jsonb NOT NULL DEFAULT '{}'::jsonb,
     ip text
   )`,
  `CREATE INDEX audit_log_time_idx ON audit_log (occurred_at DESC)`,
  `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
     FOR EACH ROW EXECUTE FUNCTION overshare_append_only()`,
  `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
     FOR EACH STATEMENT EXECUTE FUNCTION overshare_append_only()`,

  `CREATE TABLE scan_runs (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'api')),
     account_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
     status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
     counts jsonb NOT NULL DEFAULT '{"accounts":0,"posts":0,"images":0,"findings":0,"errors":0}'::jsonb,
     errors jsonb NOT NULL DEFAULT '[]'::jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz
   )`,
  `CREATE INDEX scan_runs_created_idx ON scan_runs (created_at DESC)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
