// The API's reply and request shapes, taken from the same zod schemas that the server validates
// and documents in /api/openapi.json. Type-only: nothing of the server is bundled into the UI.
import type { z } from 'zod';
import type { accountListReply, accountReply, accountDetailReply, accountStatusReply, importAccountsReply, createAccountBody } from '../../../api/schemas/accounts-schemas.js';
import type { auditEntryReply, auditListReply } from '../../../api/schemas/audit-schemas.js';
import type { findingDetailReply, findingItemReply, findingListReply, revealReply, commentReply } from '../../../api/schemas/finding-schemas.js';
import type { ruleReply } from '../../../api/schemas/rules-schemas.js';
import type { scanDetailReply, scanListReply, scanRunReply } from '../../../api/schemas/scans-schemas.js';

export type FindingItem = z.infer<typeof findingItemReply>;
export type FindingList = z.infer<typeof findingListReply>;
export type FindingDetail = z.infer<typeof findingDetailReply>;
export type RevealedEvidence = z.infer<typeof revealReply>;
export type FindingComment = z.infer<typeof commentReply>;
export type FindingState = FindingItem['state'];
export type Severity = FindingItem['severity'];
export type Category = FindingItem['category'];
export type Resolution = NonNullable<FindingItem['resolution']>;

export type Account = z.infer<typeof accountReply>;
export type AccountDetail = z.infer<typeof accountDetailReply>;
export type AccountList = z.infer<typeof accountListReply>;
export type AccountStatus = z.infer<typeof accountStatusReply>;
export type CreateAccountRequest = z.input<typeof createAccountBody>;
export type ImportAccountsResult = z.infer<typeof importAccountsReply>;

export type ScanRun = z.infer<typeof scanRunReply>;
export type ScanList = z.infer<typeof scanListReply>;
export type ScanDetail = z.infer<typeof scanDetailReply>;

export type AuditEntry = z.infer<typeof auditEntryReply>;
export type AuditList = z.infer<typeof auditListReply>;

export type Rule = z.infer<typeof ruleReply>;

/** GET /auth/session and POST /auth/login. */
export interface Session {
  user: { id: string; username: string; role: 'admin' | 'reviewer' | 'auditor' | 'siem' } | null;
  actor_type: 'user' | 'api_key';
  permissions: string[];
  csrf_token: string | null;
}

// --- Rules, audit and settings pages: policy, users, API keys, SIEM sinks. ---
// Keys and sinks restate the routes' reply shapes (server/api/routes/keys-routes.ts, sinks-routes.ts):
// those zod objects are not exported from server/api/schemas/, the only server code the UI may see.
import type { policyReply } from '../../../api/schemas/policy-schemas.js';
import type {
  createUserBody,
  createUserReply,
  resetPasswordReply,
  updateUserBody,
  updateUserReply,
  userListReply,
  userReply,
} from '../../../api/schemas/users-schemas.js';

/** A rule as GET /rules/{id} shows it: the same as in the list. */
export type RuleDetail = Rule;

/** GET /policy: the policy in force and the file it came from. */
export type PolicyReply = z.infer<typeof policyReply>;
export type Policy = PolicyReply['policy'];

export type UserRole = NonNullable<Session['user']>['role'];
export type User = z.infer<typeof userReply>;
export type UserList = z.infer<typeof userListReply>;
export type CreateUserRequest = z.input<typeof createUserBody>;
export type CreatedUser = z.infer<typeof createUserReply>;
export type UpdateUserRequest = z.input<typeof updateUserBody>;
export type UpdatedUser = z.infer<typeof updateUserReply>;
export type ResetPasswordResult = z.infer<typeof resetPasswordReply>;

