import { CompiledQuery, type Kysely } from 'kysely';
import { buildFindingListQuery, type FindingListFilter, type FindingSort } from '../../store/repositories/findings-query.js';
import type { Schema } from '../../store/schema.js';
import { median } from '../median.js';
import { latencyPercentiles, type LatencyPercentiles } from './latency-percentiles.js';
import type { ApiDataPlan } from './plan-api-findings.js';

/** One list query's latencies over HTTP, and what its first reply held. */
export interface ListQueryResult {
  name: string;
  /** The request path and query, as sent. */
  path: string;
  latency: LatencyPercentiles;
  /** Items on the page (the page size, unless the filter matches fewer). */
  items: number;
  /** The store's query alone: median execution and planning time of 5 EXPLAIN ANALYZE runs, and the last plan. */
  sql?: { executionMs: number; planningMs: number; plan: string };
}

/** A list query as the API sends it, and as the store builds it (for EXPLAIN). */
interface ListQuery {
  name: string;
  path: string;
  filter?: FindingListFilter;
  sort?: Exclude<FindingSort, 'severity'>;
  cursor?: string;
}

/** The list goal of the issue: p99 at most this many milliseconds with 100,000 findings. */
export const LIST_P99_GOAL_MS = 50;

/**
 * Times `GET /api/v1/findings` one request at a time with a reviewer's API key: the default first
 * page, page 20 by cursor, filters by state, severity, rule and text, and other orders, each
 * `requests` times after `warmUp` untimed requests. A latency is from sending the request to
 * reading the whole body; the client runs in the server's process, so it includes the client's
 * own work too. Each query's SQL is then timed alone with EXPLAIN ANALYZE, to tell the
 * database's share from the rest (authentication writes, Express, JSON, the machine's load).
 */
export async function measureFindingsList(options: {
  url: string;
  token: string;
  db: Kysely<Schema>;
  plan: ApiDataPlan;
  requests: number;
  warmUp: number;
}): Promise<ListQueryResult[]> {
  const get = (path: string) => timedGet(options.url, path, options.token);
  const queries = await listQueries(options.plan, get);
  const results: ListQueryResult[] = [];
  for (const query of queries) {
    for (let index = 0; index < options.warmUp; index += 1) await get(query.path);
    const samples: number[] = [];
    let items = 0;
    for (let index = 0; index < options.requests; index += 1) {
      const reply = await get(query.path);
      samples.push(reply.ms);
      items = reply.items;
    }
    const result: ListQueryResult = { name: query.name, path: query.path, latency: latencyPercentiles(samples), items };
    if (query.filter !== undefined) result.sql = await explainTimes(options.db, query);
    results.push(result);
  }
  return results;
}

async function listQueries(plan: ApiDataPlan, get: (path: string) => Promise<TimedReply>): Promise<ListQuery[]> {
  const base = '/api/v1/findings';
  let cursor: string | undefined;
  for (let page = 1; page < 20; page += 1) {
    cursor = (await get(cursor === undefined ? base : `${base}?cursor=${cursor}`)).nextCursor ?? undefined;
    if (cursor === undefined) throw new Error(`the findings list ended at page ${String(page)}: seed more findings`);
  }
  const rule = ruleOfShare(plan, 0.01);
  const common = commonTitleWord(plan);
  const { account, findings: accountFindings } = typicalAccount(plan);
  const handle = account.handle.replace(/^@/u, '').split('@')[0]!;
  return [
    { name: 'authentication only (GET /auth/session)', path: '/api/v1/auth/session' },
    { name: 'first page (newest first, limit 50)', path: base, filter: {}, sort: 'created_at' },
    { name: 'page 20 by cursor', path: `${base}?cursor=${cursor!}`, filter: {}, sort: 'created_at', cursor: cursor! },
    { name: 'state=new', path: `${base}?state=new`, filter: { states: ['new'] }, sort: 'created_at' },
    { name: 'severity=high,critical', path: `${base}?severity=high,critical`, filter: { severities: ['high', 'critical'] }, sort: 'created_at' },
    { name: `rule=${rule.id} (${(rule.share * 100).toFixed(1)} % of findings)`, path: `${base}?rule=${encodeURIComponent(rule.id)}`, filter: { ruleIds: [rule.id] }, sort: 'created_at' },
    {
      name: `text=${common.word} (in ${(common.share * 100).toFixed(0)} % of titles)`,
      path: `${base}?text=${encodeURIComponent(common.word)}`,
      filter: { text: common.word, isEvidenceSearchable: true },
      sort: 'created_at',
    },
    {
      name: `text=${handle} (one account's handle, ${String(accountFindings)} findings)`,
      path: `${base}?text=${encodeURIComponent(handle)}`,
      filter: { text: handle, isEvidenceSearchable: true },
      sort: 'created_at',
    },
    { name: 'sort=score', path: `${base}?sort=score`, filter: {}, sort: 'score' },
    { name: 'sort=severity', path: `${base}?sort=severity` },
  ];
}

