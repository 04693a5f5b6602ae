import { z } from 'zod';
import { InputValidationError } from '../../../core/errors.js';
import { PLATFORM_NAMES } from '../../../crawler/platform-adapter.js';
import type { AccountDependents, AccountScan } from '../../../store/repositories/accounts-repository.js';
import type { Account, CoverageGap } from '../../../store/schema.js';
import { accountCoverageGapReply, toAccountCoverageGap } from './coverage-schemas.js';

/** The largest page `GET /accounts` returns. */
export const MAX_ACCOUNT_PAGE = 500;

const KINDS = ['corporate', 'employee'] as const;
const STATUSES = ['pending', 'ok', 'blocked', 'failing'] as const;
const text = (maxLength: number) => z.string().max(maxLength);
const date = () => z.string().max(40).describe('YYYY-MM-DD or ISO 8601 (a time without a zone is UTC).');

/** CSS selectors of a `generic` platform account, as `accounts add --selectors` takes them. */
export const genericSelectors = z.strictObject({
  post: z.string().min(1),
  text: z.string().min(1).optional(),
  link: z.string().min(1).optional(),
  idAttribute: z.string().min(1).optional(),
  time: z.string().min(1).optional(),
  image: z.string().min(1).optional(),
  nextPage: z.string().min(1).optional(),
  loginWall: z.string().min(1).optional(),
});

