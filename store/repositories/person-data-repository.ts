import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Account, AuditEntry, Finding, FindingComment, Media, Post, Schema } from '../schema.js';
import { FindingEventsRepository } from './finding-events-repository.js';

/** How a data subject is named in a request: the employee id or the e-mail their accounts are registered with. */
export interface PersonIdentifier {
  kind: 'employee_id' | 'email';
  value: string;
}

/** Who asks, as the audit entry records it. */
export interface PersonRequestActor {
  actorType: 'user' | 'api_key' | 'system';
  actorId?: string;
  ip?: string;
}

/** A stored image of the person's post: what was read from it, never the bytes. */
export type ExportedMedia = Pick<Media, 'id' | 'position' | 'source_url' | 'status' | 'mime_type' | 'width' | 'height' | 'ocr_text' | 'metadata' | 'created_at'>;

/**
 * An audit entry about the person as an export shows it: what was done, when, and to which of their
 * records; never which member of staff did it, nor from which address.
 */
export type ExportedAuditEntry = Pick<AuditEntry, 'occurred_at' | 'actor_type' | 'action' | 'target_type' | 'target_id'>;

/** Everything stored about one person: their accounts, posts, findings (evidence unmasked), comments and audit entries on them. */
export interface PersonExport {
  accounts: Account[];
  posts: Array<Post & { media: ExportedMedia[] }>;
  findings: Finding[];
  comments: FindingComment[];
  audit: ExportedAuditEntry[];
}

/** What an erasure deleted. */
export interface ErasureCounts {
  accounts: number;
  posts: number;
  findings: number;
  comments: number;
  /**
   * Earlier outbox events of the erased findings (each finding gets one new `finding.purged` event
   * instead), and the coverage events of their accounts' gaps (they name the account; none replaces them).
   */
  events: number;
  /** Suppressions bound to the erased accounts. */
  suppressions: number;
  /** Audit entries about the erased accounts, posts, findings and comments (they name the person). */
  auditEntries: number;
  failedJobs: number;
  /** Idempotent replies kept for retries: all of them, of anyone (they may quote the person anywhere). */
  storedReplies: number;
}

/**
 * The SHA-256 (hex) of an identifier, trimmed and lower-cased, prefixed by its kind: what audit
 * entries record instead of the identifier, so two requests about one person can be matched
 * without the log naming them.
 */
export function personIdentifierSha256(identifier: PersonIdentifier): string {
  return createHash('sha256').update(`${identifier.kind}:${identifier.value.trim().toLowerCase()}`, 'utf8').digest('hex');
}

/**
 * Data-subject requests (GDPR articles 15 and 17) about the owner of registered accounts: an
 * export of everything stored about them, and an erasure of it. Both are audited with a hash of
 * the identifier and counts, never the data. Accounts are matched case-insensitively.
 */
