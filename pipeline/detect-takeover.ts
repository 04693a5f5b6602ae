import { sql, type Kysely, type Transaction } from 'kysely';
import type { ObservedProfile } from '../core/coverage.js';
import { defaultPolicy } from '../core/load-policy.js';
import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy-schema.js';
import { TAKEOVER_POST_BURST_RULE, TAKEOVER_SIGNAL_RULE_IDS } from '../rules/fixed-rule-ids.js';
import { takeoverSignals, takeoverWindows, type TakeoverFinding, type TakeoverHistory } from '../rules/takeover-signals.js';
import { FindingEventsRepository } from '../store/repositories/finding-events-repository.js';
import { suppressionCheck } from '../store/repositories/post-analysis-repository.js';
import { upsertFinding, type FindingInput } from '../store/repositories/upsert-finding.js';
import type { Account, Evidence, Finding, FindingEventType, Schema } from '../store/schema.js';

/** A post this reading collected and stored. */
export interface TakeoverPost {
  postId: string;
  externalId: string;
  publishedAt: Date;
  url: string;
  text: string;
}

/** One successful reading of a corporate account, as the collect stage hands it over. */
export interface TakeoverInput {
  account: Account;
  /** Every post the reading returned, as stored (new, changed and unchanged ones). */
  posts: TakeoverPost[];
  /** The profile the platform showed on the newest page, where it shows one. */
  profile: ObservedProfile | undefined;
  now: Date;
  log: Logger;
  /** The policy in force (`takeover` settings, own domains, overrides); the built-in default when unset. */
  policy?: Policy;
  /** The scan the reading belongs to, recorded on new findings. */
  scanRunId?: string;
}

/**
 * Judges one reading of a corporate account for takeover signals (a burst of posts, links to
 * domains never used, a changed display name or avatar: rules/takeover-signals.ts) and records
 * the findings with their outbox events, the account's link domains and its profile, in one
 * transaction under the account's row lock. Returns the findings created or changed. Idempotent:
 * replaying a reading adds nothing (the domains and profile it learned are known by then, and a
 * burst is reported once). Employee accounts get nothing. New findings covered by a suppression in
 * force are not raised, as in analysis.
 */
export async function detectTakeover(db: Kysely<Schema>, input: TakeoverInput): Promise<number> {
  const policy = input.policy ?? defaultPolicy().policy;
  const { now } = input;
  const recorded = await db.transaction().execute(async (trx) => {
    // The lock serialises two readings of one account (a replayed job racing the first).
    const account = await trx
      .selectFrom('accounts')
      .select(['id', 'kind', 'profile', 'created_at'])
      .where('id', '=', input.account.id)
      .forUpdate()
      .executeTakeFirst();
    if (account?.kind !== 'corporate') return [];
    const history = await readHistory(trx, account, policy, now, input);
    const signals = takeoverSignals(policy, history, { posts: input.posts, profile: input.profile, now });

    const changed: Array<{ finding: Finding; type: FindingEventType }> = [];
    const inputs = signals.findings.map((found) => findingInput(found, account.id, input.scanRunId));
    const isSuppressedNew = await suppressionCheck(trx, inputs);
    for (const finding of inputs) {
      if (await isSuppressedNew(finding)) continue;
      const { finding: row, outcome } = await upsertFinding(trx, finding);
      if (outcome !== 'unchanged') changed.push({ finding: row, type: outcome === 'created' ? 'finding.created' : 'finding.updated' });
    }
    if (signals.domains.length > 0) {
      await trx
        .insertInto('account_link_domains')
        .values(signals.domains.map((domain) => ({ account_id: account.id, domain, first_seen_at: now })))
        .onConflict((conflict) => conflict.columns(['account_id', 'domain']).doNothing())
        .execute();
    }
    if (signals.profile !== undefined && !isSameProfile(account.profile, signals.profile)) {
      await trx.updateTable('accounts').set({ profile: JSON.stringify(signals.profile) }).where('id', '=', account.id).execute();
    }
    // Events last: the outbox lock is held from the first append to COMMIT.
    for (const { finding, type } of changed) await FindingEventsRepository.append(trx, finding, type);
    return changed;
  });
  if (recorded.length > 0) {
    input.log.info(
      { accountId: input.account.id, findings: recorded.map(({ finding }) => ({ findingId: finding.id, ruleId: finding.rule_ids[0], severity: finding.severity })) },
      'takeover signals recorded',
    );
  }
  return recorded.length;
}

/**
 * The current takeover-signal findings of a post, as finding inputs. The analyze stage saves them
 * with the post's analysis, unchanged: they come from the account's collection, and an analysis
 * that does not produce them must not mark them superseded.
 */
