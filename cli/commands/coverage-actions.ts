import { HEALTH_WINDOW_MS } from '../../pipeline/platform-health.js';
import { toCoverageGapReply, toCoverageReply, type CoverageReply, type PlatformHealthReply } from '../../server/api/schemas/coverage-schemas.js';
import { CoverageQuery, type CoverageGapFilter, type GapWithAccount } from '../../store/repositories/coverage-query.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';

/** The options of `overshare coverage`, as commander parses them. */
export interface CoverageOptions {
  all?: boolean;
  platform?: string;
  format: 'table' | 'json';
}

// When some account is not covered or some platform is down or blocked: monitoring alerts on it.
const EXIT_UNCOVERED = 3;

/** How far back `--all` lists closed gaps: 7 days, in milliseconds. */
const CLOSED_SINCE_MS = 7 * 24 * 3_600_000;
const PAGE = 500;
// Errors come from platforms: long, and untrusted (formatTable makes them terminal-safe).
const ERROR_WIDTH = 100;

/**
 * `overshare coverage`: each platform's health and the open gaps (with --all, the gaps closed in the
 * last 7 days), as tables or one JSON object; exit code 3 when any account is not covered or any
 * platform is down or blocked.
 */
export async function printCoverage(options: CoverageOptions): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    const now = new Date();
    const query = new CoverageQuery(database.db);
    const platform = options.platform === undefined ? {} : { platform: options.platform };
    const coverage = toCoverageReply(await query.snapshot(new Date(now.getTime() - HEALTH_WINDOW_MS), options.platform), now, true);
    const open = await everyGap(query, { state: 'open', ...platform });
    const closed = options.all === true ? await everyGap(query, { state: 'closed', since: new Date(now.getTime() - CLOSED_SINCE_MS), ...platform }) : [];
    if (options.format === 'json') {
      console.log(JSON.stringify({ ...coverage, gaps: [...open, ...closed].map((gap) => toCoverageGapReply(gap, true)) }));
    } else {
      printTables(coverage, open, closed, options.all === true, now);
    }
    const isAlarming = coverage.accounts_uncovered > 0 || coverage.platforms.some((entry) => entry.state === 'down' || entry.state === 'blocked');
    if (isAlarming) process.exitCode = EXIT_UNCOVERED;
  } finally {
    await database.close();
  }
}

async function everyGap(query: CoverageQuery, filter: CoverageGapFilter): Promise<GapWithAccount[]> {
  const gaps: GapWithAccount[] = [];
  let cursor: string | undefined;
  do {
    const page = await query.page(filter, PAGE, cursor);
    gaps.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return gaps;
}

function printTables(coverage: CoverageReply, open: readonly GapWithAccount[], closed: readonly GapWithAccount[], isAll: boolean, now: Date): void {
  if (coverage.platforms.length === 0) {
    console.log(`No platform has active accounts or collections in the last ${coverage.window_hours} hours: register accounts with \`overshare accounts add\`.`);
  } else {
    console.log(`Platform health over the last ${coverage.window_hours} hours:\n`);
    console.log(
      formatTable(
        ['PLATFORM', 'STATE', 'SUCCEEDED', 'FAILURES', 'LAST SUCCESS', 'CANARY', 'ACCOUNTS', 'UNCOVERED', 'WHY'],
        coverage.platforms.map((entry) => [
          entry.platform,
          entry.state,
          succeeded(entry),
          failures(entry),
          formatTime(date(entry.last_success_at)),
          entry.canary === null ? '-' : entry.canary.outcome,
          String(entry.accounts),
          String(entry.accounts_uncovered),
          entry.reason,
        ]),
      ),
    );
  }
  if (open.length > 0) {
    console.log(`\nNot covered now (${plural(open.length, 'open gap')}):\n`);
    console.log(
      formatTable(
        ['ACCOUNT', 'SINCE', 'FOR', 'WHY', 'FAILURES', 'LAST ERROR'],
        open.map((gap) => [account(gap), formatTime(gap.started_at), duration(gap.started_at, now), gap.reason, String(gap.failures), clip(gap.last_error)]),
      ),
    );
  }
  if (isAll) {
    console.log(closed.length === 0 ? '\nNo gap closed in the last 7 days.' : `\nClosed in the last 7 days (${plural(closed.length, 'gap')}):\n`);
    if (closed.length > 0) {
      console.log(
        formatTable(
          ['ACCOUNT', 'FROM', 'TO', 'FOR', 'WHY', 'FAILURES', 'CAUGHT UP', 'NEVER COLLECTED'],
          closed.map((gap) => [
            account(gap),
            formatTime(gap.started_at),
            formatTime(gap.ended_at),
            duration(gap.started_at, gap.ended_at ?? now),
            gap.reason,
            String(gap.failures),
            gap.caught_up_posts === null ? '-' : plural(gap.caught_up_posts, 'post'),
            gap.uncovered_until === null ? '-' : `posts up to ${formatTime(gap.uncovered_until)}`,
          ]),
        ),
      );
    }
  }
  const troubled = coverage.platforms.filter((entry) => entry.state === 'down' || entry.state === 'blocked');
  const problems = [
    ...(coverage.accounts_uncovered > 0 ? [`${plural(coverage.accounts_uncovered, 'account')} not covered`] : []),
    ...troubled.map((entry) => `${entry.platform} ${entry.state}`),
  ];
  console.log(problems.length === 0 ? '\nEvery active account is covered.' : `\n${problems.join('; ')}: findings from these are missing, not clean.`);
}

function succeeded(entry: PlatformHealthReply): string {
  if (entry.success_rate === null) return '-';
  return `${entry.successes} of ${entry.attempts} (${Math.round(entry.success_rate * 100)}%)`;
}

function failures(entry: PlatformHealthReply): string {
  const kinds = Object.entries(entry.failures).sort(([, a], [, b]) => b - a);
  return kinds.length === 0 ? '-' : kinds.map(([kind, count]) => `${kind} ${count}`).join(', ');
}

function account(gap: GapWithAccount): string {
  return `${gap.platform}:${gap.account_handle}${gap.account_is_canary ? ' (canary)' : ''}`;
}

/** `3d 4h`, `7h 12m`, `25m`: how long from `start` to `end`, to the minute. */
function duration(start: Date, end: Date): string {
  const minutes = Math.max(0, Math.floor((end.getTime() - start.getTime()) / 60_000));
  const days = Math.floor(minutes / 1_440);
  const hours = Math.floor((minutes % 1_440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m`;
}

function clip(text: string): string {
  return text.length <= ERROR_WIDTH ? text : `${text.slice(0, ERROR_WIDTH - 1)}…`;
}

function date(text: string | null): Date | null {
  return text === null ? null : new Date(text);
}
