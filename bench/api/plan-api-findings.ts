import { randomUUID } from 'node:crypto';
import type { Category, Severity } from '../../core/policy-schema.js';
import { readRulePacks } from '../../core/read-rule-packs.js';
import { SEVERITY_BASE_SCORES } from '../../rules/pack-schema.js';
import { parseRulePack } from '../../rules/parse-rule-pack.js';
import type { Evidence, FindingState, Resolution } from '../../store/schema.js';
import { SeededRandom } from '../ocr-seeded-random.js';

/** A rule findings are made from: its id, title, category, severity and a leak example as post text. */
export interface PlannedRule {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  example: string;
}

/** A monitored account of the seeded data set. */
export interface PlannedAccount {
  id: string;
  platform: string;
  handle: string;
  kind: 'corporate' | 'employee';
  ownerEmployeeId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  ownerDepartment: string | null;
  createdAt: Date;
}

/** A post with findings (its text kept, as for every post with a finding). */
export interface PlannedPost {
  id: string;
  accountIndex: number;
  externalId: string;
  url: string;
  text: string;
  publishedAt: Date;
  collectedAt: Date;
}

/** One version of a finding: its state then and when it was reached. */
export interface PlannedVersion {
  at: Date;
  state: FindingState;
  resolution: Resolution | null;
  resolutionExpiresAt: Date | null;
  assigneeIndex: number | null;
}

/** A finding with its whole history; the last version is its current row. */
export interface PlannedFinding {
  id: string;
  postIndex: number;
  accountIndex: number;
  rules: [PlannedRule, ...PlannedRule[]];
  score: number;
  scoreBreakdown: Record<string, number>;
  evidence: Evidence;
  isCurrent: boolean;
  versions: [PlannedVersion, ...PlannedVersion[]];
}

/** The whole seeded data set, generated from one seed so every run sees the same shape. */
export interface ApiDataPlan {
  rules: PlannedRule[];
  accounts: PlannedAccount[];
  /** Reviewers findings are assigned to (ids of users to create). */
  reviewerIds: string[];
  posts: PlannedPost[];
  /** In creation order, oldest first. */
  findings: PlannedFinding[];
}

const DAY_MS = 86_400_000;
const PLATFORMS: ReadonlyArray<readonly [string, number]> = [
  ['mastodon', 0.3], ['bluesky', 0.2], ['telegram', 0.1], ['vk', 0.08], ['rss', 0.1], ['wordpress', 0.1], ['threads', 0.07], ['youtube', 0.05],
];
const FIRST_NAMES = ['anna', 'boris', 'chloe', 'dmitri', 'elena', 'felix', 'greta', 'hugo', 'irina', 'jonas', 'katya', 'lukas', 'maria', 'nikos', 'olga', 'pavel', 'rosa', 'stefan', 'tanja', 'viktor'];
const LAST_NAMES = ['novak', 'kowalski', 'papadopoulos', 'ivanova', 'schmidt', 'moreau', 'rossi', 'jensen', 'horvat', 'petrenko', 'garcia', 'nilsson', 'dubois', 'bauer', 'costa', 'lindqvist'];
const DEPARTMENTS = ['R&D', 'Sales', 'Finance', 'HR', 'Legal', 'Operations', 'Marketing', 'Security'];
const RESOLUTIONS: ReadonlyArray<readonly [Resolution, number]> = [
  ['false_positive', 0.35], ['confirmed_leak', 0.3], ['authorized', 0.1], ['accepted_risk', 0.1], ['duplicate', 0.1], ['out_of_scope', 0.05],
];

/** The bundled rule packs' rules (every pack, composites included), in pack order. */
export async function bundledRules(): Promise<PlannedRule[]> {
  const packs = await readRulePacks();
  return packs.flatMap((pack) =>
    parseRulePack(pack).rules.map((rule) => ({
      id: rule.id,
      title: rule.title,
      category: rule.category,
      severity: rule.severity,
      example: rule.examples.leak[0] ?? rule.title,
    })),
  );
}

/**
 * Plans `findingCount` findings over `accountCount` accounts: created over the last year (more
 * recent ones a little more often), rules drawn with a long tail (a few rules make most
 * findings), a fifth of findings sharing a post with another, older findings more often triaged.
 */
export function planApiFindings(options: { rules: PlannedRule[]; findingCount: number; accountCount: number; reviewers: number; now: Date; seed: number }): ApiDataPlan {
  const random = new SeededRandom(options.seed);
  const nowMs = options.now.getTime();
  const accounts = Array.from({ length: options.accountCount }, (_, index) => planAccount(random, index, nowMs));
  const reviewerIds = Array.from({ length: options.reviewers }, () => randomUUID());
  // Rule popularity falls off like 1/rank: a handful of markings and secrets dominate real feeds.
  const ruleOrder = random.shuffle(options.rules);
  const ruleWeights = ruleOrder.map((_, rank) => 1 / (rank + 1));
  const createdTimes = Array.from({ length: options.findingCount }, () => nowMs - 365 * DAY_MS * random.next() ** 1.3).sort((a, b) => a - b);
  const posts: PlannedPost[] = [];
  const findings: PlannedFinding[] = [];
  for (const [index, createdMs] of createdTimes.entries()) {
    const previous = findings.at(-1);
    const isSamePost = previous !== undefined && random.chance(0.2);
    const accountIndex = isSamePost ? previous.accountIndex : Math.floor(options.accountCount * random.next() ** 1.8);
    const rule = weightedPick(random, ruleOrder, ruleWeights);
    if (!isSamePost) posts.push(planPost(random, accounts, accountIndex, rule, createdMs, index));
    const postIndex = isSamePost ? previous.postIndex : posts.length - 1;
    const second = random.chance(0.15) ? options.rules.find((other) => other.category === rule.category && other.id !== rule.id) : undefined;
    const base = SEVERITY_BASE_SCORES[rule.severity];
    const context = random.int(-15, 10);
    const score = Math.max(0, Math.min(100, base + context));
    const evidenceText = evidenceOf(rule.example, random);
    const source = random.chance(0.85) ? 'text' : random.chance(0.87) ? 'ocr' : 'exif';
    const start = Math.max(0, rule.example.indexOf(evidenceText));
    const evidence: Evidence =
      source === 'text'
        ? { source, text: evidenceText, start, end: start + evidenceText.length }
        : { source, text: evidenceText, ...(source === 'ocr' ? { box: [random.int(0, 800), random.int(0, 600), random.int(80, 400), random.int(16, 40)] as [number, number, number, number] } : {}) };
    findings.push({
      id: randomUUID(),
      postIndex,
      accountIndex,
      rules: second ? [rule, second] : [rule],
      score,
      scoreBreakdown: { base, context },
      evidence,
      isCurrent: random.chance(0.97),
      versions: planHistory(random, createdMs, nowMs, options.reviewers),
    });
  }
  return { rules: options.rules, accounts, reviewerIds, posts, findings };
}

