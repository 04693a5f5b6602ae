import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { findingEventPayload, type EventAccount } from '../../store/finding-event-payload.js';
import type { Finding, FindingEventType, Schema } from '../../store/schema.js';
import type { ApiDataPlan, PlannedFinding } from './plan-api-findings.js';

/** What was stored, and how long storing it took. */
export interface SeedSummary {
  accounts: number;
  posts: number;
  findings: number;
  events: number;
  /** Wall time of the inserts and ANALYZE, in seconds. */
  seedS: number;
}

// Rows per INSERT: about 20 columns each stays well under PostgreSQL's 65,535 bind parameters.
const BATCH_ROWS = 1_000;

/**
 * Stores a planned data set in batched multi-row INSERTs: the users findings are assigned to,
 * accounts, posts, findings as their last version, and one outbox event per version whose payload
 * is made by the store's own `findingEventPayload`, appended in time order (so `seq` follows
 * `occurred_at` as it would in production). Then ANALYZE, so the planner sees the real sizes.
 */
export async function seedApiFindings(db: Kysely<Schema>, plan: ApiDataPlan): Promise<SeedSummary> {
  const began = performance.now();
  await inBatches(
    plan.reviewerIds.map((id, index) => ({ id, username: `reviewer-${String(index + 1)}`, display_name: `Reviewer ${String(index + 1)}`, role: 'reviewer' as const, password_hash: null })),
    (batch) => db.insertInto('users').values(batch).execute(),
  );
  await inBatches(
    plan.accounts.map((account) => ({
      id: account.id,
      platform: account.platform,
      handle: account.handle,
      url: `https://${account.platform}.example/${encodeURIComponent(account.handle)}`,
      kind: account.kind,
      owner_employee_id: account.ownerEmployeeId,
      owner_name: account.ownerName,
      owner_email: account.ownerEmail,
      owner_department: account.ownerDepartment,
      legal_basis: 'legitimate interest',
      status: 'ok' as const,
      created_at: account.createdAt,
    })),
    (batch) => db.insertInto('accounts').values(batch).execute(),
  );
  await inBatches(
    plan.posts.map((post) => ({
      id: post.id,
      account_id: plan.accounts[post.accountIndex]!.id,
      platform: plan.accounts[post.accountIndex]!.platform,
      external_id: post.externalId,
      url: post.url,
      published_at: post.publishedAt,
      collected_at: post.collectedAt,
      text: post.text,
      content_sha256: createHash('sha256').update(post.text).digest('hex'),
      analyzed_at: post.collectedAt,
    })),
    (batch) => db.insertInto('posts').values(batch).execute(),
  );
  await inBatches(
    plan.findings.map((planned) => findingRow(findingAt(plan, planned, planned.versions.length))),
    (batch) => db.insertInto('findings').values(batch).execute(),
  );
  const events = await insertEvents(db, plan);
  for (const table of ['users', 'accounts', 'posts', 'findings', 'finding_events']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  return { accounts: plan.accounts.length, posts: plan.posts.length, findings: plan.findings.length, events, seedS: (performance.now() - began) / 1000 };
}

/** The finding row as it stood at `version` (1-based), as the store would have returned it. */
function findingAt(plan: ApiDataPlan, planned: PlannedFinding, version: number): Finding {
  const state = planned.versions[version - 1]!;
  const rule = planned.rules[0];
  const resolved = state.state === 'resolved';
  return {
    id: planned.id,
    post_id: plan.posts[planned.postIndex]!.id,
    account_id: plan.accounts[planned.accountIndex]!.id,
    dedupe_key: createHash('sha256').update(`bench\n${planned.id}`).digest('hex'),
    rule_ids: planned.rules.map((each) => each.id),
    category: rule.category,
    severity: rule.severity,
    score: planned.score,
    score_breakdown: planned.scoreBreakdown,
    evidence: planned.evidence,
    state: state.state,
    resolution: state.resolution,
    resolution_expires_at: state.resolutionExpiresAt,
    assignee_id: state.assigneeIndex === null ? null : (plan.reviewerIds[state.assigneeIndex] ?? null),
    version,
    created_at: planned.versions[0].at,
    updated_at: state.at,
    scan_run_id: null,
    title: rule.title,
    explain: `${rule.title}: matched by ${rule.id} in the post ${planned.evidence.source === 'text' ? 'text' : 'image'}.`,
    is_current: planned.isCurrent,
    resolved_at: resolved ? state.at : null,
    resolved_by: resolved ? `user:${state.assigneeIndex === null ? plan.reviewerIds[0]! : plan.reviewerIds[state.assigneeIndex]!}` : null,
    suppression_id: null,
    owner_notified_at: null,
    owner_notified_by: null,
  };
}

function findingRow(finding: Finding) {
  return { ...finding, score_breakdown: JSON.stringify(finding.score_breakdown), evidence: JSON.stringify(finding.evidence) };
}

/** Every version of every finding as an outbox event, oldest first; returns how many. */
async function insertEvents(db: Kysely<Schema>, plan: ApiDataPlan): Promise<number> {
  const order: Array<{ atMs: number; finding: number; version: number }> = [];
  for (const [finding, planned] of plan.findings.entries()) {
    for (const [index, version] of planned.versions.entries()) order.push({ atMs: version.at.getTime(), finding, version: index + 1 });
  }
  order.sort((a, b) => a.atMs - b.atMs);
  const accounts = plan.accounts.map(
    (account): EventAccount => ({
      id: account.id,
      platform: account.platform,
      handle: account.handle,
      kind: account.kind,
      ownerEmployeeId: account.ownerEmployeeId,
      ownerDepartment: account.ownerDepartment,
    }),
  );
  // Built batch by batch: all payloads at once would hold a few hundred MB of JSON.
  for (let start = 0; start < order.length; start += BATCH_ROWS) {
    const rows = order.slice(start, start + BATCH_ROWS).map(({ finding: index, version }) => {
      const planned = plan.findings[index]!;
      const finding = findingAt(plan, planned, version);
      const post = plan.posts[planned.postIndex]!;
      const type: FindingEventType = version === 1 ? 'finding.created' : 'finding.updated';
      const payload = findingEventPayload(finding, { account: accounts[planned.accountIndex]!, postUrl: post.url, postPublishedAt: post.publishedAt });
      return { finding_id: finding.id, finding_version: version, type, payload: JSON.stringify(payload), occurred_at: finding.updated_at };
    });
    await db.insertInto('finding_events').values(rows).execute();
  }
  return order.length;
}

async function inBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_ROWS) await insert(rows.slice(start, start + BATCH_ROWS));
}
