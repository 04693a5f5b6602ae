import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ObservedProfile } from '../core/coverage.js';
import type { Category, Severity } from '../core/policy-schema.js';
import type { CreatedAt, Json, Timestamp, UpdatedAt } from './column-types.js';
import type { AccountLinkDomainsTable, CollectionAttemptsTable, CoverageGapsTable } from './coverage-schema.js';
import type { SinkDeliveriesTable, SinksTable } from './sinks-schema.js';

export type { AccountLinkDomainsTable, CollectionAttemptsTable, CoverageGapsTable } from './coverage-schema.js';
export type { SinkDeliveriesTable, SinkFormat, SinkKind, SinksTable } from './sinks-schema.js';

/**
 * The database as Kysely sees it: one interface per table, matching store/migrations.
 * `Generated` columns have defaults; timestamps are read as Date and written as Date or ISO text.
 * The coverage and SIEM sink tables are in coverage-schema.ts and sinks-schema.ts.
 */


export type AccountKind = 'corporate' | 'employee';
export type AccountStatus = 'pending' | 'ok' | 'blocked' | 'failing';
export type Role = 'admin' | 'reviewer' | 'auditor' | 'siem';
export type FindingState = 'new' | 'in_review' | 'resolved' | 'reopened';
export type Resolution = 'confirmed_leak' | 'false_positive' | 'authorized' | 'accepted_risk' | 'duplicate' | 'out_of_scope';
export type FindingEventType = 'finding.created' | 'finding.updated' | 'finding.purged';
/** Outbox events about coverage, keyed by the gap's id (in `finding_id`): version 1 opens the gap, version 2 closes it. */
export type CoverageEventType = 'coverage.gap' | 'coverage.restored';
export type OutboxEventType = FindingEventType | CoverageEventType;
export type ScanTrigger = 'schedule' | 'manual' | 'api';
export type ScanStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ScanCounts {
  accounts: number;
  posts: number;
  images: number;
  findings: number;
  errors: number;
}