/** The rule whose share of findings is closest to `share`. */
function ruleOfShare(plan: ApiDataPlan, share: number): { id: string; share: number } {
  const counts = new Map<string, number>();
  for (const finding of plan.findings) for (const rule of finding.rules) counts.set(rule.id, (counts.get(rule.id) ?? 0) + 1);
  const shares = [...counts].map(([id, count]) => ({ id, share: count / plan.findings.length }));
  shares.sort((a, b) => Math.abs(a.share - share) - Math.abs(b.share - share));
  return shares[0]!;
}

/** The account whose finding count is closest to the mean per account (the reviewer's typical search). */
function typicalAccount(plan: ApiDataPlan): { account: ApiDataPlan['accounts'][number]; findings: number } {
  const counts = new Array<number>(plan.accounts.length).fill(0);
  for (const finding of plan.findings) counts[finding.accountIndex] = (counts[finding.accountIndex] ?? 0) + 1;
  const mean = plan.findings.length / plan.accounts.length;
  let best = 0;
  for (const [index, count] of counts.entries()) if (Math.abs(count - mean) < Math.abs((counts[best] ?? 0) - mean)) best = index;
  return { account: plan.accounts[best]!, findings: counts[best] ?? 0 };
}

/** The longest word of the most common finding title, and the share of findings whose title has it. */
function commonTitleWord(plan: ApiDataPlan): { word: string; share: number } {
  const counts = new Map<string, number>();
  for (const finding of plan.findings) counts.set(finding.rules[0].title, (counts.get(finding.rules[0].title) ?? 0) + 1);
  const title = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const word = title.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0]!.toLowerCase();
  const share = plan.findings.filter((finding) => finding.rules[0].title.toLowerCase().includes(word)).length / plan.findings.length;
  return { word, share };
}

interface TimedReply {
  ms: number;
  items: number;
  nextCursor: string | null;
}

async function timedGet(url: string, path: string, token: string): Promise<TimedReply> {
  const began = performance.now();
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const ms = performance.now() - began;
  if (response.status !== 200) throw new Error(`GET ${path} answered ${String(response.status)}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { items?: unknown[]; next_cursor?: string | null };
  return { ms, items: body.items?.length ?? 0, nextCursor: body.next_cursor ?? null };
}

/** EXPLAIN (ANALYZE, BUFFERS) of the store's query for a list request, 5 times: median times and the last plan. */
async function explainTimes(db: Kysely<Schema>, query: ListQuery): Promise<{ executionMs: number; planningMs: number; plan: string }> {
  const built = buildFindingListQuery(db, query.filter ?? {}, { sort: query.sort ?? 'created_at', order: 'desc', limit: 51, cursor: query.cursor }).compile();
  const execution: number[] = [];
  const planning: number[] = [];
  let plan = '';
  for (let run = 0; run < 5; run += 1) {
    const result = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${built.sql}`, [...built.parameters]));
    plan = result.rows.map((row) => row['QUERY PLAN']).join('\n');
    execution.push(Number(/Execution Time: ([\d.]+) ms/u.exec(plan)?.[1] ?? Number.NaN));
    planning.push(Number(/Planning Time: ([\d.]+) ms/u.exec(plan)?.[1] ?? Number.NaN));
  }
  return { executionMs: median(execution), planningMs: median(planning), plan };
}
