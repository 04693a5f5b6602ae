import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Category, Severity } from '../../core/policy-schema.js';
import { NotFoundError } from '../../core/errors.js';
import type { Evidence, Finding, FindingState, Schema } from '../schema.js';
import { FindingEventsRepository } from './finding-events-repository.js';

/** A finding as the rule engine reports it for one post. */
export interface FindingInput {
  postId: string;
  accountId: string;
  ruleIds: readonly [string, ...string[]];
  category: Category;
  severity: Severity;
  score: number;
  scoreBreakdown: Record<string, number>;
  evidence: Evidence;
}

export type RecordOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Findings, unique by (post, rule, evidence): recording the same finding again changes nothing,
 * and every created or changed finding gets its outbox event in the same transaction.
 */
export class FindingsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async record(input: FindingInput): Promise<{ finding: Finding; outcome: RecordOutcome }> {
    const dedupeKey = findingDedupeKey(input.postId, input.ruleIds[0], input.evidence);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('findings')
        .values({
          post_id: input.postId,
          account_id: input.accountId,
          dedupe_key: dedupeKey,
          rule_ids: [...input.ruleIds],
          category: input.category,
          severity: input.severity,
          score: input.score,
          score_breakdown: JSON.stringify(input.scoreBreakdown),
          evidence: JSON.stringify(input.evidence),
          resolution: null,
          resolution_expires_at: null,
          assignee_id: null,
        })
        .onConflict((conflict) =>
          conflict
            .column('dedupe_key')
            .doUpdateSet((eb) => ({
              rule_ids: eb.ref('excluded.rule_ids'),
              category: eb.ref('excluded.category'),
              severity: eb.ref('excluded.severity'),
              score: eb.ref('excluded.score'),
              score_breakdown: eb.ref('excluded.score_breakdown'),
              evidence: eb.ref('excluded.evidence'),
              version: sql<number>`findings.version + 1`,
              updated_at: sql<Date>`now()`,
            }))
            // Only a real change makes a new version (and a new event for the SIEM).
            .where(
              sql<boolean>`(findings.rule_ids, findings.category, findings.severity, findings.score,
                findings.score_breakdown, findings.evidence) IS DISTINCT FROM (excluded.rule_ids, excluded.category,
                excluded.severity, excluded.score, excluded.score_breakdown, excluded.evidence)`,
            ),
        )
        .returningAll()
        .returning(sql<boolean>`(xmax = 0)`.as('is_inserted'))
        .executeTakeFirst();
      if (!row) {
        const finding = await trx
          .selectFrom('findings')
          .selectAll()
          .where('dedupe_key', '=', dedupeKey)
          .executeTakeFirstOrThrow();
        return { finding, outcome: 'unchanged' as const };
      }
      const { is_inserted: isInserted, ...finding } = row;
      await FindingEventsRepository.append(trx, finding, isInserted ? 'finding.created' : 'finding.updated');
      return { finding, outcome: isInserted ? ('created' as const) : ('updated' as const) };
    });
  }

  async getById(id: string): Promise<Finding> {
    const finding = await this.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
    if (!finding) throw new NotFoundError('finding', id);
    return finding;
  }

  /** Newest first; `state` filters when given. */
  async list(filter: { state?: FindingState; limit?: number } = {}): Promise<Finding[]> {
    let query = this.db
      .selectFrom('findings')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 100);
    if (filter.state) query = query.where('state', '=', filter.state);
    return query.execute();
  }
}

/** The identity of a finding: the same rule on the same evidence in the same post is one finding. */
export function findingDedupeKey(postId: string, ruleId: string, evidence: Evidence): string {
  return createHash('sha256')
    .update(JSON.stringify([postId, ruleId, evidence.source, evidence.mediaId ?? null, evidence.text]))
    .digest('hex');
}