export interface AccountsTable {
  id: Generated<string>;
  platform: string;
  handle: string;
  url: string | null;
  display_name: string | null;
  kind: AccountKind;
  owner_employee_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  owner_department: string | null;
  notice_given_at: Timestamp | null;
  legal_basis: string | null;
  /** When the legal basis was established (or last confirmed). */
  legal_basis_at: Timestamp | null;
  schedule: string | null;
  is_active: Generated<boolean>;
  status: Generated<AccountStatus>;
  last_error: string | null;
  last_error_at: Timestamp | null;
  crawl_cursor: Json<unknown> | null;
  last_scanned_at: Timestamp | null;
  next_scan_at: Timestamp | null;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** A known public account that always has posts, read to watch its platform: its posts are not stored or analyzed. */
  is_canary: Generated<boolean>;
  /** When a collection of the account last succeeded: it is covered up to then. */
  last_success_at: Timestamp | null;
  /** Collections failed in a row since the last success (0 when the last one succeeded). */
  consecutive_failures: Generated<number>;
  /** The profile the platform last showed (display name, avatar), where it exposes one. */
  profile: Json<ObservedProfile> | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PostsTable {
  id: Generated<string>;
  account_id: string;
  platform: string;
  external_id: string;
  url: string;
  author: string | null;
  published_at: Timestamp | null;
  collected_at: CreatedAt;
  is_repost: Generated<boolean>;
  /** Dropped (set to null) after analysis when the post has no finding. */
  text: string | null;
  /** SHA-256 of the post's text and media URLs: tells a changed post from a re-collected one. */
  content_sha256: string;
  analyzed_at: Timestamp | null;
  content_dropped_at: Timestamp | null;
  /** The scan that collected the post, or last collected it changed. */
  scan_run_id: string | null;
  /** Why analysis failed for good (the post is then no longer waiting). */
  analysis_error: string | null;
  analysis_failed_at: Timestamp | null;
  /** When a collection (its start) last returned the post; `gone_at` when a complete re-reading of its account no longer found it, null while present. */
  last_seen_at: UpdatedAt;
  gone_at: Timestamp | null;
}

export interface MediaTable {
  id: Generated<string>;
  post_id: string;
  position: number;
  source_url: string;
  status: Generated<'pending' | 'extracted' | 'skipped' | 'failed'>;
  content_sha256: string | null;
  mime_type: string | null;
  byte_size: number | null;
  width: number | null;
  height: number | null;
  perceptual_hash: string | null;
  ocr_text: string | null;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  created_at: CreatedAt;
  /** OCR words with their boxes (rules/ `OcrWord`); null until extracted and after content is dropped. */
  ocr_words: ColumnType<MediaWord[] | null, string | null, string | null>;
  /** The image bytes, kept until analysis and afterwards only when the post has a finding. */
  content: Buffer | null;
  extracted_at: Timestamp | null;
}

/** One OCR word as stored: text, box [x, y, w, h] in image pixels, confidence 0-100 and line. */
export interface MediaWord {
  text: string;
  box: [number, number, number, number];
  confidence: number;
  line: number;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string | null;
  email: string | null;
  role: Role;
  password_hash: string | null;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  last_login_at: Timestamp | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  prefix: string;
  key_hash: string;
  role: Role;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** What a finding points at: the matched text (kept for review, masked for export) and where it was. */
export interface Evidence {
  source: 'text' | 'ocr' | 'exif';
  text: string;
  /** Character offsets into the post text or the OCR text. */
  start?: number;
  end?: number;
  /** Box in the image: x, y, width, height in pixels. */
  box?: [number, number, number, number];
  mediaId?: string;
}

export interface FindingsTable {
  id: Generated<string>;
  post_id: string;
  account_id: string;
  dedupe_key: string;
  rule_ids: string[];
  category: Category;
  severity: Severity;
  score: number;
  score_breakdown: ColumnType<Record<string, number>, string | undefined, string>;
  evidence: Json<Evidence>;
  state: Generated<FindingState>;
  resolution: Resolution | null;
  resolution_expires_at: Timestamp | null;
  assignee_id: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** The scan that found it first. */
  scan_run_id: string | null;
  title: string | null;
  /** The score's explanation, one sentence, as the rule engine gave it. */
  explain: string | null;
  /** False once its post changed and this evidence is no longer in it. */
  is_current: Generated<boolean>;
  resolved_at: Timestamp | null;
  /** Who resolved it: `user:<id>`, `api_key:<id>` or `system`. */
  resolved_by: string | null;
  /** The suppression this finding was resolved by, when one was created from it. */
  suppression_id: string | null;
  /** When the account's owner was last asked to remove the post, and by whom (`user:<id>` or `api_key:<id>`). */
  owner_notified_at: Timestamp | null;
  owner_notified_by: string | null;
}

export interface FindingEventsTable {
  /** Commit-ordered: a reader that has seen `seq` will never later see a smaller one appear. */
  seq: ColumnType<number, never, never>;
  id: Generated<string>;
  finding_id: string;
  finding_version: number;
  type: OutboxEventType;
  payload: Json<Record<string, unknown>>;
  occurred_at: CreatedAt;
}

export interface AuditLogTable {
  id: ColumnType<number, never, never>;
  occurred_at: CreatedAt;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
}

export interface ScanRunsTable {
  id: Generated<string>;
  trigger: ScanTrigger;
  account_id: string | null;
  status: Generated<ScanStatus>;
  counts: ColumnType<ScanCounts, string | undefined, string>;
  errors: ColumnType<Array<{ at: string; message: string; accountId?: string }>, string | undefined, string>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export type ScanAccountStatus = 'pending' | 'collected' | 'blocked' | 'failed' | 'skipped';

/** Which accounts a scan covers and how far each got. */
export interface ScanRunAccountsTable {
  scan_run_id: string;
  account_id: string;
  status: Generated<ScanAccountStatus>;
  posts: Generated<number>;
  error: string | null;
  updated_at: UpdatedAt;
}

export type PipelineStage = 'collect' | 'extract' | 'analyze';
export type FailedJobKind = 'permanent' | 'retries_exhausted' | 'invalid_payload';

/** Jobs that failed for good, kept for `overshare jobs failed` and `overshare jobs retry`. */
export interface FailedJobsTable {
  id: Generated<string>;
  stage: PipelineStage;
  job_key: string;
  payload: Json<Record<string, unknown>>;
  scan_run_id: string | null;
  error: string;
  error_kind: FailedJobKind;
  attempts: number;
  failed_at: UpdatedAt;
  retried_at: Timestamp | null;
}

/** A login session: the cookie holds the token, the table only its SHA-256. */
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: UpdatedAt;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

/** One failed login, kept for rate limiting. */
export interface LoginFailuresTable {
  id: ColumnType<number, never, never>;
  username: string;
  ip: string | null;
  failed_at: CreatedAt;
}

export type ActorType = 'user' | 'api_key' | 'system';

export interface FindingCommentsTable {
  id: Generated<string>;
  finding_id: string;
  author_type: ActorType;
  author_id: string | null;
  author_name: string | null;
  body: string;
  created_at: CreatedAt;
}

/** How wide a suppression reaches: one rule on one account, one piece of evidence anywhere or on one account, or a whole rule. */
export type SuppressionScope = 'rule_account' | 'evidence' | 'evidence_account' | 'rule';

export interface SuppressionsTable {
  id: Generated<string>;
  scope: SuppressionScope;
  rule_id: string | null;
  account_id: string | null;
  /** SHA-256 of the evidence text after NFC normalisation and case folding. */
  evidence_sha256: string | null;
  reason: string;
  source_finding_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** A reply kept for `Idempotency-Key`: a retried request with the same key gets the same answer. */
export interface IdempotencyKeysTable {
  actor: string;
  key: string;
  method: string;
  path: string;
  request_sha256: string;
  /** Null while the first request is still being served. */
  status_code: number | null;
  response_body: ColumnType<unknown, string | null, string | null>;
  created_at: CreatedAt;
}

export interface Schema {
  accounts: AccountsTable;
  posts: PostsTable;
  media: MediaTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  findings: FindingsTable;
  finding_events: FindingEventsTable;
  audit_log: AuditLogTable;
  scan_runs: ScanRunsTable;
  scan_run_accounts: ScanRunAccountsTable;
  failed_jobs: FailedJobsTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  finding_comments: FindingCommentsTable;
  suppressions: SuppressionsTable;
  idempotency_keys: IdempotencyKeysTable;
  sinks: SinksTable;
  sink_deliveries: SinkDeliveriesTable;
  collection_attempts: CollectionAttemptsTable;
  coverage_gaps: CoverageGapsTable;
  account_link_domains: AccountLinkDomainsTable;
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type Post = Selectable<PostsTable>;
export type Media = Selectable<MediaTable>;
export type Finding = Selectable<FindingsTable>;
export type FindingEvent = Selectable<FindingEventsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type ScanRun = Selectable<ScanRunsTable>;
export type ScanRunAccount = Selectable<ScanRunAccountsTable>;
export type FailedJob = Selectable<FailedJobsTable>;
export type User = Selectable<UsersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Session = Selectable<SessionsTable>;
export type FindingComment = Selectable<FindingCommentsTable>;
export type Suppression = Selectable<SuppressionsTable>;
export type Sink = Selectable<SinksTable>;
export type SinkDelivery = Selectable<SinkDeliveriesTable>;
export type CollectionAttempt = Selectable<CollectionAttemptsTable>;
export type CoverageGap = Selectable<CoverageGapsTable>;