/** `GET /accounts` filters and page. */
export const accountsQuery = z.strictObject({
  platform: z.enum(PLATFORM_NAMES).optional(),
  kind: z.enum(KINDS).optional(),
  status: z.enum(STATUSES).optional().describe('pending: never collected; ok; blocked: the platform refused; failing: the last collection failed.'),
  active: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true'))
    .describe('true: only accounts being scanned; false: only disabled ones.'),
  owner: z.string().trim().min(1).max(500).optional().describe("The owner's employee id or e-mail address, whole, ignoring case."),
  q: z.string().trim().min(1).max(200).optional().describe("Text in the handle, display name, owner's name or e-mail, ignoring case."),
  coverage: z.enum(['uncovered']).optional().describe('uncovered: only accounts with an open coverage gap (not read since their last success).'),
  cursor: z.string().max(2_000).optional().describe('next_cursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(MAX_ACCOUNT_PAGE).default(100),
});

/** `POST /accounts`: checked exactly as `overshare accounts add` and a CSV row are (see parseAccountFields). */
export const createAccountBody = z.strictObject({
  platform: z.enum(PLATFORM_NAMES),
  handle: text(500).describe('The account on its platform: channel or user name, handle, feed or page URL.'),
  kind: z.enum(KINDS).describe("The organisation's own account, or an employee's (which needs owner_name or owner_employee_id)."),
  url: text(2_000).optional().describe('Base URL of the platform or instance (a self-hosted Mastodon); default the public one.'),
  display_name: text(500).optional(),
  owner_employee_id: text(500).optional(),
  owner_name: text(500).optional(),
  owner_email: text(500).optional(),
  owner_department: text(500).optional(),
  notice_given_at: date().optional().describe('When the owner was told the account is watched.'),
  legal_basis: text(500).optional(),
  legal_basis_at: date().optional().describe('When the legal basis was established or last confirmed.'),
  schedule: text(200).optional().describe('30m, 6h, 1d, 2h30m, or cron such as "0 9 * * 1-5" (UTC); default SCAN_DEFAULT_SCHEDULE.'),
  active: z.boolean().default(true).describe('False registers it without scanning it.'),
  is_canary: z
    .boolean()
    .default(false)
    .describe('A known public account that always has posts, read only to watch its platform: its posts are never stored or analyzed.'),
  selectors: genericSelectors.optional().describe('Required for the generic platform, refused for the others.'),
});

/** `PATCH /accounts/{id}`: each field given is changed, null (or an empty text) clears it; platform, handle and kind never change. */
export const updateAccountBody = z
  .strictObject({
    display_name: text(500).nullable().optional(),
    owner_employee_id: text(500).nullable().optional(),
    owner_name: text(500).nullable().optional(),
    owner_email: text(500).nullable().optional(),
    owner_department: text(500).nullable().optional(),
    notice_given_at: date().nullable().optional(),
    legal_basis: text(500).nullable().optional(),
    legal_basis_at: date().nullable().optional(),
    schedule: text(200).nullable().optional().describe('null: the installation default.'),
    active: z.boolean().optional().describe('false stops scanning (nothing is deleted); true makes a scan due at once.'),
    is_canary: z.boolean().optional().describe('true: read it only to watch its platform, its posts no longer stored or analyzed.'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' });

/** `DELETE /accounts/{id}` options. */
export const deleteAccountQuery = z.strictObject({
  force: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('Delete even when the account has findings (they are deleted with it).'),
});

/** An account as the API shows it. */
export const accountReply = z.object({
  id: z.string(),
  platform: z.string(),
  handle: z.string(),
  kind: z.enum(KINDS),
  url: z.string().nullable(),
  display_name: z.string().nullable(),
  owner_employee_id: z.string().nullable(),
  owner_name: z.string().nullable(),
  owner_email: z.string().nullable(),
  owner_department: z.string().nullable(),
  notice_given_at: z.string().nullable(),
  legal_basis: z.string().nullable(),
  legal_basis_at: z.string().nullable(),
  schedule: z.string().nullable().describe('null: the installation default.'),
  active: z.boolean(),
  status: z.enum(STATUSES),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  last_scanned_at: z.string().nullable(),
  next_scan_at: z.string().nullable(),
  selectors: z.record(z.string(), z.string()).nullable().describe('The generic platform only.'),
  is_canary: z.boolean().describe('Read only to watch its platform; its posts are never stored or analyzed.'),
  last_success_at: z.string().nullable().describe('When a collection last succeeded: the account is covered up to then.'),
  consecutive_failures: z.number().int().describe('Collections failed in a row since the last success.'),
  coverage_gap: accountCoverageGapReply.nullable().describe('The open coverage gap: since when the account has not been covered and why; null when covered.'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AccountReply = z.infer<typeof accountReply>;

/** A scan an account took part in. */
export const accountScanReply = z.object({
  scan_id: z.string(),
  scan_status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  outcome: z.enum(['pending', 'collected', 'blocked', 'failed', 'skipped']).describe("The account's own outcome in the scan."),
  posts: z.number().describe('Posts it collected new or changed.'),
  error: z.string().nullable(),
  at: z.string(),
});

/** `GET /accounts/{id}/status`: where the account stands. */
export const accountStatusReply = z.object({
  id: z.string(),
  active: z.boolean(),
  status: z.enum(STATUSES),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  last_scanned_at: z.string().nullable(),
  next_scan_at: z.string().nullable(),
  current_scan: accountScanReply.nullable().describe('The running scan it waits in.'),
  last_scan: accountScanReply.nullable().describe('The last scan that got to it.'),
});

/** `GET /accounts/{id}`: the account, what it holds, and its scans. */
export const accountDetailReply = accountReply.extend({
  counts: z.object({ posts: z.number(), images: z.number(), findings: z.number(), open_findings: z.number() }),
  current_scan: accountScanReply.nullable(),
  last_scan: accountScanReply.nullable(),
});

/** A page of accounts. */
export const accountListReply = z.object({ items: z.array(accountReply), next_cursor: z.string().nullable() });

/** `POST /accounts/import`: the CSV file itself, as `overshare accounts import` reads it. */
export const importAccountsBody = z.string({ error: 'send the CSV file itself as the request body, with Content-Type: text/csv' });

/** `POST /accounts/import` reply: good rows are registered even when others are bad. */
export const importAccountsReply = z.object({
  imported: z.number(),
  skipped: z.number().describe('Rows whose account was registered already.'),
  errors: z.array(z.object({ line: z.number(), problem: z.string() })).describe('Every bad or skipped row, by its line in the file.'),
});

/** `DELETE /accounts/{id}` reply: what went with the account. */
export const deleteAccountReply = z.object({
  id: z.string(),
  deleted: z.object({ posts: z.number(), images: z.number(), findings: z.number() }),
});

/** The API form of a stored account with its open coverage gap, if any. */
export function toAccountReply(account: Account, openGap: CoverageGap | undefined): AccountReply {
  const selectors = genericSelectors.safeParse(account.settings.selectors);
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    kind: account.kind,
    url: account.url,
    display_name: account.display_name,
    owner_employee_id: account.owner_employee_id,
    owner_name: account.owner_name,
    owner_email: account.owner_email,
    owner_department: account.owner_department,
    notice_given_at: iso(account.notice_given_at),
    legal_basis: account.legal_basis,
    legal_basis_at: iso(account.legal_basis_at),
    schedule: account.schedule,
    active: account.is_active,
    status: account.status,
    last_error: account.last_error,
    last_error_at: iso(account.last_error_at),
    last_scanned_at: iso(account.last_scanned_at),
    next_scan_at: iso(account.next_scan_at),
    selectors: selectors.success ? selectors.data : null,
    is_canary: account.is_canary,
    last_success_at: iso(account.last_success_at),
    consecutive_failures: account.consecutive_failures,
    coverage_gap: toAccountCoverageGap(openGap),
    created_at: account.created_at.toISOString(),
    updated_at: account.updated_at.toISOString(),
  };
}

/** The API form of a scan an account took part in. */
export function toAccountScanReply(scan: AccountScan | undefined): z.infer<typeof accountScanReply> | null {
  if (scan === undefined) return null;
  return { scan_id: scan.scanRunId, scan_status: scan.scanStatus, outcome: scan.status, posts: scan.posts, error: scan.error, at: scan.updatedAt.toISOString() };
}

/** The counts of `GET /accounts/{id}`. */
export function toAccountCounts(held: AccountDependents, openFindings: number): z.infer<typeof accountDetailReply>['counts'] {
  return { posts: held.posts, images: held.media, findings: held.findings, open_findings: openFindings };
}

/** The cursor after an account: its platform and handle (the list's order). */
export function accountCursor(account: Pick<Account, 'platform' | 'handle'>): string {
  return Buffer.from(JSON.stringify([account.platform, account.handle])).toString('base64url');
}

/** Reads a cursor made by `accountCursor`; InputValidationError for anything else. */
export function parseAccountCursor(cursor: string): { platform: string; handle: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const shape = z.tuple([z.string(), z.string()]).safeParse(parsed);
  if (!shape.success) {
    throw new InputValidationError('the list cursor', [
      { path: 'query.cursor', message: 'is malformed: pass next_cursor as the previous page gave it, or leave it out to start again' },
    ]);
  }
  return { platform: shape.data[0], handle: shape.data[1] };
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
