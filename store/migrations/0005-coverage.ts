import { sql, type Kysely } from 'kysely';

/**
 * Coverage: whether each account was really read, and each platform's health.
 * - accounts learn when a collection last succeeded, how many failed in a row since, whether they
 *   are canaries (known public accounts that always have posts, read to watch the platform), and
 *   the profile (display name, avatar) the platform last showed;
 * - `collection_attempts` records every collection's outcome (one row each), from which platform
 *   health is derived;
 * - `coverage_gaps` records each span an account was not covered, why, and how it ended;
 * - the outbox also carries `coverage.gap` and `coverage.restored` events (keyed by the gap's id);
 * - `account_link_domains` remembers the link domains each corporate account has posted, and
 *   findings gain the `takeover` category (hijacked corporate accounts).
 */
const OUTCOMES = `'ok', 'timeout', 'server_error', 'network', 'rate_limited', 'login_wall', 'parse_failure', 'empty_feed', 'not_found', 'other'`;
const GAP_REASONS = `'timeout', 'server_error', 'network', 'rate_limited', 'login_wall', 'parse_failure', 'empty_feed', 'not_found', 'other', 'catch_up_depth'`;

const STATEMENTS = [
  `ALTER TABLE accounts ADD COLUMN is_canary boolean NOT NULL DEFAULT false`,
  `ALTER TABLE accounts ADD COLUMN last_success_at timestamptz`,
  // Accounts read without error so far were covered up to their last reading.
  `UPDATE accounts SET last_success_at = last_scanned_at WHERE status = 'ok'`,
  `ALTER TABLE accounts ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0`,
  `ALTER TABLE accounts ADD COLUMN profile jsonb`,

  `CREATE TABLE collection_attempts (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     platform text NOT NULL,
     account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
     is_canary boolean NOT NULL DEFAULT false,
     outcome text NOT NULL CHECK (outcome IN (${OUTCOMES})),
     posts integer NOT NULL DEFAULT 0,
     error text,
     attempted_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX collection_attempts_platform_idx ON collection_attempts (platform, attempted_at DESC)`,
  `CREATE INDEX collection_attempts_account_idx ON collection_attempts (account_id, attempted_at DESC)`,

  `CREATE TABLE coverage_gaps (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     platform text NOT NULL,
     started_at timestamptz NOT NULL,
     detected_at timestamptz NOT NULL,
     last_failed_at timestamptz NOT NULL,
     ended_at timestamptz,
     reason text NOT NULL CHECK (reason IN (${GAP_REASONS})),
     last_error text NOT NULL,
     failures integer NOT NULL DEFAULT 1 CHECK (failures > 0),
     caught_up_posts integer,
     uncovered_until timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT coverage_gaps_span CHECK (started_at <= detected_at AND (ended_at IS NULL OR detected_at <= ended_at))
   )`,
  // At most one open gap per account.
  `CREATE UNIQUE INDEX coverage_gaps_open_idx ON coverage_gaps (account_id) WHERE ended_at IS NULL`,
  `CREATE INDEX coverage_gaps_detected_idx ON coverage_gaps (detected_at DESC, id DESC)`,

  // The link domains each corporate account has posted (takeover signal: a link to a domain never used before).
  `CREATE TABLE account_link_domains (
     account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     domain text NOT NULL,
     first_seen_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (account_id, domain)
   )`,

  `ALTER TABLE findings DROP CONSTRAINT findings_category_check`,
  `ALTER TABLE findings ADD CONSTRAINT findings_category_check CHECK (category IN ('marking', 'secret', 'credential', 'pii',
     'financial', 'codename', 'internal_host', 'employee_id', 'customer', 'personnel', 'product', 'security', 'fingerprint',
     'location', 'takeover'))`,
  `ALTER TABLE finding_events DROP CONSTRAINT finding_events_type_check`,
  `ALTER TABLE finding_events ADD CONSTRAINT finding_events_type_check CHECK (type IN ('finding.created', 'finding.updated',
     'finding.purged', 'coverage.gap', 'coverage.restored'))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
