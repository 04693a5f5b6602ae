import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { InputValidationError } from '../../core/errors.js';
import { SEVERITIES, type Category, type Severity } from '../../core/policy-schema.js';
import type { AuditEntry, Evidence, FindingComment, FindingEvent, FindingState, Media, Schema } from '../schema.js';
import type { FindingWithContext } from './findings-repository.js';

/** The orders a finding list can be read in; `created_at` is the default. */
export const FINDING_SORTS = ['created_at', 'updated_at', 'score', 'severity'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** Which findings a list holds; every filter given narrows it, each list filter matches any of its values. */
export interface FindingListFilter {
  states?: readonly FindingState[];
  severities?: readonly Severity[];
  categories?: readonly Category[];
  /** Findings whose `rule_ids` hold any of these. */
  ruleIds?: readonly string[];
  platforms?: readonly string[];
  accountIds?: readonly string[];
  /** The account owner's employee id, e-mail or name, compared case-insensitively and whole. */
  owner?: string;
  /** Assignee user ids; `null` stands for "unassigned". */
  assignees?: readonly (string | null)[];
  /** Created at or after this instant. */
  createdFrom?: Date;
  /** Created strictly before this instant. */
  createdTo?: Date;
  isCurrent?: boolean;
  /** Case-insensitive substring of the title, the explanation or the account handle. */
  text?: string;
  /** Whether `text` also searches the raw evidence text: only for callers who may reveal it. */
  isEvidenceSearchable?: boolean;
}

/** Which page: the order, its size (1..200) and the cursor of the previous page's reply, if any. */
export interface FindingListPage {
  sort: FindingSort;
  order: SortOrder;
  limit: number;
  cursor?: string | undefined;
}

/** A finding as reviewers see it: with its account, its post and its assignee's name. */
export interface ReviewFinding extends FindingWithContext {
  /** The assignee's display name, else user name; null when unassigned. */
  assignee_name: string | null;
}

/** One page of findings and the cursor of the next one (null on the last page). */
export interface FindingListResult {
  items: ReviewFinding[];
  nextCursor: string | null;
}

/** The largest page a list returns. */
export const MAX_FINDING_PAGE = 200;

/** A list cursor that was not made by this server for this order; the client must restart from the first page. */
export class InvalidCursorError extends InputValidationError {
  constructor(message: string) {
    super('the list cursor', [{ path: 'cursor', message }]);
  }
}

type KeyKind = 'timestamp' | 'integer';
/** The orders read straight from one index; `severity` is read as one of them per severity. */
type KeysetSort = Exclude<FindingSort, 'severity'>;
type ListRow = ReviewFinding & { sort_key: (string | number)[] };

// Each order is a key ending in the id, so two rows never tie and a page boundary is exact. The
// indexes of migration 0003 serve created_at (alone or after state or severity) and score.
const SORT_KEYS: Record<KeysetSort, { kind: KeyKind; expression: RawBuilder<unknown> }> = {
  created_at: { kind: 'timestamp', expression: sql`findings.created_at` },
  updated_at: { kind: 'timestamp', expression: sql`findings.updated_at` },
  score: { kind: 'integer', expression: sql`findings.score` },
};
// What a cursor holds before the id: the severity order's key is the rank (info 0 … critical 4), then created_at.
const CURSOR_KINDS: Record<FindingSort, readonly KeyKind[]> = {
  created_at: ['timestamp'],
  updated_at: ['timestamp'],
  score: ['integer'],
  severity: ['integer', 'timestamp'],
};

/** Decoded cursor: the order it belongs to and the last row's key (timestamps as exact UTC text). */
interface Cursor {
  sort: FindingSort;
  order: SortOrder;
  key: (string | number)[];
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
// Microsecond UTC text, as `to_char` writes it below: Date would lose the microseconds and split ties.
const EXACT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/u;
const RESTART = 'start again from the first page (leave out `cursor`)';

/** Findings lists for reviewers: filtered, ordered and paged by keyset, so pages stay stable while findings arrive. */
export class FindingsQuery {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * One page of findings with their account and post. Pages are keyset-paged on the order's key and
   * the id: rows inserted meanwhile never shift or repeat a later page. Throws InvalidCursorError for a
   * cursor that is malformed, altered, or made for another order.
   */
  async list(filter: FindingListFilter, page: FindingListPage): Promise<FindingListResult> {
    const limit = Math.min(Math.max(Math.trunc(page.limit), 1), MAX_FINDING_PAGE);
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, page.sort, page.order);
    const rows =
      page.sort === 'severity'
        ? await this.bySeverity(filter, page.order, limit + 1, after)
        : await keysetQuery(this.db, filter, page.sort, page.order, limit + 1, after).execute();
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    const items = pageRows.map((row) => {
      const item: ReviewFinding & { sort_key?: unknown } = { ...row };
      delete item.sort_key;
      return item;
    });
    const nextCursor = rows.length > limit && last ? encodeCursor({ sort: page.sort, order: page.order, key: last.sort_key, id: last.id }) : null;
    return { items, nextCursor };
  }

  // One index range scan per severity, in rank order, until the page is full: sorting every
  // finding by rank would read them all (half a second at 100,000 findings).
  private async bySeverity(filter: FindingListFilter, order: SortOrder, limit: number, after: Cursor | undefined): Promise<ListRow[]> {
    const ranks = SEVERITIES.map((_, rank) => rank);
    if (order === 'desc') ranks.reverse();
    const rows: ListRow[] = [];
    for (const rank of ranks) {
      const severity = SEVERITIES[rank];
      if (severity === undefined || (filter.severities && !filter.severities.includes(severity))) continue;
      const afterRank = after?.key[0];
      if (typeof afterRank === 'number' && (order === 'desc' ? rank > afterRank : rank < afterRank)) continue;
      const within = after && rank === afterRank ? { ...after, key: after.key.slice(1) } : undefined;
      const found = await keysetQuery(this.db, { ...filter, severities: [severity] }, 'created_at', order, limit - rows.length, within).execute();
      rows.push(...found.map((row) => ({ ...row, sort_key: [rank, ...row.sort_key] })));
      if (rows.length >= limit) break;
    }
    return rows;
  }

  /** One finding with its account and post, or undefined. */
  async item(id: string): Promise<ReviewFinding | undefined> {
    return findingWithContext(this.db).where('findings.id', '=', id).executeTakeFirst();
  }

  /** Everything the detail view shows of one finding (raw: the caller masks), or undefined when there is no such finding. */
  async detail(id: string): Promise<FindingDetail | undefined> {
    const finding = await this.item(id);
    if (!finding) return undefined;
    const [post, siblings, media, events, audit, comments] = await Promise.all([
      this.db.selectFrom('posts').select('text').where('id', '=', finding.post_id).executeTakeFirst(),
      this.db.selectFrom('findings').select('evidence').where('post_id', '=', finding.post_id).execute(),
      this.media(finding.post_id),
      this.db.selectFrom('finding_events').selectAll().where('finding_id', '=', id).orderBy('seq').execute(),
      this.audit(id),
      this.comments(id),
    ]);
    return {
      finding,
      postText: post?.text ?? null,
      postEvidenceTexts: siblings.map((sibling) => sibling.evidence.text),
      media,
      events,
      audit,
      comments,
    };
  }

  /** The images of a post in their order, without their bytes. */
  async media(postId: string): Promise<MediaSummary[]> {
    return this.db
      .selectFrom('media')
      .select(['id', 'position', 'status', 'width', 'height', 'ocr_text', sql<boolean>`content IS NOT NULL`.as('has_content')])
      .where('post_id', '=', postId)
      .orderBy('position')
      .execute();
  }

  /** One image of the finding's post with its bytes (null once dropped) and the finding's evidence; undefined when either is unknown. */
  async image(findingId: string, mediaId: string): Promise<{ media: Pick<Media, 'id' | 'content'>; evidence: Evidence } | undefined> {
    const row = await this.db
      .selectFrom('findings')
      .innerJoin('media', 'media.post_id', 'findings.post_id')
      .select(['media.id', 'media.content', 'findings.evidence'])
      .where('findings.id', '=', findingId)
      .where('media.id', '=', mediaId)
      .executeTakeFirst();
    return row && { media: { id: row.id, content: row.content }, evidence: row.evidence };
  }

  /** The audit entries about a finding, oldest first, each with the name of who acted. */
  async audit(findingId: string): Promise<AuditWithActor[]> {
    return this.db
      .selectFrom('audit_log')
      .leftJoin('users', (join) =>
        join.on(sql<SqlBool>`audit_log.actor_type = 'user' AND users.id::text = audit_log.actor_id`),
      )
      .leftJoin('api_keys', (join) =>
        join.on(sql<SqlBool>`audit_log.actor_type = 'api_key' AND api_keys.id::text = audit_log.actor_id`),
      )
      .selectAll('audit_log')
      .select(sql<string | null>`coalesce(users.username, api_keys.name)`.as('actor_name'))
      .where('audit_log.target_type', '=', 'finding')
      .where('audit_log.target_id', '=', findingId)
      .orderBy('audit_log.id')
      .execute();
  }

  /** A finding's comments, oldest first. */
  async comments(findingId: string): Promise<FindingComment[]> {
    return this.db
      .selectFrom('finding_comments')
      .selectAll()
      .where('finding_id', '=', findingId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }
}

/** An image of a post as the detail view lists it: no bytes, only whether they are still kept. */
export type MediaSummary = Pick<Media, 'id' | 'position' | 'status' | 'width' | 'height' | 'ocr_text'> & { has_content: boolean };

/** An audit entry with the user name or key name of its actor (null for the system or a deleted actor). */
export type AuditWithActor = AuditEntry & { actor_name: string | null };

/** One finding as the detail view needs it, unmasked: the API masks evidence before showing any of it. */
export interface FindingDetail {
  finding: ReviewFinding;
  /** The post's text; null once dropped. */
  postText: string | null;
  /** The evidence texts of every finding of the post: all of them are masked wherever the post text is shown. */
  postEvidenceTexts: string[];
  media: MediaSummary[];
  /** The finding's outbox events, one per version, oldest first. */
  events: FindingEvent[];
  audit: AuditWithActor[];
  comments: FindingComment[];
}

/**
 * The list's query for one index-served order, built but not run (for EXPLAIN in tests and
 * benchmarks): `limit` rows after the cursor, each with its `sort_key` for the next cursor.
 */
export function buildFindingListQuery(db: Kysely<Schema>, filter: FindingListFilter, page: FindingListPage & { sort: KeysetSort }) {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, page.sort, page.order);
  return keysetQuery(db, filter, page.sort, page.order, page.limit, after);
}

function keysetQuery(db: Kysely<Schema>, filter: FindingListFilter, sort: KeysetSort, order: SortOrder, limit: number, after: Pick<Cursor, 'key' | 'id'> | undefined) {
  const part = SORT_KEYS[sort];
  const direction = order === 'asc' ? sql`ASC` : sql`DESC`;
  const selected = part.kind === 'timestamp' ? sql`to_char(${part.expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : part.expression;
  let query = findingWithContext(db)
    .select(sql<(string | number)[]>`json_build_array(${selected})`.as('sort_key'))
    .where((eb) => eb.and(findingFilterConditions(filter)));
  if (after) {
    const value = part.kind === 'timestamp' ? sql`${after.key[0]}::timestamptz` : sql`${after.key[0]}::integer`;
    // A row comparison over the whole key: one index range scan, exact at ties.
    query = query.where(sql<SqlBool>`(${part.expression}, findings.id) ${order === 'asc' ? sql`>` : sql`<`} (${value}, ${after.id}::uuid)`);
  }
  return query.orderBy(sql`${part.expression} ${direction}`).orderBy(sql`findings.id ${direction}`).limit(limit);
}

/** Findings joined with their account, post and assignee, as every reviewer view shows them. */
export function findingWithContext(db: Kysely<Schema>) {
  return db
    .selectFrom('findings')
    .innerJoin('accounts', 'accounts.id', 'findings.account_id')
    .innerJoin('posts', 'posts.id', 'findings.post_id')
    .leftJoin('users', 'users.id', 'findings.assignee_id')
    .selectAll('findings')
    .select(sql<string | null>`coalesce(users.display_name, users.username)`.as('assignee_name'))
    .select([
      'accounts.platform as account_platform',
      'accounts.handle as account_handle',
      'accounts.kind as account_kind',
      'accounts.owner_name as account_owner_name',
      'posts.url as post_url',
      'posts.published_at as post_published_at',
    ]);
}

/** The WHERE conditions of a filter, over `findingWithContext`'s tables: lists and their counts narrow alike. */
export function findingFilterConditions(filter: FindingListFilter): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) conditions.push(sql<SqlBool>`${sql.ref(column)} IN (${sql.join(values)})`);
  };
  anyOf('findings.state', filter.states);
  anyOf('findings.severity', filter.severities);
  anyOf('findings.category', filter.categories);
  anyOf('accounts.platform', filter.platforms);
  anyOf('findings.account_id', filter.accountIds);
  if (filter.ruleIds && filter.ruleIds.length > 0) {
    // `&&` (overlaps) is what the GIN index on rule_ids serves.
    conditions.push(sql<SqlBool>`findings.rule_ids && ARRAY[${sql.join(filter.ruleIds)}]::text[]`);
  }
  if (filter.owner !== undefined) {
    // Folded by PostgreSQL on both sides: JavaScript's toLowerCase() disagrees with it on Σ and İ.
    const owner = sql`lower(${filter.owner.trim()})`;
    conditions.push(
      sql<SqlBool>`(lower(accounts.owner_employee_id) = ${owner} OR lower(accounts.owner_email) = ${owner} OR lower(accounts.owner_name) = ${owner})`,
    );
  }
  if (filter.assignees && filter.assignees.length > 0) conditions.push(assigneeCondition(filter.assignees));
  if (filter.createdFrom) conditions.push(sql<SqlBool>`findings.created_at >= ${filter.createdFrom}`);
  if (filter.createdTo) conditions.push(sql<SqlBool>`findings.created_at < ${filter.createdTo}`);
  if (filter.isCurrent !== undefined) conditions.push(sql<SqlBool>`findings.is_current = ${filter.isCurrent}`);
  if (filter.text !== undefined && filter.text.trim() !== '') {
    const pattern = `%${escapeLike(filter.text.trim())}%`;
    const searched = [sql`findings.title`, sql`findings.explain`, sql`accounts.handle`];
    // Matching on the hidden text would let a caller who may not reveal it guess it letter by letter.
    if (filter.isEvidenceSearchable === true) searched.push(sql`findings.evidence->>'text'`);
    conditions.push(sql<SqlBool>`(${sql.join(searched.map((column) => sql`${column} ILIKE ${pattern}`), sql` OR `)})`);
  }
  return conditions;
}

function assigneeCondition(assignees: readonly (string | null)[]): Expression<SqlBool> {
  const ids = assignees.filter((assignee): assignee is string => assignee !== null);
  const parts: RawBuilder<SqlBool>[] = [];
  if (ids.length > 0) parts.push(sql<SqlBool>`findings.assignee_id IN (${sql.join(ids)})`);
  if (ids.length < assignees.length) parts.push(sql<SqlBool>`findings.assignee_id IS NULL`);
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

/** `%`, `_` and `\` are LIKE's own characters; a search for them means the characters themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/gu, (character) => `\\${character}`);
}

function encodeCursor(cursor: Cursor): string {
  const body = JSON.stringify({ s: cursor.sort, o: cursor.order, k: cursor.key, i: cursor.id });
  return Buffer.from(JSON.stringify({ b: body, c: checksum(body) })).toString('base64url');
}

// Not a secret: it tells an altered or truncated cursor from a good one, so the client is told
// to restart instead of silently getting a page from somewhere else.
function checksum(body: string): string {
  return createHash('sha256').update(`overshare findings cursor\n${body}`).digest('base64url').slice(0, 16);
}

function decodeCursor(text: string, sort: FindingSort, order: SortOrder): Cursor {
  const cursor = parseCursor(text);
  if (!cursor) throw new InvalidCursorError(`the cursor is malformed or was altered: ${RESTART}`);
  if (cursor.sort !== sort || cursor.order !== order) {
    throw new InvalidCursorError(
      `the cursor belongs to a list sorted by ${cursor.sort} ${cursor.order}, not ${sort} ${order}: ${RESTART}, or keep the sort the cursor was made with`,
    );
  }
  return cursor;
}

function parseCursor(text: string): Cursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,2000}$/u.test(text)) return undefined;
  const outer = parseJson(Buffer.from(text, 'base64url').toString('utf8'));
  if (!isRecord(outer) || typeof outer.b !== 'string' || outer.c !== checksum(outer.b)) return undefined;
  const inner = parseJson(outer.b);
  if (!isRecord(inner)) return undefined;
  const { s: sort, o: order, k: key, i: id } = inner;
  if (!isSort(sort) || (order !== 'asc' && order !== 'desc') || typeof id !== 'string' || !UUID.test(id)) return undefined;
  const kinds = CURSOR_KINDS[sort];
  if (!Array.isArray(key) || key.length !== kinds.length) return undefined;
  const values: (string | number)[] = [];
  for (const [index, kind] of kinds.entries()) {
    const value: unknown = key[index];
    if (kind === 'timestamp' && typeof value === 'string' && EXACT_TIMESTAMP.test(value)) values.push(value);
    else if (kind === 'integer' && typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2_147_483_647) values.push(value);
    else return undefined;
  }
  return { sort, order, key: values, id };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSort(value: unknown): value is FindingSort {
  return typeof value === 'string' && (FINDING_SORTS as readonly string[]).includes(value);
}