export async function takeoverSignalFindingsOf(db: Kysely<Schema>, postId: string): Promise<FindingInput[]> {
  const rows = await db
    .selectFrom('findings')
    .selectAll()
    .where('post_id', '=', postId)
    .where('is_current', '=', true)
    .where('category', '=', 'takeover')
    .where(sql<string>`rule_ids[1]`, 'in', [...TAKEOVER_SIGNAL_RULE_IDS])
    .execute();
  return rows.flatMap((row) => {
    const [ruleId, ...rest] = row.rule_ids;
    if (ruleId === undefined) return [];
    return [
      {
        postId: row.post_id,
        accountId: row.account_id,
        ruleIds: [ruleId, ...rest],
        category: row.category,
        severity: row.severity,
        score: row.score,
        scoreBreakdown: row.score_breakdown,
        evidence: row.evidence,
        ...(row.title === null ? {} : { title: row.title }),
        ...(row.explain === null ? {} : { explain: row.explain }),
        ...(row.scan_run_id === null ? {} : { scanRunId: row.scan_run_id }),
      },
    ];
  });
}

/** What the store knows of the account before this reading's signals are judged. */
async function readHistory(
  trx: Transaction<Schema>,
  account: { id: string; profile: ObservedProfile | null; created_at: Date },
  policy: Policy,
  now: Date,
  input: TakeoverInput,
): Promise<TakeoverHistory> {
  const oldest = await trx.selectFrom('posts').select((eb) => eb.fn.min('published_at').as('oldest')).where('account_id', '=', account.id).executeTakeFirst();
  const oldestPost = oldest?.oldest === null || oldest?.oldest === undefined ? undefined : new Date(oldest.oldest);
  // The account was watched from its registration: a history shorter than that is a quiet one, not an unknown one.
  const historyStart = oldestPost === undefined || account.created_at < oldestPost ? account.created_at : oldestPost;
  const windows = takeoverWindows(now, historyStart, policy.takeover);
  const counts = await trx
    .selectFrom('posts')
    .select([
      sql<string>`count(*) filter (where published_at >= ${windows.windowStart})`.as('in_window'),
      sql<string>`count(*) filter (where published_at >= ${windows.baselineStart} and published_at < ${windows.windowStart})`.as('baseline'),
    ])
    .where('account_id', '=', account.id)
    .executeTakeFirstOrThrow();
  const reported = await trx
    .selectFrom('findings')
    .innerJoin('posts', 'posts.id', 'findings.post_id')
    .select('findings.id')
    .where('findings.account_id', '=', account.id)
    .where(sql<string>`findings.rule_ids[1]`, '=', TAKEOVER_POST_BURST_RULE)
    .where('posts.published_at', '>=', windows.windowStart)
    .limit(1)
    .executeTakeFirst();
  const isLearned = account.profile !== null;
  const knownDomains = isLearned
    ? new Set((await trx.selectFrom('account_link_domains').select('domain').where('account_id', '=', account.id).execute()).map((row) => row.domain))
    : undefined;
  // Only a profile change in a reading without posts needs a post to be filed on.
  const newest =
    input.posts.length === 0 && input.profile !== undefined
      ? await trx
          .selectFrom('posts')
          .select('id')
          .where('account_id', '=', account.id)
          .where('published_at', 'is not', null)
          .orderBy('published_at', 'desc')
          .limit(1)
          .executeTakeFirst()
      : undefined;
  return {
    windows,
    postsInWindow: Number(counts.in_window),
    baselinePosts: Number(counts.baseline),
    isBurstReported: reported !== undefined,
    knownDomains,
    storedProfile: account.profile ?? undefined,
    newestStoredPostId: newest?.id,
  };
}

function isSameProfile(a: ObservedProfile | null, b: ObservedProfile): boolean {
  return a !== null && a.displayName === b.displayName && a.avatarUrl === b.avatarUrl;
}

function findingInput(found: TakeoverFinding, accountId: string, scanRunId: string | undefined): FindingInput {
  const evidence: Evidence = {
    source: 'text',
    text: found.evidence.text,
    ...(found.evidence.start === undefined ? {} : { start: found.evidence.start }),
    ...(found.evidence.end === undefined ? {} : { end: found.evidence.end }),
  };
  return {
    postId: found.postId,
    accountId,
    ruleIds: [found.ruleId],
    category: found.category,
    severity: found.severity,
    score: found.score,
    scoreBreakdown: { ...found.breakdown },
    evidence,
    title: found.title,
    explain: found.explain,
    ...(scanRunId === undefined ? {} : { scanRunId }),
  };
}
