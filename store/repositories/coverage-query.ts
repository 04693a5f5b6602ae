import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { CollectionOutcome } from '../../core/coverage.js';
import type { AccountKind, CoverageGap, Schema } from '../schema.js';
import { InvalidCursorError } from './findings-query.js';

/** How many of a platform's newest collections in the window a snapshot reads (health needs no more). */
export const ATTEMPTS_PER_PLATFORM = 500;

/** One collection as platform health is judged from it (the shape of pipeline's AttemptSummary). */
export interface CollectionAttemptSummary {
  outcome: CollectionOutcome;
  isCanary: boolean;
  attemptedAt: Date;
  error: string | null;
}

/** What the store knows of one platform's coverage, for judging its health. */
export interface PlatformCoverage {
  platform: string;
  /** Its collections since the window's start, newest first, at most ATTEMPTS_PER_PLATFORM. */
  attempts: CollectionAttemptSummary[];
  /** The newest success of any of its accounts, in the window or before. */
  lastSuccessAt: Date | null;
  /** Its active accounts, canaries left out. */
  accounts: number;
  /** Of those, the ones with an open coverage gap. */
  accountsUncovered: number;
}

/** The installation's coverage now, from the store. */
export interface CoverageSnapshot {
  /** Every open gap, of any account (disabled ones and canaries too). */
  openGaps: number;
  /** Active accounts, canaries left out, with an open gap: those the security team believes watched but are not. */
  accountsUncovered: number;
  /** Since when the longest-uncovered of those has not been covered. */
  oldestOpenGapStartedAt: Date | null;
  /** Every platform with active accounts or collections in the window, by name. */
  platforms: PlatformCoverage[];
}

/** Which gaps a page holds; every filter given narrows it. */
export interface CoverageGapFilter {
  state: 'open' | 'closed' | 'all';
  platform?: string;
  accountId?: string;
  /** Gaps not ended before this time (open then, or since). */
  since?: Date;
}

/** A gap with what lists show of its account. */
export interface GapWithAccount extends CoverageGap {
  account_handle: string;
  account_display_name: string | null;
  account_kind: AccountKind;
  account_is_canary: boolean;
}

/** One page of gaps and the cursor of the next one (null on the last page). */
export interface CoverageGapPage {
  items: GapWithAccount[];
  nextCursor: string | null;
}

// Microsecond UTC text, as to_char writes it below: Date would lose the microseconds and split ties.
const EXACT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
const RESTART = 'start again from the first page (leave out `cursor`)';

/** Read-only questions about coverage: platform health facts, gaps, and the open gap of accounts. */
export class CoverageQuery {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * What the store knows of coverage now: per platform, its collections since `since` (newest
   * first, bounded), its accounts and how many are uncovered; `platform` narrows it to one.
   */
  async snapshot(since: Date, platform?: string): Promise<CoverageSnapshot> {
    let accountsQuery = this.db
      .selectFrom('accounts')
      .select([
        'platform',
        sql<number>`count(*) filter (where is_active and not is_canary)::int`.as('accounts'),
        sql<number>`count(*) filter (where is_active)::int`.as('active'),
        sql<Date | null>`max(last_success_at)`.as('last_success_at'),
      ])
      .groupBy('platform');
    let uncoveredQuery = this.db
      .selectFrom('coverage_gaps')
      .innerJoin('accounts', 'accounts.id', 'coverage_gaps.account_id')
      .select(['coverage_gaps.platform', sql<number>`count(*)::int`.as('uncovered'), sql<Date>`min(coverage_gaps.started_at)`.as('oldest')])
      .where('coverage_gaps.ended_at', 'is', null)
      .where('accounts.is_active', '=', true)
      .where('accounts.is_canary', '=', false)
      .groupBy('coverage_gaps.platform');
    let openQuery = this.db.selectFrom('coverage_gaps').select(sql<number>`count(*)::int`.as('n')).where('ended_at', 'is', null);
    if (platform !== undefined) {
      accountsQuery = accountsQuery.where('platform', '=', platform);
      uncoveredQuery = uncoveredQuery.where('coverage_gaps.platform', '=', platform);
      openQuery = openQuery.where('platform', '=', platform);
    }
    const [accountRows, gapRows, openGaps, attemptPlatforms] = await Promise.all([
      accountsQuery.execute(),
      uncoveredQuery.execute(),
      openQuery.executeTakeFirstOrThrow(),
      platform === undefined ? this.platformsWithAttempts() : Promise.resolve([platform]),
    ]);
    const attempts = new Map(
      await Promise.all(attemptPlatforms.map(async (name) => [name, await this.attemptsOf(name, since)] as const)),
    );
    const names = new Set([
      ...accountRows.filter((row) => row.active > 0).map((row) => row.platform),
      ...[...attempts].filter(([, list]) => list.length > 0).map(([name]) => name),
    ]);
    const platforms = [...names].sort().map((name): PlatformCoverage => {
      const accounts = accountRows.find((row) => row.platform === name);
      return {
        platform: name,
        attempts: attempts.get(name) ?? [],
        lastSuccessAt: accounts?.last_success_at ?? null,
        accounts: accounts?.accounts ?? 0,
        accountsUncovered: gapRows.find((row) => row.platform === name)?.uncovered ?? 0,
      };
    });
    const oldest = gapRows.map((row) => row.oldest).sort((a, b) => a.getTime() - b.getTime())[0];
    return {
      openGaps: openGaps.n,
      accountsUncovered: gapRows.reduce((sum, row) => sum + row.uncovered, 0),
      oldestOpenGapStartedAt: oldest ?? null,
      platforms,
    };
  }

