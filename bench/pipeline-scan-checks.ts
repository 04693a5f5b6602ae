import { sql, type Kysely } from 'kysely';
import type { ScanRun, Schema } from '../store/schema.js';
import { generateFixtureNetwork, type FixtureNetworkOptions, type FixturePost } from '../test/fixture-platform/fixture-network.js';

/**
 * The pipeline benchmark's correctness checks: what the fixture network says a scan must have
 * stored and found, against what the database holds — every post collected and stored once, no job
 * or image failed, every planted leak found, one event per finding, and after the rescan only the
 * new posts collected, the full scan's findings untouched and new findings on new posts only. A failed check throws, naming
 * what is wrong: a benchmark of a pipeline that loses posts or misses leaks measures nothing.
 */

/** What the network published, keyed as the store can key it: `handle publishedAt`. */
export interface NetworkFacts {
  posts: number;
  images: number;
  textImages: number;
  /** Posts with a leak sentence or a marked text image. */
  leakKeys: Set<string>;
  /** Keys of the posts published after the full scan. */
  publishedKeys: Set<string>;
  publishedImages: number;
  publishedTextImages: number;
}

/** The store after a scan, as far as the checks need it. */
export interface StoreSnapshot {
  posts: number;
  /** Post id → `handle publishedAt`. */
  postKeys: Map<string, string>;
  findings: Array<{ id: string; postId: string; version: number; score: number }>;
  /**
   * Network posts stored more than once (their findings would be too: the store's unique finding
   * key holds within one post row, not across two rows of one post).
   */
  duplicatePosts: number;
  createdEvents: number;
  updatedEvents: number;
  failedJobs: number;
  failedMedia: number;
}

/** What a scan found of the leaks it should have found. */
export interface LeakTally {
  leakPosts: number;
  leakPostsFound: number;
  /** Posts without a planted leak with a finding at or above the review threshold. */
  flaggedCleanPosts: number;
}

const keyOf = (handle: string, publishedAt: Date): string => `${handle} ${publishedAt.toISOString()}`;
const isLeak = (post: FixturePost): boolean => post.leak !== undefined || post.images.some((image) => image.isMarked === true);

/** Regenerates the network the server thread serves (it is deterministic) with the same posts published. */
export function networkFacts(options: FixtureNetworkOptions, published: readonly string[]): NetworkFacts {
  const network = generateFixtureNetwork(options);
  const facts: NetworkFacts = { posts: 0, images: 0, textImages: 0, leakKeys: new Set(), publishedKeys: new Set(), publishedImages: 0, publishedTextImages: 0 };
  const count = (handle: string, post: FixturePost, isPublished: boolean): void => {
    const key = keyOf(handle, post.publishedAt);
    const textImages = post.images.filter((image) => image.variant === 'text').length;
    facts.posts += 1;
    facts.images += post.images.length;
    facts.textImages += textImages;
    if (isLeak(post)) facts.leakKeys.add(key);
    if (!isPublished) return;
    facts.publishedKeys.add(key);
    facts.publishedImages += post.images.length;
    facts.publishedTextImages += textImages;
  };
  for (const account of network.accounts.values()) for (const post of account.posts) count(account.handle, post, false);
  for (const handle of published) for (const post of network.publish(handle, 1)) count(handle, post, true);
  return facts;
}

/** Reads what the checks compare. */
export async function snapshotStore(db: Kysely<Schema>): Promise<StoreSnapshot> {
  const posts = await db
    .selectFrom('posts')
    .innerJoin('accounts', 'accounts.id', 'posts.account_id')
    .select(['posts.id', 'posts.published_at', 'accounts.handle'])
    .execute();
  const findings = await db.selectFrom('findings').select(['id', 'post_id', 'version', 'score']).execute();
  const events = await db
    .selectFrom('finding_events')
    .select(['type', sql<number>`count(*)::int`.as('count')])
    .groupBy('type')
    .execute();
  const failedJobs = await db.selectFrom('failed_jobs').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
  const failedMedia = await db.selectFrom('media').select(sql<number>`count(*)::int`.as('count')).where('status', '=', 'failed').executeTakeFirstOrThrow();
  const postKeys = new Map(posts.map((post) => [post.id, keyOf(post.handle, post.published_at ?? new Date(0))]));
  return {
    posts: posts.length,
    postKeys,
    findings: findings.map((finding) => ({ id: finding.id, postId: finding.post_id, version: finding.version, score: finding.score })),
    duplicatePosts: posts.length - new Set(postKeys.values()).size,
    createdEvents: events.find((row) => row.type === 'finding.created')?.count ?? 0,
    updatedEvents: events.find((row) => row.type === 'finding.updated')?.count ?? 0,
    failedJobs: failedJobs.count,
    failedMedia: failedMedia.count,
  };
}

