import { sql, type Kysely } from 'kysely';

/**
 * What the API, access control and SIEM delivery keep: login sessions and failed logins, comments,
 * suppressions, idempotent replies, SIEM sinks with their cursors and delivery log, and the
 * findings' triage columns and list indexes.
 */
const STATEMENTS = [
  `ALTER TABLE findings ADD COLUMN resolved_at timestamptz`,
  `ALTER TABLE findings ADD COLUMN resolved_by text`,
  `ALTER TABLE findings ADD COLUMN suppression_id uuid`,
  // The list's default order is newest first with id as tie-breaker (keyset pagination).
  `CREATE INDEX findings_created_id_idx ON findings (created_at DESC, id DESC)`,
  `CREATE INDEX findings_state_created_idx ON findings (state, created_at DESC, id DESC)`,
  `CREATE INDEX findings_severity_idx ON findings (severity, created_at DESC, id DESC)`,
  `CREATE INDEX findings_score_idx ON findings (score DESC, id DESC)`,
  `CREATE INDEX findings_updated_idx ON findings (updated_at DESC, id DESC)`,
  // A finding's audit trail in its detail view, and a person's entries on export and erasure.
  `CREATE INDEX audit_log_target_idx ON audit_log (target_id)`,
  // The audit log's filters: an action prefix (text_pattern_ops serves LIKE 'x%') and an actor.
  `CREATE INDEX audit_log_action_idx ON audit_log (action text_pattern_ops, id DESC)`,
  `CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id DESC)`,
  `CREATE INDEX findings_assignee_idx ON findings (assignee_id) WHERE assignee_id IS NOT NULL`,
  `CREATE INDEX findings_rule_ids_idx ON findings USING gin (rule_ids)`,
  // Accepted risks that lapse are reopened by the scheduler.
  `CREATE INDEX findings_expiry_idx ON findings (resolution_expires_at) WHERE resolution_expires_at IS NOT NULL`,
  // An account's last and current scan.
  `CREATE INDEX scan_run_accounts_account_idx ON scan_run_accounts (account_id, updated_at DESC)`,
  `CREATE INDEX accounts_owner_employee_idx ON accounts (lower(owner_employee_id))`,
  `CREATE INDEX accounts_owner_email_idx ON accounts (lower(owner_email))`,

  `CREATE TABLE sessions (
     token_hash text PRIMARY KEY,
     user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     csrf_token text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     last_seen_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     ip text,
     user_agent text
   )`,
  `CREATE INDEX sessions_user_idx ON sessions (user_id)`,

  `CREATE TABLE login_failures (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     username text NOT NULL,
     ip text,
     failed_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX login_failures_username_idx ON login_failures (lower(username), failed_at DESC)`,
  `CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at DESC)`,

  `CREATE TABLE finding_comments (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     finding_id uuid NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
     author_type text NOT NULL CHECK (author_type IN ('user', 'api_key', 'system')),
     author_id text,
     author_name text,
     body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX finding_comments_finding_idx ON finding_comments (finding_id, created_at)`,

  // A suppression stops matching findings from being raised again; scope says how wide it reaches.
  `CREATE TABLE suppressions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     scope text NOT NULL CHECK (scope IN ('rule_account', 'evidence', 'evidence_account', 'rule')),
     rule_id text,
     account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
     evidence_sha256 text,
     reason text NOT NULL,
     source_finding_id uuid,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz,
     revoked_at timestamptz,
     CONSTRAINT suppressions_shape CHECK (
       (scope = 'rule_account' AND rule_id IS NOT NULL AND account_id IS NOT NULL) OR
       (scope = 'evidence' AND evidence_sha256 IS NOT NULL) OR
       (scope = 'evidence_account' AND evidence_sha256 IS NOT NULL AND account_id IS NOT NULL) OR
       (scope = 'rule' AND rule_id IS NOT NULL))
   )`,

  `CREATE INDEX suppressions_account_idx ON suppressions (account_id) WHERE account_id IS NOT NULL`,

  `CREATE TABLE idempotency_keys (
     actor text NOT NULL,
     key text NOT NULL,
     method text NOT NULL,
     path text NOT NULL,
     request_sha256 text NOT NULL,
     status_code integer,
     response_body jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (actor, key)
   )`,
  `CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`,

  `CREATE TABLE sinks (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL UNIQUE,
     kind text NOT NULL CHECK (kind IN ('webhook', 'syslog', 'splunk_hec')),
     format text NOT NULL CHECK (format IN ('native', 'ocsf', 'ecs', 'cef')),
     target text NOT NULL,
     settings jsonb NOT NULL DEFAULT '{}'::jsonb,
     secret_encrypted text,
     is_enabled boolean NOT NULL DEFAULT true,
     disabled_reason text,
     cursor_seq bigint NOT NULL DEFAULT 0,
     consecutive_failures integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL DEFAULT now(),
     first_failure_at timestamptz,
     last_error text,
     last_delivered_at timestamptz,
     -- One server delivers to a sink at a time: it holds a lease, renewed per batch, that others wait out.
     lease_owner text,
     lease_until timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,

  `CREATE TABLE sink_deliveries (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     sink_id uuid NOT NULL REFERENCES sinks (id) ON DELETE CASCADE,
     first_seq bigint NOT NULL,
     last_seq bigint NOT NULL,
     event_count integer NOT NULL,
     delivered_count integer NOT NULL,
     outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'redelivered')),
     http_status integer,
     error text,
     duration_ms integer NOT NULL,
     attempted_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX sink_deliveries_sink_idx ON sink_deliveries (sink_id, attempted_at DESC)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