  /**
   * A page of gaps with their accounts, newest detected first (keyset on detected time and id, so
   * gaps detected meanwhile never shift a later page). Throws InvalidCursorError for a cursor this
   * query did not make.
   */
  async page(filter: CoverageGapFilter, limit: number, cursor?: string): Promise<CoverageGapPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.db
      .selectFrom('coverage_gaps')
      .innerJoin('accounts', 'accounts.id', 'coverage_gaps.account_id')
      .selectAll('coverage_gaps')
      .select([
        'accounts.handle as account_handle',
        'accounts.display_name as account_display_name',
        'accounts.kind as account_kind',
        'accounts.is_canary as account_is_canary',
        sql<string>`to_char(coverage_gaps.detected_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('sort_key'),
      ])
      .where((eb) => {
        const conditions: Expression<SqlBool>[] = [];
        if (filter.state === 'open') conditions.push(eb('coverage_gaps.ended_at', 'is', null));
        if (filter.state === 'closed') conditions.push(eb('coverage_gaps.ended_at', 'is not', null));
        if (filter.platform !== undefined) conditions.push(eb('coverage_gaps.platform', '=', filter.platform));
        if (filter.accountId !== undefined) conditions.push(eb('coverage_gaps.account_id', '=', filter.accountId));
        if (filter.since !== undefined) conditions.push(eb.or([eb('coverage_gaps.ended_at', 'is', null), eb('coverage_gaps.ended_at', '>=', filter.since)]));
        if (after !== undefined) {
          conditions.push(sql<SqlBool>`(coverage_gaps.detected_at, coverage_gaps.id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
        }
        return eb.and(conditions);
      })
      .orderBy('coverage_gaps.detected_at', 'desc')
      .orderBy('coverage_gaps.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page,
      nextCursor: rows.length > limit && last ? encodeCursor({ key: last.sort_key, id: last.id }) : null,
    };
  }

  /** The open gap of each account given that has one, by account id. */
  async openGapsOf(accountIds: readonly string[]): Promise<Map<string, CoverageGap>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('coverage_gaps')
      .selectAll()
      .where('account_id', 'in', accountIds)
      .where('ended_at', 'is', null)
      .execute();
    return new Map(rows.map((gap) => [gap.account_id, gap]));
  }

  /** A platform's collections since `since`, newest first, bounded (served by the platform, time index). */
  private async attemptsOf(platform: string, since: Date): Promise<CollectionAttemptSummary[]> {
    return this.db
      .selectFrom('collection_attempts')
      .select(['outcome', 'is_canary as isCanary', 'attempted_at as attemptedAt', 'error'])
      .where('platform', '=', platform)
      .where('attempted_at', '>=', since)
      .orderBy('attempted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(ATTEMPTS_PER_PLATFORM)
      .execute();
  }

  /**
   * Every platform that has any collection, read as a loose index scan (one index probe per
   * platform): a plain DISTINCT would read every attempt ever recorded.
   */
  private async platformsWithAttempts(): Promise<string[]> {
    const result = await sql<{ platform: string }>`
      with recursive platforms (platform) as (
        (select platform from collection_attempts order by platform limit 1)
        union all
        select (select next.platform from collection_attempts next where next.platform > platforms.platform order by next.platform limit 1)
        from platforms where platforms.platform is not null
      )
      select platform from platforms where platform is not null`.execute(this.db);
    return result.rows.map((row) => row.platform);
  }
}

function encodeCursor(cursor: { key: string; id: string }): string {
  const body = JSON.stringify({ k: cursor.key, i: cursor.id });
  return Buffer.from(JSON.stringify({ b: body, c: checksum(body) })).toString('base64url');
}

// Not a secret: it tells an altered or truncated cursor from a good one, so the client is told to
// restart instead of silently getting a page from somewhere else.
function checksum(body: string): string {
  return createHash('sha256').update(`overshare coverage gaps cursor\n${body}`).digest('base64url').slice(0, 16);
}

function decodeCursor(text: string): { key: string; id: string } {
  const outer = /^[A-Za-z0-9_-]{1,2000}$/u.test(text) ? parseJson(Buffer.from(text, 'base64url').toString('utf8')) : undefined;
  const inner = isRecord(outer) && typeof outer.b === 'string' && outer.c === checksum(outer.b) ? parseJson(outer.b) : undefined;
  if (!isRecord(inner) || typeof inner.k !== 'string' || !EXACT_TIMESTAMP.test(inner.k) || typeof inner.i !== 'string' || !UUID.test(inner.i)) {
    throw new InvalidCursorError(`the cursor is malformed or was altered: ${RESTART}`);
  }
  return { key: inner.k, id: inner.i };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
