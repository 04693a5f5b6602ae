import { z } from 'zod';
import type { AccountScanHistoryEntry } from '../../../store/repositories/list-account-scan-history.js';

/** The largest page `GET /accounts/{id}/history` returns. */
export const MAX_HISTORY_PAGE = 100;

/** `GET /accounts/{id}/history` page. */
export const accountHistoryQuery = z.strictObject({
  cursor: z.uuid().optional().describe('next_cursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_PAGE).default(20),
});

/** One scan of the account and how the account fared in it. */
export const accountHistoryEntryReply = z.object({
  scan_id: z.string(),
  trigger: z.enum(['schedule', 'manual', 'api']),
  scan_status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']).describe('The whole scan’s status.'),
  scan_created_at: z.string(),
  scan_started_at: z.string().nullable(),
  scan_finished_at: z.string().nullable(),
  outcome: z.enum(['pending', 'collected', 'blocked', 'failed', 'skipped']).describe("The account's own outcome in the scan."),
  counts: z.object({
    posts: z.number().int().describe('Posts collected new or changed.'),
    new_findings: z.number().int().describe("Findings first raised in this scan on the account's posts."),
  }),
  error_kind: z
    .enum(['blocked', 'permanent', 'retries_exhausted', 'invalid_payload', 'skipped'])
    .nullable()
    .describe(
      'null when nothing went wrong. blocked: the platform refused (login wall, captcha); permanent: failed and not worth retrying; ' +
        'retries_exhausted: kept failing until the attempts ran out; invalid_payload: the job itself was malformed; skipped: the account was disabled or the scan cancelled.',
    ),
  error: z.string().nullable().describe('What went wrong, as the collector said it.'),
  updated_at: z.string().describe("When the account's outcome was last written."),
});

/** `GET /accounts/{id}/history`: the account's scans, newest first. */
export const accountHistoryReply = z.object({ items: z.array(accountHistoryEntryReply), next_cursor: z.string().nullable() });

/** The API form of one history entry. */
export function toAccountHistoryEntryReply(entry: AccountScanHistoryEntry): z.infer<typeof accountHistoryEntryReply> {
  return {
    scan_id: entry.scanRunId,
    trigger: entry.trigger,
    scan_status: entry.scanStatus,
    scan_created_at: entry.scanCreatedAt.toISOString(),
    scan_started_at: entry.scanStartedAt?.toISOString() ?? null,
    scan_finished_at: entry.scanFinishedAt?.toISOString() ?? null,
    outcome: entry.outcome,
    counts: { posts: entry.posts, new_findings: entry.newFindings },
    error_kind: entry.errorKind,
    error: entry.error,
    updated_at: entry.updatedAt.toISOString(),
  };
}
