import { sql, type Kysely, type Transaction } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import { evidenceFingerprint } from '../evidence-fingerprint.js';
import type { Finding, Schema, Suppression, SuppressionScope } from '../schema.js';

const LOCK_CHUNK = 1_000;

/** A suppression to create from one finding: the scope decides which of the finding's traits it keeps. */
export interface NewSuppression {
  scope: SuppressionScope;
  reason: string;
  /** Who created it, as `user:<id>` or `api_key:<id>`. */
  createdBy: string;
  /** When it stops applying; null for never. */
  expiresAt: Date | null;
  /** The creation time, written with millisecond precision so list cursors are exact. */
  now: Date;
}

/** What a suppression is matched against: a finding's primary rule, its account and its evidence fingerprint. */
export interface SuppressionSubject {
  ruleId: string;
  accountId: string;
  /** `evidenceFingerprint` of the evidence text; computed only when an evidence suppression needs it. */
  evidenceSha256: () => string;
}

/** Which suppressions a list shows: in force, revoked, past their expiry, or every one. */
export type SuppressionStatus = 'active' | 'revoked' | 'expired' | 'all';

/** Filters and page of `SuppressionsRepository.list`, newest first. */
export interface SuppressionFilter {
  status: SuppressionStatus;
  scope?: SuppressionScope;
  ruleId?: string;
  accountId?: string;
  /** The last row of the previous page (its creation time and id). */
  after?: { createdAt: Date; id: string };
  limit: number;
  now: Date;
}

/**
 * Suppressions: a finding judged harmless (a false positive, an authorised or accepted risk) is
 * turned into a rule that keeps matching findings from being raised again — this rule on this
 * account, this evidence anywhere or on this account, or (admins) a whole rule. A suppression is
 * in force until it is revoked or its `expires_at` passes; it is never deleted by use.
 */
