import { sql, type Kysely } from 'kysely';
import type { FindingState, Resolution, Schema } from '../schema.js';

/** How many findings name a rule (in any position of `rule_ids`), by state and by resolution. */
export interface RuleFindingCounts {
  byState: Partial<Record<FindingState, number>>;
  byResolution: Partial<Record<Resolution, number>>;
}

/**
 * Counts findings per rule, state and resolution in one grouped query over `unnest(rule_ids)`;
 * with `ruleId`, only that rule (the GIN index on rule_ids finds its findings). Rules no finding
 * names are absent from the map.
 */
export async function ruleFindingCounts(db: Kysely<Schema>, ruleId?: string): Promise<Map<string, RuleFindingCounts>> {
  const onlyRule = ruleId === undefined ? sql`` : sql`where findings.rule_ids @> array[${ruleId}]::text[]`;
  const { rows } = await sql<{ rule_id: string; state: FindingState; resolution: Resolution | null; count: number }>`
    select named.rule_id, findings.state, findings.resolution, count(*)::int as count
    from findings cross join lateral unnest(findings.rule_ids) as named(rule_id)
    ${onlyRule}
    group by named.rule_id, findings.state, findings.resolution`.execute(db);
  const counts = new Map<string, RuleFindingCounts>();
  for (const row of rows) {
    if (ruleId !== undefined && row.rule_id !== ruleId) continue;
    let entry = counts.get(row.rule_id);
    if (!entry) {
      entry = { byState: {}, byResolution: {} };
      counts.set(row.rule_id, entry);
    }
    entry.byState[row.state] = (entry.byState[row.state] ?? 0) + row.count;
    if (row.resolution !== null) entry.byResolution[row.resolution] = (entry.byResolution[row.resolution] ?? 0) + row.count;
  }
  return counts;
}
