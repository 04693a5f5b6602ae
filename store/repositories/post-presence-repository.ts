import { sql, type Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Category } from '../../core/policy-schema.js';
import type { Schema } from '../schema.js';

/** Whether a finding's post is still up, and whether its owner was asked to remove it. */
export interface FindingPresence {
  findingId: string;
  postLastSeenAt: Date;
  postGoneAt: Date | null;
  ownerNotifiedAt: Date | null;
  /** `user:<id>` or `api_key:<id>`. */
  ownerNotifiedBy: string | null;
  /** The user's name or the key's name behind `ownerNotifiedBy`; null when it no longer exists. */
  ownerNotifiedByName: string | null;
}

/** What a notice to a finding's account owner is written from: never the evidence. */
export interface OwnerNoticeFacts {
  findingId: string;
  category: Category;
  accountId: string;
  isAccountActive: boolean;
  ownerName: string | null;
  ownerEmail: string | null;
  postUrl: string;
  /** When the post was published, else when it was collected. */
  postDate: Date;
}

/**
 * Post presence (seen and gone) and owner notifications. Collections mark what they saw, and what
 * a complete reading proved absent; nothing else ever sets `gone_at`.
 */
export class PostPresenceRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Marks these posts of a platform as seen at `seenAt` and present again (`gone_at` cleared), in
   * one statement however many; `last_seen_at` never moves back.
   */
  static async markSeen(db: Kysely<Schema>, platform: string, externalIds: readonly string[], seenAt: Date): Promise<number> {
    if (externalIds.length === 0) return 0;
    const result = await db
      .updateTable('posts')
      .set({ last_seen_at: sql<Date>`greatest(last_seen_at, ${seenAt})`, gone_at: null })
      .where('platform', '=', platform)
      .where(sql<boolean>`external_id = any(${[...externalIds]}::text[])`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Marks gone, at `now`, the account's present posts inside `window` (published after
   * `publishedAfter`, or all when null) that no collection has seen since `collectionStartedAt`:
   * call it after `markSeen` with that collection's start time and posts. Returns how many.
   */
  static async markUnseenGone(
    db: Kysely<Schema>,
    accountId: string,
    window: { publishedAfter: Date | null },
    collectionStartedAt: Date,
    now: Date,
  ): Promise<number> {
    let query = db
      .updateTable('posts')
      .set({ gone_at: now })
      .where('account_id', '=', accountId)
      .where('gone_at', 'is', null)
      .where('last_seen_at', '<', collectionStartedAt);
    if (window.publishedAfter !== null) query = query.where('published_at', '>', window.publishedAfter);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Of these accounts, those with a finding whose owner was notified after `notifiedAfter` and whose
   * post is not (yet) marked gone: the accounts whose posts still await removal.
   */
  static async accountsAwaitingRemoval(db: Kysely<Schema>, accountIds: readonly string[], notifiedAfter: Date): Promise<string[]> {
    if (accountIds.length === 0) return [];
    const rows = await db
      .selectFrom('findings')
      .innerJoin('posts', 'posts.id', 'findings.post_id')
      .select('findings.account_id')
      .distinct()
      .where('findings.account_id', 'in', [...accountIds])
      .where('findings.owner_notified_at', '>', notifiedAfter)
      .where('posts.gone_at', 'is', null)
      .execute();
    return rows.map((row) => row.account_id);
  }

  /** The presence of a finding's post and its owner notification; NotFoundError for an unknown finding. */
  async ofFinding(findingId: string): Promise<FindingPresence> {
    const row = await this.db
      .selectFrom('findings')
      .innerJoin('posts', 'posts.id', 'findings.post_id')
      .leftJoin('users', (join) => join.on(sql<boolean>`findings.owner_notified_by = 'user:' || users.id::text`))
      .leftJoin('api_keys', (join) => join.on(sql<boolean>`findings.owner_notified_by = 'api_key:' || api_keys.id::text`))
      .select([
        'findings.id as findingId',
        'posts.last_seen_at as postLastSeenAt',
        'posts.gone_at as postGoneAt',
        'findings.owner_notified_at as ownerNotifiedAt',
        'findings.owner_notified_by as ownerNotifiedBy',
      ])
      .select(sql<string | null>`coalesce(users.display_name, users.username, api_keys.name)`.as('ownerNotifiedByName'))
      .where('findings.id', '=', findingId)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('finding', findingId);
    return row;
  }

  /** The facts a notice about this finding is written from; NotFoundError for an unknown finding. */
  async ownerNoticeFacts(findingId: string): Promise<OwnerNoticeFacts> {
    const row = await this.db
      .selectFrom('findings')
      .innerJoin('posts', 'posts.id', 'findings.post_id')
      .innerJoin('accounts', 'accounts.id', 'findings.account_id')
      .select([
        'findings.id as findingId',
        'findings.category',
        'findings.account_id as accountId',
        'accounts.is_active as isAccountActive',
        'accounts.owner_name as ownerName',
        'accounts.owner_email as ownerEmail',
        'posts.url as postUrl',
        'posts.published_at',
        'posts.collected_at',
      ])
      .where('findings.id', '=', findingId)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('finding', findingId);
    const { published_at: publishedAt, collected_at: collectedAt, ...facts } = row;
    return { ...facts, postDate: publishedAt ?? collectedAt };
  }

  /** Records that the finding's owner was notified now by `actorReference` (the latest notification wins). */
  static async recordOwnerNotified(db: Kysely<Schema>, findingId: string, actorReference: string, now: Date): Promise<void> {
    const result = await db
      .updateTable('findings')
      .set({ owner_notified_at: now, owner_notified_by: actorReference })
      .where('id', '=', findingId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('finding', findingId);
  }
}