function planAccount(random: SeededRandom, index: number, nowMs: number): PlannedAccount {
  const platform = weightedPick(random, PLATFORMS.map(([name]) => name), PLATFORMS.map(([, weight]) => weight));
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const isCorporate = random.chance(0.1);
  const handleName = isCorporate ? `corvina${random.pick(['', '_news', '_jobs', '_eng', '_de', '_pl'])}${index}` : `${first}.${last}${index}`;
  return {
    id: randomUUID(),
    platform,
    handle: platform === 'mastodon' ? `@${handleName}@social.example` : handleName,
    kind: isCorporate ? 'corporate' : 'employee',
    ownerEmployeeId: isCorporate ? null : `E-${String(10_000 + index)}`,
    ownerName: isCorporate ? null : `${capitalise(first)} ${capitalise(last)}`,
    ownerEmail: isCorporate ? null : `${first}.${last}${index}@corvina.example`,
    ownerDepartment: isCorporate ? null : random.pick(DEPARTMENTS),
    createdAt: new Date(nowMs - 400 * DAY_MS + random.range(0, 30 * DAY_MS)),
  };
}

function planPost(random: SeededRandom, accounts: PlannedAccount[], accountIndex: number, rule: PlannedRule, createdMs: number, index: number): PlannedPost {
  const account = accounts[accountIndex]!;
  const collectedMs = createdMs - random.range(1_000, 600_000);
  const filler = random.pick(['Busy week.', 'Thoughts?', 'Back from the offsite.', '#worklife', 'Long day at the lab, but worth it.', '']);
  return {
    id: randomUUID(),
    accountIndex,
    externalId: `bench/${String(index)}`,
    url: `https://${account.platform}.example/${encodeURIComponent(account.handle)}/${String(index)}`,
    text: `${rule.example} ${filler}`.trim(),
    publishedAt: new Date(collectedMs - random.range(60_000, 3 * DAY_MS)),
    collectedAt: new Date(collectedMs),
  };
}

/** A finding's versions: new; then in review, resolved or reopened, older findings more often. */
function planHistory(random: SeededRandom, createdMs: number, nowMs: number, reviewers: number): [PlannedVersion, ...PlannedVersion[]] {
  const created: PlannedVersion = { at: new Date(createdMs), state: 'new', resolution: null, resolutionExpiresAt: null, assigneeIndex: random.chance(0.1) ? random.int(0, reviewers - 1) : null };
  const versions: [PlannedVersion, ...PlannedVersion[]] = [created];
  const ageDays = (nowMs - createdMs) / DAY_MS;
  const triagedShare = Math.min(0.85, 0.3 + ageDays / 200);
  if (!random.chance(triagedShare)) return versions;
  let atMs = createdMs;
  const later = () => {
    atMs = Math.min(nowMs - 1_000, atMs + random.range(600_000, 10 * DAY_MS));
    return new Date(atMs);
  };
  const assignee = random.int(0, reviewers - 1);
  const roll = random.next();
  if (roll < 0.15 || random.chance(0.3)) versions.push({ at: later(), state: 'in_review', resolution: null, resolutionExpiresAt: null, assigneeIndex: assignee });
  if (roll < 0.15) return versions;
  const resolution = weightedPick(random, RESOLUTIONS.map(([name]) => name), RESOLUTIONS.map(([, weight]) => weight));
  const resolvedAt = later();
  const expires = resolution === 'accepted_risk' ? new Date(resolvedAt.getTime() + random.int(30, 180) * DAY_MS) : null;
  versions.push({ at: resolvedAt, state: 'resolved', resolution, resolutionExpiresAt: expires, assigneeIndex: random.chance(0.8) ? assignee : null });
  if (random.chance(0.08)) versions.push({ at: later(), state: 'reopened', resolution: null, resolutionExpiresAt: null, assigneeIndex: assignee });
  return versions;
}

/** A slice of the leak example as the matched evidence: what a rule's capture group would hold. */
function evidenceOf(example: string, random: SeededRandom): string {
  const words = example.split(/\s+/u).filter((word) => word.length > 0);
  const start = random.int(0, Math.max(0, words.length - 3));
  return words.slice(start, start + random.int(1, 4)).join(' ') || example;
}

function weightedPick<T>(random: SeededRandom, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [index, item] of items.entries()) {
    roll -= weights[index] ?? 0;
    if (roll < 0) return item;
  }
  return items.at(-1)!;
}

function capitalise(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}
