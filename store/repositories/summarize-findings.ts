import { sql, type Kysely } from 'kysely';
import { SEVERITIES, type Severity } from '../../core/policy-schema.js';
import type { FindingState, Schema } from '../schema.js';
import { findingFilterConditions, type FindingListFilter } from './findings-query.js';

const STATES = ['new', 'in_review', 'resolved', 'reopened'] as const satisfies readonly FindingState[];

/** How many findings a filter holds, in all and by state and severity (every state and severity present, 0 when none). */
export interface FindingsSummary {
  total: number;
  byState: Record<FindingState, number>;
  bySeverity: Record<Severity, number>;
}

/**
 * Counts the findings `FindingsQuery.list` would page through for the same filter: the same joins
 * and the same conditions, so the counts always equal the rows of every page put together.
 */
export async function summarizeFindings(db: Kysely<Schema>, filter: FindingListFilter): Promise<FindingsSummary> {
  const rows = await db
    .selectFrom('findings')
    .innerJoin('accounts', 'accounts.id', 'findings.account_id')
    .innerJoin('posts', 'posts.id', 'findings.post_id')
    .select(['findings.state', 'findings.severity', sql<number>`count(*)::int`.as('count')])
    .where((eb) => eb.and(findingFilterConditions(filter)))
    .groupBy(['findings.state', 'findings.severity'])
    .execute();
  const summary: FindingsSummary = {
    total: 0,
    byState: Object.fromEntries(STATES.map((state) => [state, 0])) as Record<FindingState, number>,
    bySeverity: Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>,
  };
  for (const row of rows) {
    summary.total += row.count;
    summary.byState[row.state] += row.count;
    summary.bySeverity[row.severity] += row.count;
  }
  return summary;
}