export class SuppressionsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Creates the suppression a finding stands for under `scope`, in the caller's transaction. */
  static async createFromFinding(trx: Transaction<Schema>, finding: Finding, input: NewSuppression): Promise<Suppression> {
    return trx
      .insertInto('suppressions')
      .values({
        ...suppressionTraits(input.scope, finding),
        scope: input.scope,
        reason: input.reason,
        source_finding_id: finding.id,
        created_by: input.createdBy,
        created_at: input.now,
        expires_at: input.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * The suppressions in force at `now` that can apply to findings of these accounts (account-bound
   * ones of other accounts are left out): what one analysis checks its new findings against.
   */
  static async activeFor(db: Kysely<Schema>, accountIds: readonly string[], now: Date): Promise<Suppression[]> {
    return db
      .selectFrom('suppressions')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => (accountIds.length === 0 ? eb('account_id', 'is', null) : eb.or([eb('account_id', 'is', null), eb('account_id', 'in', accountIds)])))
      .execute();
  }

  /**
   * The ids of the findings a suppression covers that are still open (not resolved), oldest first,
   * locked FOR UPDATE in the caller's transaction so the caller can resolve them. Only the covered
   * rows are locked: an evidence suppression scans every open finding but holds none of the others.
   */
  static async openFindingsCovered(trx: Transaction<Schema>, suppression: Suppression): Promise<string[]> {
    let query = trx
      .selectFrom('findings')
      .select(['id', 'account_id', sql<string>`rule_ids[1]`.as('rule_id'), sql<string>`evidence->>'text'`.as('evidence_text')])
      .where('state', '<>', 'resolved');
    if (suppression.rule_id !== null) query = query.where(sql<string>`rule_ids[1]`, '=', suppression.rule_id);
    if (suppression.account_id !== null) query = query.where('account_id', '=', suppression.account_id);
    const candidates = await query.execute();
    // The evidence fingerprint is case-folded in JavaScript, which SQL's lower() cannot match in
    // every locale, so evidence scopes are checked here on the rows the SQL filters left.
    const covered = candidates
      .filter((row) => isCoveredBy(suppression, { ruleId: row.rule_id, accountId: row.account_id, evidenceSha256: () => evidenceFingerprint(row.evidence_text) }))
      .map((row) => row.id);
    if (covered.length === 0) return [];
    // Locked in id order (fewer deadlocks with other writers), in chunks that keep each statement's
    // parameters few; the state is checked again under the lock.
    covered.sort();
    const locked: Array<{ id: string; created_at: Date }> = [];
    for (let start = 0; start < covered.length; start += LOCK_CHUNK) {
      const chunk = covered.slice(start, start + LOCK_CHUNK);
      locked.push(
        ...(await trx.selectFrom('findings').select(['id', 'created_at']).where('id', 'in', chunk).where('state', '<>', 'resolved').orderBy('id').forUpdate().execute()),
      );
    }
    return locked.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id)).map((row) => row.id);
  }

  /**
   * Revokes a suppression at `now` in the caller's transaction: it stops applying at once (findings
   * it resolved stay resolved). Revoking a revoked one changes nothing (`wasRevoked` false).
   * Throws NotFoundError for an unknown id.
   */
  static async revoke(trx: Transaction<Schema>, id: string, now: Date): Promise<{ suppression: Suppression; wasRevoked: boolean }> {
    const current = await trx.selectFrom('suppressions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFoundError('suppression', id);
    if (current.revoked_at !== null) return { suppression: current, wasRevoked: false };
    const suppression = await trx.updateTable('suppressions').set({ revoked_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return { suppression, wasRevoked: true };
  }

  /** One suppression; throws NotFoundError. */
  async getById(id: string): Promise<Suppression> {
    const row = await this.db.selectFrom('suppressions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('suppression', id);
    return row;
  }

  /** A page of suppressions, newest first (creation time, then id), after the `after` row. */
  async list(filter: SuppressionFilter): Promise<Suppression[]> {
    let query = this.db.selectFrom('suppressions').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
    const { now } = filter;
    if (filter.status === 'active') {
      query = query.where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    } else if (filter.status === 'revoked') {
      query = query.where('revoked_at', 'is not', null);
    } else if (filter.status === 'expired') {
      query = query.where('revoked_at', 'is', null).where('expires_at', '<=', now);
    }
    if (filter.scope) query = query.where('scope', '=', filter.scope);
    if (filter.ruleId !== undefined) query = query.where('rule_id', '=', filter.ruleId);
    if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
    const { after } = filter;
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
      );
    }
    return query.execute();
  }
}

/** Whether a suppression is in force at `now`: not revoked and not past its expiry. */
export function isSuppressionActive(suppression: Suppression, now: Date): boolean {
  return suppression.revoked_at === null && (suppression.expires_at === null || suppression.expires_at > now);
}

/** Whether a suppression covers a finding (activity aside): every trait its scope keeps must match. */
export function isCoveredBy(suppression: Suppression, subject: SuppressionSubject): boolean {
  if (suppression.rule_id !== null && suppression.rule_id !== subject.ruleId) return false;
  if (suppression.account_id !== null && suppression.account_id !== subject.accountId) return false;
  return suppression.evidence_sha256 === null || suppression.evidence_sha256 === subject.evidenceSha256();
}

/** The traits of a finding a suppression of this scope keeps; the others stay null (any value matches). */
function suppressionTraits(scope: SuppressionScope, finding: Finding): { rule_id: string | null; account_id: string | null; evidence_sha256: string | null } {
  const ruleId = finding.rule_ids[0] ?? null;
  const evidenceSha256 = evidenceFingerprint(finding.evidence.text);
  switch (scope) {
    case 'rule_account':
      return { rule_id: ruleId, account_id: finding.account_id, evidence_sha256: null };
    case 'evidence':
      return { rule_id: null, account_id: null, evidence_sha256: evidenceSha256 };
    case 'evidence_account':
      return { rule_id: null, account_id: finding.account_id, evidence_sha256: evidenceSha256 };
    case 'rule':
      return { rule_id: ruleId, account_id: null, evidence_sha256: null };
  }
}