/** GET /keys item: never the token or its hash. */
export interface ApiKey {
  id: string;
  name: string;
  /** `osk_` and 10 characters. */
  prefix: string;
  role: UserRole;
  /** Empty: every permission of the role. */
  scopes: string[];
  owner_id: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** POST /keys reply: the token exists only here. */
export interface CreatedApiKey extends ApiKey {
  token: string;
}

/** POST /keys body; `expires_at` null for never, left out for 365 days. */
export interface CreateApiKeyRequest {
  name: string;
  role: UserRole;
  scopes?: string[];
  expires_at?: string | null;
}

export type SinkKind = 'webhook' | 'syslog' | 'splunk_hec';
export type SinkFormat = 'native' | 'ocsf' | 'ecs' | 'cef';

/** GET /sinks item: the target shortened, secrets only said to be there. */
export interface Sink {
  id: string;
  name: string;
  kind: SinkKind;
  format: SinkFormat;
  target: string;
  settings: Record<string, unknown>;
  has_secret: boolean;
  is_enabled: boolean;
  disabled_reason: string | null;
  /** The feed cursor this sink has delivered up to. */
  cursor: string;
  consecutive_failures: number;
  next_attempt_at: string;
  failing_since: string | null;
  last_error: string | null;
  last_delivered_at: string | null;
  created_at: string;
}

/** GET /sinks/{id}/deliveries item. */
export interface SinkDelivery {
  id: number;
  attempted_at: string;
  outcome: 'delivered' | 'failed' | 'redelivered';
  event_count: number;
  delivered_count: number;
  /** Redelivering `after` this cursor sends this delivery's events again. */
  first_cursor: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

interface NewSinkCommon {
  name: string;
  ca?: string;
  start?: 'beginning' | 'now';
}

/** POST /sinks body (server/siem/sink-settings.ts sinkInput), one shape per kind. */
export type NewSinkRequest =
  | (NewSinkCommon & { kind: 'webhook'; url: string; format?: 'native' | 'ocsf' | 'ecs'; secret?: string })
  | (NewSinkCommon & { kind: 'syslog'; host: string; port: number; transport?: 'tcp' | 'tls'; facility?: number; servername?: string })
  | (NewSinkCommon & { kind: 'splunk_hec'; url: string; token: string; format?: 'native' | 'ocsf' | 'ecs'; index?: string });

/** POST /sinks reply: `secret` is a generated webhook signing secret, shown only here. */
export interface CreatedSink {
  sink: Sink;
  secret?: string;
}

/** GET /events page in native form (only `id` and `occurred_at` are read by the UI). */
export interface EventPage {
  events: { id?: unknown; occurred_at?: unknown }[];
  next_cursor: string;
  has_more: boolean;
}

// --- Findings queue and finding detail (pages/findings/). Transition, assign and bulk bodies restate
// server/api/routes/finding-triage-routes.ts: those zod objects are not exported from server/api/schemas/.
import type { findingsSummaryReply } from '../../../api/schemas/finding-schemas.js';
import type { findingPresenceReply, ownerNoticeReply, ownerNotifiedReply } from '../../../api/schemas/notify-schemas.js';
import type { suppressBody, suppressReply } from '../../../api/schemas/suppressions-schemas.js';
import type { ruleListReply } from '../../../api/schemas/rules-schemas.js';

/** GET /findings/summary: how many findings the filters match, by state and by severity. */
export type FindingsSummary = z.infer<typeof findingsSummaryReply>;
/** GET /rules. */
export type RuleList = z.infer<typeof ruleListReply>;
/** POST /findings/{id}/suppress body and reply. */
export type SuppressRequest = z.input<typeof suppressBody>;
export type SuppressResult = z.infer<typeof suppressReply>;
export type SuppressionScope = SuppressRequest['scope'];

/** POST /findings/{id}/transition body (also send the version as If-Match). */
export interface TransitionRequest {
  to: FindingState;
  resolution?: Resolution;
  comment?: string;
  expires_at?: string;
  duplicate_of?: string;
}

/** POST /findings/bulk body: one transition or one assignment for up to 500 findings. */
export type BulkTriageRequest =
  | ({ action: 'transition'; ids: string[] } & TransitionRequest)
  | { action: 'assign'; ids: string[]; assignee_id: string | null };

/** POST /findings/bulk reply: each finding's own outcome, in the order asked. */
export interface BulkTriageResult {
  results: { id: string; status: 'ok' | 'error'; error?: { status: number; title: string; detail: string } }[];
}

/** POST /findings/{id}/owner-notice reply: a notice to send to the account's owner (nothing recorded yet). */
export type OwnerNotice = z.infer<typeof ownerNoticeReply>;
/** POST /findings/{id}/notify-owner reply: when the notification was recorded, and whether a re-check of the post started. */
export type OwnerNotified = z.infer<typeof ownerNotifiedReply>;
/** The languages an owner notice can be written in. */
export type NoticeLanguage = OwnerNotice['language'];
/** GET /findings/{id}/presence: whether the post is still online and whether its owner was told. */
export type FindingPresence = z.infer<typeof findingPresenceReply>;

// Accounts and scans pages (pages/accounts, pages/scans).
import type { deleteAccountReply, updateAccountBody } from '../../../api/schemas/accounts-schemas.js';
import type { startScanBody, startScanReply } from '../../../api/schemas/scans-schemas.js';
import type { accountHistoryEntryReply, accountHistoryReply } from '../../../api/schemas/account-history-schemas.js';

export type AccountPlatform = CreateAccountRequest['platform'];
export type AccountKind = Account['kind'];
export type AccountCollectionStatus = Account['status'];
export type AccountScan = NonNullable<AccountDetail['last_scan']>;
export type UpdateAccountRequest = z.input<typeof updateAccountBody>;
export type DeleteAccountResult = z.infer<typeof deleteAccountReply>;
export type StartScanRequest = z.input<typeof startScanBody>;
export type StartedScan = z.infer<typeof startScanReply>;
export type ScanStatus = ScanRun['status'];
export type ScanTrigger = ScanRun['trigger'];
export type ScanAccountOutcome = ScanDetail['accounts'][number];
export type ScanOutcomeStatus = ScanAccountOutcome['status'];
export type AccountHistoryEntry = z.infer<typeof accountHistoryEntryReply>;
export type AccountHistory = z.infer<typeof accountHistoryReply>;

// --- Coverage (pages/coverage and the banner of layout/app-layout.tsx). ---
import type { accountCoverageGapReply, coverageGapListReply, coverageGapsQuery, coverageReply } from '../../../api/schemas/coverage-schemas.js';

/** GET /coverage: platform health over the window and how many accounts are not covered now. */
export type CoverageSummary = z.infer<typeof coverageReply>;
/** One platform's health over the window, with its accounts' coverage. */
export type PlatformHealth = CoverageSummary['platforms'][number];
export type PlatformState = PlatformHealth['state'];
/** How a collection ended, by kind of trouble; `ok` is the only success. */
export type CollectionOutcome = NonNullable<PlatformHealth['canary']>['outcome'];
export type CollectionFailureKind = Exclude<CollectionOutcome, 'ok'>;
/** GET /coverage/gaps. */
export type CoverageGapList = z.infer<typeof coverageGapListReply>;
/** A span an account was not covered, and how it ended. */
export type CoverageGap = CoverageGapList['items'][number];
/** The gaps GET /coverage/gaps lists. */
export type CoverageGapState = NonNullable<z.input<typeof coverageGapsQuery>['state']>;
/** An account's open coverage gap, as account replies show it (`coverage_gap`). */
export type AccountCoverageGap = z.infer<typeof accountCoverageGapReply>;