export class PersonDataRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Everything stored about the person, audited as `person.exported`; undefined when no account is theirs. */
  async export(identifier: PersonIdentifier, actor: PersonRequestActor): Promise<PersonExport | undefined> {
    // Repeatable read: the parts of the export are one consistent snapshot.
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const accounts = await accountsOf(trx, identifier).execute();
        if (accounts.length === 0) return undefined;
        const accountIds = accounts.map((account) => account.id);
        const posts = await trx.selectFrom('posts').selectAll().where('account_id', 'in', accountIds).orderBy('collected_at').orderBy('id').execute();
        const postIds = posts.map((post) => post.id);
        const media = await trx
          .selectFrom('media')
          .select(['id', 'post_id', 'position', 'source_url', 'status', 'mime_type', 'width', 'height', 'ocr_text', 'metadata', 'created_at'])
          .where(anyOf('post_id', postIds))
          .orderBy('position')
          .execute();
        const findings = await trx.selectFrom('findings').selectAll().where('account_id', 'in', accountIds).orderBy('created_at').orderBy('id').execute();
        const findingIds = findings.map((finding) => finding.id);
        const comments = await trx.selectFrom('finding_comments').selectAll().where(anyOf('finding_id', findingIds)).orderBy('created_at').execute();
        const targetIds = [...accountIds, ...postIds, ...findingIds, ...comments.map((comment) => comment.id)];
        const audit = await trx
          .selectFrom('audit_log')
          .select(['occurred_at', 'actor_type', 'action', 'target_type', 'target_id'])
          .where(anyOf('target_id', targetIds, 'text'))
          .orderBy('id')
          .execute();
        const exported: PersonExport = {
          accounts,
          posts: posts.map((post) => ({ ...post, media: media.filter((row) => row.post_id === post.id).map(withoutPostId) })),
          findings,
          comments,
          audit,
        };
        await recordRequest(trx, actor, 'person.exported', identifier, {
          accounts: accounts.length,
          posts: posts.length,
          findings: findings.length,
          comments: comments.length,
          audit_entries: audit.length,
        });
        return exported;
      });
  }

  /**
   * Erases the person in one transaction: each of their findings gets a `finding.purged` event
   * (reason `erasure`, naming no one: the account is scrubbed and the post gone before it is
   * built), their earlier outbox events and their accounts' coverage events, accounts (with posts,
   * images, findings, comments, coverage gaps and collection attempts), account-bound
   * suppressions, failed jobs and the audit entries about them are deleted, with every kept
   * idempotent reply of anyone (a 24-hour retry cache that may quote the person), and
   * `person.erased` is audited with a hash of the identifier and the counts. Suppressions wider
   * than one account that were made from their findings stay, without the link. Nothing of anyone
   * else is touched. Undefined when no account is theirs.
   */
  async erase(identifier: PersonIdentifier, actor: PersonRequestActor, now: Date): Promise<ErasureCounts | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const accounts = await accountsOf(trx, identifier).forUpdate().execute();
      if (accounts.length === 0) return undefined;
      const accountIds = accounts.map((account) => account.id);
      const findings = await trx.selectFrom('findings').selectAll().where('account_id', 'in', accountIds).orderBy('id').forUpdate().execute();
      const findingIds = findings.map((finding) => finding.id);
      const postIds = (await trx.selectFrom('posts').select('id').where('account_id', 'in', accountIds).execute()).map((row) => row.id);
      const commentIds = (await trx.selectFrom('finding_comments').select('id').where(anyOf('finding_id', findingIds)).execute()).map((row) => row.id);
      // Coverage events are keyed by their gap's id; the gaps themselves go with the accounts (cascade).
      const gapIds = (await trx.selectFrom('coverage_gaps').select('id').where('account_id', 'in', accountIds).execute()).map((row) => row.id);

      // The outbox and the audit log are append-only; this flag lets this transaction delete from them.
      await sql`set local overshare.retention_purge = 'on'`.execute(trx);
      const events = await trx.deleteFrom('finding_events').where(anyOf('finding_id', findingIds)).executeTakeFirst();
      const coverageEvents = await trx
        .deleteFrom('finding_events')
        .where(anyOf('finding_id', gapIds))
        .where('type', 'in', ['coverage.gap', 'coverage.restored'])
        .executeTakeFirst();
      const auditEntries = await trx.deleteFrom('audit_log').where(anyOf('target_id', [...accountIds, ...postIds, ...findingIds, ...commentIds], 'text')).executeTakeFirst();
      const failedJobs = await trx
        .deleteFrom('failed_jobs')
        .where((eb) => eb.or([anyOf(sql`payload->>'accountId'`, accountIds, 'text'), anyOf(sql`payload->>'postId'`, postIds, 'text')]))
        .executeTakeFirst();
      // Every kept reply goes, not only those naming one of the accounts: a reply may hold the
      // person's data in any shape (a comment body, an owner's name), and the table is only a
      // 24-hour retry cache, so the worst cost is that a retry within the day runs again.
      const storedReplies = await trx.deleteFrom('idempotency_keys').executeTakeFirst();
      await trx.updateTable('suppressions').set({ source_finding_id: null }).where('account_id', 'is', null).where(anyOf('source_finding_id', findingIds)).execute();
      const suppressions = await trx.deleteFrom('suppressions').where('account_id', 'in', accountIds).executeTakeFirst();
      await scrubScanErrors(trx, accountIds);

      // The purged events are built from the account and post rows: scrub the account and delete
      // the posts (with their images, findings and comments) first, so the events name no one.
      await trx
        .updateTable('accounts')
        .set((eb) => ({
          handle: sql<string>`'erased:' || ${eb.ref('id')}::text`,
          url: null,
          display_name: null,
          owner_employee_id: null,
          owner_name: null,
          owner_email: null,
          owner_department: null,
        }))
        .where('id', 'in', accountIds)
        .execute();
      const posts = await trx.deleteFrom('posts').where('account_id', 'in', accountIds).executeTakeFirst();
      for (const finding of findings) {
        // The explanation may quote the post; the evidence text is masked by the payload itself.
        await FindingEventsRepository.append(trx, { ...finding, explain: null, version: finding.version + 1, updated_at: now }, 'finding.purged', 'erasure');
      }
      await trx.deleteFrom('accounts').where('id', 'in', accountIds).execute();

      const counts: ErasureCounts = {
        accounts: accounts.length,
        posts: Number(posts.numDeletedRows),
        findings: findings.length,
        comments: commentIds.length,
        events: Number(events.numDeletedRows) + Number(coverageEvents.numDeletedRows),
        suppressions: Number(suppressions.numDeletedRows),
        auditEntries: Number(auditEntries.numDeletedRows),
        failedJobs: Number(failedJobs.numDeletedRows),
        storedReplies: Number(storedReplies.numDeletedRows),
      };
      await recordRequest(trx, actor, 'person.erased', identifier, {
        accounts: counts.accounts,
        posts: counts.posts,
        findings: counts.findings,
        comments: counts.comments,
        events: counts.events,
        suppressions: counts.suppressions,
        audit_entries: counts.auditEntries,
        failed_jobs: counts.failedJobs,
        stored_replies: counts.storedReplies,
      });
      return counts;
    });
  }
}

