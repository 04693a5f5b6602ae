import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Category, Severity } from '../../core/policy-schema.js';
import type { Evidence, Finding, Schema } from '../schema.js';

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
  title?: string;
  explain?: string;
  scanRunId?: string;
}

export type RecordOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Inserts a finding, or updates the one with the same (post, rule, evidence) when anything about
 * it changed (a new version), inside the caller's transaction. The caller appends the event.
 */
export async function upsertFinding(trx: Transaction<Schema>, input: FindingInput): Promise<{ finding: Finding; outcome: RecordOutcome }> {
  const dedupeKey = findingDedupeKey(input.postId, input.ruleIds[0], input.evidence);
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
      title: input.title ?? null,
      explain: input.explain ?? null,
      scan_run_id: input.scanRunId ?? null,
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
          title: eb.ref('excluded.title'),
          explain: eb.ref('excluded.explain'),
          is_current: true,
          version: sql<number>`findings.version + 1`,
          updated_at: sql<Date>`now()`,
        }))
        // Only a real change makes a new version (and a new event for the SIEM).
        .where(
          sql<boolean>`(findings.rule_ids, findings.category, findings.severity, findings.score,
            findings.score_breakdown, findings.evidence, findings.is_current) IS DISTINCT FROM (excluded.rule_ids,
            excluded.category, excluded.severity, excluded.score, excluded.score_breakdown, excluded.evidence, true)`,
        ),
    )
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('is_inserted'))
    .executeTakeFirst();
  if (!row) {
    const finding = await trx.selectFrom('findings').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow();
    return { finding, outcome: 'unchanged' };
  }
  const { is_inserted: isInserted, ...finding } = row;
  return { finding, outcome: isInserted ? 'created' : 'updated' };
}

/** The identity of a finding: the same rule on the same evidence in the same post is one finding. */
export function findingDedupeKey(postId: string, ruleId: string, evidence: Evidence): string {
  return createHash('sha256')
    .update(JSON.stringify([postId, ruleId, evidence.source, evidence.mediaId ?? null, evidence.text]))
    .digest('hex');
}