/** Checks a full scan of every account; returns the leak tally. */
export function checkFullScan(run: ScanRun, store: StoreSnapshot, facts: NetworkFacts, reviewThreshold: number): LeakTally {
  const problems = commonProblems(run, store);
  const expectedPosts = facts.posts - facts.publishedKeys.size;
  if (store.posts !== expectedPosts) problems.push(`${String(store.posts)} posts stored, the network has ${String(expectedPosts)}`);
  if (run.counts.posts !== expectedPosts) problems.push(`the scan collected ${String(run.counts.posts)} posts, the network has ${String(expectedPosts)}`);
  if (store.createdEvents !== store.findings.length) problems.push(`${String(store.findings.length)} findings but ${String(store.createdEvents)} finding.created events`);
  if (store.updatedEvents > 0) problems.push(`${String(store.updatedEvents)} finding.updated events, although no post changed`);
  const tally = leakTally(store, facts, reviewThreshold, (key) => !facts.publishedKeys.has(key));
  if (tally.missed.length > 0) problems.push(`${String(tally.missed.length)} leak posts without a finding: ${tally.missed.slice(0, 5).join('; ')}`);
  fail('full scan', problems);
  return tally.result;
}

/** Checks the incremental rescan after `facts.publishedKeys` were published; returns the leak tally of the new posts. */
export function checkRescan(run: ScanRun, before: StoreSnapshot, after: StoreSnapshot, facts: NetworkFacts, reviewThreshold: number): LeakTally {
  const problems = commonProblems(run, after);
  const published = facts.publishedKeys.size;
  if (after.posts !== before.posts + published) problems.push(`${String(after.posts)} posts stored, expected ${String(before.posts)} + ${String(published)} new`);
  if (run.counts.posts !== published) problems.push(`the rescan collected ${String(run.counts.posts)} posts, ${String(published)} were published`);
  const versions = new Map(after.findings.map((finding) => [finding.id, finding.version]));
  const changed = before.findings.filter((finding) => versions.get(finding.id) !== finding.version);
  if (changed.length > 0) problems.push(`${String(changed.length)} findings of the full scan changed or vanished`);
  const known = new Set(before.findings.map((finding) => finding.id));
  const strays = after.findings.filter((finding) => !known.has(finding.id) && !facts.publishedKeys.has(after.postKeys.get(finding.postId) ?? ''));
  if (strays.length > 0) problems.push(`${String(strays.length)} new findings on posts that were not new`);
  const tally = leakTally(after, facts, reviewThreshold, (key) => facts.publishedKeys.has(key));
  if (after.updatedEvents !== before.updatedEvents) problems.push(`${String(after.updatedEvents - before.updatedEvents)} finding.updated events, although no post changed`);
  if (tally.missed.length > 0) problems.push(`${String(tally.missed.length)} new leak posts without a finding: ${tally.missed.slice(0, 5).join('; ')}`);
  fail('rescan', problems);
  return tally.result;
}

function commonProblems(run: ScanRun, store: StoreSnapshot): string[] {
  const problems: string[] = [];
  if (run.status !== 'completed') problems.push(`the scan ended ${run.status}`);
  if (run.counts.errors > 0) problems.push(`the scan recorded ${String(run.counts.errors)} errors: ${run.errors.slice(0, 3).map((error) => error.message).join('; ')}`);
  if (store.failedJobs > 0) problems.push(`${String(store.failedJobs)} jobs failed for good`);
  if (store.failedMedia > 0) problems.push(`${String(store.failedMedia)} images could not be read`);
  if (store.duplicatePosts > 0) problems.push(`${String(store.duplicatePosts)} posts are stored more than once`);
  return problems;
}

function leakTally(
  store: StoreSnapshot,
  facts: NetworkFacts,
  reviewThreshold: number,
  isCounted: (key: string) => boolean,
): { result: LeakTally; missed: string[] } {
  const bestScore = new Map<string, number>();
  for (const finding of store.findings) {
    const key = store.postKeys.get(finding.postId);
    if (key !== undefined) bestScore.set(key, Math.max(bestScore.get(key) ?? 0, finding.score));
  }
  const leaks = [...facts.leakKeys].filter(isCounted);
  const missed = leaks.filter((key) => !bestScore.has(key));
  const flaggedCleanPosts = [...bestScore].filter(([key, score]) => isCounted(key) && !facts.leakKeys.has(key) && score >= reviewThreshold).length;
  return { result: { leakPosts: leaks.length, leakPostsFound: leaks.length - missed.length, flaggedCleanPosts }, missed };
}

function fail(scan: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`pipeline benchmark: the ${scan} is wrong:\n  ${problems.join('\n  ')}`);
}