function withoutPostId(row: ExportedMedia & { post_id: string }): ExportedMedia {
  return {
    id: row.id,
    position: row.position,
    source_url: row.source_url,
    status: row.status,
    mime_type: row.mime_type,
    width: row.width,
    height: row.height,
    ocr_text: row.ocr_text,
    metadata: row.metadata,
    created_at: row.created_at,
  };
}

function accountsOf(trx: Transaction<Schema>, identifier: PersonIdentifier) {
  // lower(column) = lower(value): the shape the accounts_owner_*_idx expression indexes serve, folded
  // by PostgreSQL on both sides (JavaScript's toLowerCase() disagrees with it on Σ and İ).
  const value = sql<string>`lower(${identifier.value.trim()})`;
  const column = identifier.kind === 'employee_id' ? sql<string>`lower(owner_employee_id)` : sql<string>`lower(owner_email)`;
  return trx.selectFrom('accounts').selectAll().where(column, '=', value).orderBy('created_at').orderBy('id');
}

/**
 * `column = any(ids)`: one array parameter however many ids (an `in` list takes one parameter
 * each, and PostgreSQL allows 65,535 per statement), typed as the column so its index serves;
 * matches nothing for no ids.
 */
function anyOf(column: string | RawBuilder<unknown>, ids: readonly string[], type: 'uuid' | 'text' = 'uuid'): RawBuilder<boolean> {
  const target = typeof column === 'string' ? sql.ref(column) : column;
  return sql<boolean>`${target} = any(${[...ids]}::${sql.raw(type)}[])`;
}

/** Drops the erased accounts' entries from scan runs' error lists (their messages may name the account). */
async function scrubScanErrors(trx: Transaction<Schema>, accountIds: readonly string[]): Promise<void> {
  const ids = sql`${[...accountIds]}::text[]`;
  await trx
    .updateTable('scan_runs')
    .set({
      errors: sql<string>`(select coalesce(jsonb_agg(entry), '[]'::jsonb) from jsonb_array_elements(errors) as entry
        where not coalesce(entry->>'accountId' = any(${ids}), false))`,
    })
    .where(sql<boolean>`exists (select 1 from jsonb_array_elements(errors) as entry where entry->>'accountId' = any(${ids}))`)
    .execute();
}

async function recordRequest(trx: Transaction<Schema>, actor: PersonRequestActor, action: string, identifier: PersonIdentifier, counts: Record<string, number>): Promise<void> {
  const identifierSha256 = personIdentifierSha256(identifier);
  await trx
    .insertInto('audit_log')
    .values({
      actor_type: actor.actorType,
      actor_id: actor.actorId ?? null,
      action,
      target_type: 'person',
      target_id: identifierSha256,
      details: JSON.stringify({ identifier_kind: identifier.kind, identifier_sha256: identifierSha256, ...counts }),
      ip: actor.ip ?? null,
    })
    .execute();
}
