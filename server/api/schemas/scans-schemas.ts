import { z } from 'zod';
import type { ScanAccountOutcome, ScanProgress } from '../../../store/repositories/scan-runs-repository.js';
import type { ScanRun } from '../../../store/schema.js';

/** The largest page `GET /scans` returns. */
export const MAX_SCAN_PAGE = 200;
/** The most accounts one `POST /scans` may name (more: use `all`). */
export const MAX_SCAN_ACCOUNTS = 10_000;
/** The most per-account outcomes `GET /scans/{id}` lists. */
export const MAX_SCAN_OUTCOMES = 1_000;

const SCAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const TRIGGERS = ['schedule', 'manual', 'api'] as const;

/** `GET /scans` filters and page. */
export const scansQuery = z.strictObject({
  status: z.enum(SCAN_STATUSES).optional(),
  trigger: z.enum(TRIGGERS).optional().describe('schedule: the scheduler; manual: `overshare scan`; api: this API.'),
  cursor: z.uuid().optional().describe('next_cursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(MAX_SCAN_PAGE).default(50),
});

/** `POST /scans`: the accounts to scan now, by id or all active ones. */
export const startScanBody = z
  .strictObject({
    account_ids: z.array(z.uuid()).min(1).max(MAX_SCAN_ACCOUNTS).optional(),
    all: z.literal(true).optional().describe('Every active account.'),
    full: z.boolean().default(false).describe("Read back past each account's cursor, to catch edited posts."),
  })
  .refine((body) => (body.account_ids === undefined) !== (body.all === undefined), { message: 'give account_ids (one or more) or all: true, not both' });

/** A scan run as lists show it. */
export const scanRunReply = z.object({
  id: z.string(),
  trigger: z.enum(TRIGGERS),
  status: z.enum(SCAN_STATUSES),
  account_id: z.string().nullable().describe('The account, for a scan of one.'),
  counts: z
    .object({ accounts: z.number(), posts: z.number(), images: z.number(), findings: z.number(), errors: z.number() })
    .describe('Final when the scan has finished; `accounts` is set at the start; see `progress` for a running scan.'),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type ScanRunReply = z.infer<typeof scanRunReply>;

/** A page of scan runs. */
export const scanListReply = z.object({ items: z.array(scanRunReply), next_cursor: z.string().nullable() });

/** `POST /scans` and `POST /accounts/{id}/scan` reply: the scan started. */
export const startScanReply = scanRunReply.extend({
  accounts_left_to_other_scans: z.number().describe('Accounts named that another running scan will collect; this scan left them to it.'),
});

const progressReply = z.object({
  accounts: z.object({ total: z.number(), done: z.number(), failed: z.number(), blocked: z.number() }),
  posts: z.object({ total: z.number(), pending: z.number(), failed: z.number() }).describe('Posts this scan collected new or changed; pending ones wait for analysis.'),
  images: z.object({ total: z.number(), pending: z.number(), failed: z.number() }),
  findings: z.number(),
  is_done: z.boolean(),
});

/** `GET /scans/{id}`: the run, its live progress, its errors and how each account fared. */
export const scanDetailReply = scanRunReply.extend({
  progress: progressReply,
  errors: z.array(z.object({ at: z.string(), message: z.string(), account_id: z.string().nullable() })),
  accounts: z
    .array(
      z.object({
        account_id: z.string(),
        platform: z.string(),
        handle: z.string(),
        status: z.enum(['pending', 'collected', 'blocked', 'failed', 'skipped']),
        posts: z.number(),
        error: z.string().nullable(),
        updated_at: z.string(),
      }),
    )
    .describe(`At most ${MAX_SCAN_OUTCOMES}, by platform and handle.`),
  accounts_truncated: z.boolean().describe(`True when the scan has more than ${MAX_SCAN_OUTCOMES} accounts.`),
});

/** The API form of a scan run. */
export function toScanRunReply(run: ScanRun): ScanRunReply {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    account_id: run.account_id,
    counts: run.counts,
    created_at: run.created_at.toISOString(),
    started_at: run.started_at?.toISOString() ?? null,
    finished_at: run.finished_at?.toISOString() ?? null,
  };
}

/** The API form of a scan run with its progress and per-account outcomes. */
export function toScanDetailReply(run: ScanRun, progress: ScanProgress, outcomes: readonly ScanAccountOutcome[]): z.infer<typeof scanDetailReply> {
  return {
    ...toScanRunReply(run),
    progress: { accounts: progress.accounts, posts: progress.posts, images: progress.images, findings: progress.findings, is_done: progress.isDone },
    errors: run.errors.map((error) => ({ at: error.at, message: error.message, account_id: error.accountId ?? null })),
    accounts: outcomes.slice(0, MAX_SCAN_OUTCOMES).map((outcome) => ({
      account_id: outcome.account_id,
      platform: outcome.platform,
      handle: outcome.handle,
      status: outcome.status,
      posts: outcome.posts,
      error: outcome.error,
      updated_at: outcome.updated_at.toISOString(),
    })),
    accounts_truncated: outcomes.length > MAX_SCAN_OUTCOMES,
  };
}
