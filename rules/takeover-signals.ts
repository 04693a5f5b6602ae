import type { ObservedProfile } from '../core/coverage.js';
import type { Policy, TakeoverSettings } from '../core/policy-schema.js';
import {
  fixedRulesInForce,
  TAKEOVER_NEW_LINK_DOMAIN_RULE,
  TAKEOVER_POST_BURST_RULE,
  TAKEOVER_PROFILE_CHANGED_RULE,
  type FixedRule,
} from './fixed-rule-ids.js';
import { scoreFactors, type Finding, type ScoreFactor } from './score-finding.js';

/**
 * Takeover signals of a corporate account, judged from one reading against what the account did
 * before: a burst of posts, links to domains it never used, a changed display name or avatar.
 * Pure: the caller (pipeline/detect-takeover.ts) reads the history and stores the outcome.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Points a signal gains when other kinds of signal come with it in the same reading. */
const WITH_ONE_OTHER_SIGNAL = 20;
const WITH_MORE_SIGNALS = 30;
/** Points a burst gains at twice its threshold or more. */
const FAR_ABOVE_THRESHOLD = 10;
/** Points an avatar change loses on its own: brands refresh their logos far more often than names. */
const AVATAR_ONLY = -10;

// Links as posts write them: with a scheme, from `www.`, or a bare domain followed by a path
// (`claim-eth.io/airdrop`). A bare `example.com` without a path is left out: too many file and
// product names ("Node.js", "report.pdf") look like one.
// At most 8 labels: an unbounded repetition would make a text of "a.a.a.…" quadratic to search.
const LINK = /\bhttps?:\/\/[^\s<>"'`{}|\\^[\]]+|\bwww\.[^\s<>"'`{}|\\^[\]]+|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}\/[^\s<>"'`{}|\\^[\]]*/giu;
// Punctuation that ends a sentence rather than the link.
const TRAILING = /[.,;:!?)\]}»"'’”…]+$/u;

/** A post of the reading, as stored. */
export interface TakeoverSignalPost {
  readonly postId: string;
  readonly publishedAt: Date;
  readonly text: string;
}

/** The burst window (the last `burstWindowHours`) and the span before it the usual rate is taken over. */
export interface TakeoverWindows {
  readonly windowStart: Date;
  readonly baselineStart: Date;
  /** Days from `baselineStart` to `windowStart`: at most `baselineDays`, less while the history is shorter. */
  readonly baselineDays: number;
}

/** What the account did before this reading, as the store knows it. */
export interface TakeoverHistory {
  readonly windows: TakeoverWindows;
  /** Stored posts published in the burst window (this reading's included). */
  readonly postsInWindow: number;
  /** Stored posts published from `baselineStart` to `windowStart`. */
  readonly baselinePosts: number;
  /** True when a burst finding already stands on a post of the window: one finding per burst. */
  readonly isBurstReported: boolean;
  /** The link domains its earlier posts used; undefined before its first reading (which only learns). */
  readonly knownDomains: ReadonlySet<string> | undefined;
  /** The profile stored at the last reading; undefined before the first reading (which only learns). */
  readonly storedProfile: ObservedProfile | undefined;
  /** The account's newest stored post: where a profile change is filed when the reading has no post. */
  readonly newestStoredPostId: string | undefined;
}

/** One reading of the account. */
export interface TakeoverReading {
  readonly posts: readonly TakeoverSignalPost[];
  /** The profile the platform showed, where it shows one. */
  readonly profile: ObservedProfile | undefined;
  readonly now: Date;
}

/** A takeover finding and the post it is filed on. */
export type TakeoverFinding = Finding & { readonly postId: string };

/** What the reading shows and what to remember of it. */
export interface TakeoverSignals {
  readonly findings: readonly TakeoverFinding[];
  /** Every link domain of the reading that is not the organisation's own, to remember (known ones included). */
  readonly domains: readonly string[];
  /** The profile to store; undefined to leave the stored one (a change with no post to file it on waits). */
  readonly profile: ObservedProfile | undefined;
}

/** A link found in a text: the link as written, its offsets, and its host in lower case without `www.`. */
export interface TextLink {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly domain: string;
}

/**
 * The burst window ending at `now`, and the baseline span before it: `baselineDays`, cut short
 * to start no earlier than `historyStart` (the account's oldest stored post or its registration,
 * whichever is older), so a history read only partly is not taken for a quiet one.
 */
export function takeoverWindows(now: Date, historyStart: Date | undefined, settings: TakeoverSettings): TakeoverWindows {
  const windowStart = new Date(now.getTime() - settings.burstWindowHours * HOUR_MS);
  const earliest = windowStart.getTime() - settings.baselineDays * DAY_MS;
  const start = Math.min(windowStart.getTime(), Math.max(earliest, historyStart?.getTime() ?? windowStart.getTime()));
  return { windowStart, baselineStart: new Date(start), baselineDays: (windowStart.getTime() - start) / DAY_MS };
}

/** The links in a text, in order (scheme, `www.` or domain-with-path forms); IP hosts and names without a dot are left out. */
export function linksIn(text: string): TextLink[] {
  const links: TextLink[] = [];
  for (const match of text.matchAll(LINK)) {
    const written = match[0].replace(TRAILING, '');
    const domain = domainOf(written);
    if (domain === undefined) continue;
    links.push({ text: written, start: match.index, end: match.index + written.length, domain });
  }
  return links;
}

/** The host of a link in lower case (punycode for an international name), without `www.`; undefined when it has none worth keeping. */
function domainOf(link: string): string | undefined {
  let host: string;
  try {
    host = new URL(/^https?:\/\//iu.test(link) ? link : `http://${link}`).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/\.$/u, '').replace(/^www\./u, '');
  if (!host.includes('.') || /^[\d.]+$/u.test(host) || host.startsWith('[')) return undefined;
  return host;
}

/** True when `domain` is one of `domains` or a subdomain of one. */
function isUnder(domain: string, domains: Iterable<string>): boolean {
  for (const known of domains) {
    if (domain === known || domain.endsWith(`.${known}`)) return true;
  }
  return false;
}

/**
 * Judges one reading of a corporate account. A burst is filed on the newest post of the reading in
 * the window, once per burst; a new link domain on the first post of the reading that links it; a
 * profile change on the newest post of the reading (else the account's newest stored post). The
 * first reading only learns domains and profile. Signals the policy turns off (or the `takeover`
 * pack left out) give no finding, but domains and profile are still learned.
 */
export function takeoverSignals(policy: Policy, history: TakeoverHistory, reading: TakeoverReading): TakeoverSignals {
  const rules = new Map(fixedRulesInForce(policy).map((rule) => [rule.id, rule]));
  const settings = policy.takeover;
  const posts = reading.posts.filter((post) => !Number.isNaN(post.publishedAt.getTime()));
  const newestFirst = [...posts].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());

  const burst = burstOf(history, newestFirst, settings);
  const ownDomains = [...policy.internalDomains, ...policy.emailDomains, ...settings.ownDomains];
  const linked = new Map<string, { post: TakeoverSignalPost; link: TextLink }>();
  for (const post of [...newestFirst].reverse()) {
    for (const link of linksIn(post.text)) {
      if (!isUnder(link.domain, ownDomains) && !linked.has(link.domain)) linked.set(link.domain, { post, link });
    }
  }
  const known = history.knownDomains;
  const newDomains = known === undefined ? [] : [...linked.values()].filter(({ link }) => !isUnder(link.domain, known));
  const changes = history.storedProfile === undefined || reading.profile === undefined ? [] : profileChanges(history.storedProfile, reading.profile);
  const anchorPostId = newestFirst[0]?.postId ?? history.newestStoredPostId;

  // Kinds of signal in this reading: each finding is the stronger for the others.
  const kinds = new Set<string>();
  if (burst !== undefined) kinds.add('a burst of posts');
  if (newDomains.length > 0) kinds.add('links to new domains');
  for (const change of changes) kinds.add(change.field === 'displayName' ? 'a new display name' : 'a new avatar');
  const together = (own: string): ScoreFactor[] => {
    const others = [...kinds].filter((kind) => kind !== own);
    if (others.length === 0) return [];
    return [{ kind: 'context', points: others.length === 1 ? WITH_ONE_OTHER_SIGNAL : WITH_MORE_SIGNALS, reason: `with ${others.join(' and ')} in the same reading` }];
  };

  const findings: TakeoverFinding[] = [];
  const burstRule = rules.get(TAKEOVER_POST_BURST_RULE);
  if (burst !== undefined && burstRule !== undefined && !history.isBurstReported) {
    const factors = [
      baseFactor(burstRule, policy),
      ...(burst.posts >= 2 * burst.threshold ? [{ kind: 'validators', points: FAR_ABOVE_THRESHOLD, reason: `twice the burst threshold of ${String(burst.threshold)} posts or more` } as const] : []),
      ...together('a burst of posts'),
    ];
    findings.push(finding(burstRule, burst.postId, factors, { source: 'text', text: burst.summary }));
  }
  const domainRule = rules.get(TAKEOVER_NEW_LINK_DOMAIN_RULE);
  if (domainRule !== undefined) {
    for (const { post, link } of newDomains) {
      const factors = [baseFactor(domainRule, policy), ...together('links to new domains')];
      findings.push(finding(domainRule, post.postId, factors, { source: 'text', text: link.text, start: link.start, end: link.end }));
    }
  }
  const profileRule = rules.get(TAKEOVER_PROFILE_CHANGED_RULE);
  if (profileRule !== undefined && anchorPostId !== undefined) {
    for (const change of changes) {
      const isName = change.field === 'displayName';
      const factors: ScoreFactor[] = [
        baseFactor(profileRule, policy),
        ...(isName || changes.length > 1 ? [] : [{ kind: 'context', points: AVATAR_ONLY, reason: 'only the avatar changed' } as const]),
        ...together(isName ? 'a new display name' : 'a new avatar'),
      ];
      const text = isName ? `display name "${change.before}" → "${change.after}"` : `avatar ${change.before} → ${change.after}`;
      findings.push(finding(profileRule, anchorPostId, factors, { source: 'text', text }));
    }
  }

  // A change with nowhere to file it is kept for the next reading: the stored profile stays.
  const isChangeWaiting = changes.length > 0 && profileRule !== undefined && anchorPostId === undefined;
  const profile = isChangeWaiting ? undefined : mergedProfile(history.storedProfile, reading.profile);
  return { findings, domains: [...linked.keys()], profile };
}

/** A burst in the reading, or undefined: no post of it in the window, no day of history yet, or too few posts. */
function burstOf(history: TakeoverHistory, newestFirst: readonly TakeoverSignalPost[], settings: TakeoverSettings) {
  const { windows } = history;
  const newest = newestFirst[0];
  if (newest === undefined || newest.publishedAt < windows.windowStart || windows.baselineDays < 1) return undefined;
  const perDay = history.baselinePosts / windows.baselineDays;
  const threshold = Math.max(settings.burstMinPosts, Math.ceil(settings.burstFactor * perDay));
  if (history.postsInWindow < threshold) return undefined;
  const usual = perDay < 0.05 ? 'none' : perDay.toFixed(1);
  const summary = `${String(history.postsInWindow)} posts in ${String(settings.burstWindowHours)} hours; usually ${usual} a day over ${String(Math.round(windows.baselineDays))} days`;
  return { postId: newest.postId, posts: history.postsInWindow, threshold, summary };
}

interface ProfileChange {
  field: 'displayName' | 'avatarUrl';
  before: string;
  after: string;
}

/** Fields the platform showed both times and that differ (a field it did not show this time is no change). */
function profileChanges(stored: ObservedProfile, observed: ObservedProfile): ProfileChange[] {
  const changes: ProfileChange[] = [];
  const { displayName: nameBefore, avatarUrl: avatarBefore } = stored;
  const { displayName: nameAfter, avatarUrl: avatarAfter } = observed;
  if (nameBefore !== undefined && nameAfter !== undefined && nameKey(nameBefore) !== nameKey(nameAfter)) {
    changes.push({ field: 'displayName', before: nameBefore, after: nameAfter });
  }
  if (avatarBefore !== undefined && avatarAfter !== undefined && avatarKey(avatarBefore) !== avatarKey(avatarAfter)) {
    changes.push({ field: 'avatarUrl', before: avatarBefore, after: avatarAfter });
  }
  return changes;
}

function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** An avatar by its path: CDNs serve one picture from several hosts (Telegram's cdn1…cdn5) and add cache-busting queries. */
function avatarKey(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.trim();
  }
}

/** The stored profile with what the platform showed this time; `{}` once read, so the next reading knows the account was seen. */
function mergedProfile(stored: ObservedProfile | undefined, observed: ObservedProfile | undefined): ObservedProfile {
  const merged: ObservedProfile = { ...stored };
  if (observed?.displayName !== undefined) merged.displayName = observed.displayName;
  if (observed?.avatarUrl !== undefined) merged.avatarUrl = observed.avatarUrl;
  return merged;
}

function baseFactor(rule: FixedRule, policy: Policy): ScoreFactor {
  const why = policy.overrides[rule.id]?.score !== undefined ? 'set by the policy' : `${rule.severity} severity`;
  return { kind: 'base', points: rule.score, reason: `base ${String(rule.score)} (${why})` };
}

function finding(rule: FixedRule, postId: string, factors: readonly ScoreFactor[], evidence: Finding['evidence']): TakeoverFinding {
  return {
    postId,
    ruleId: rule.id,
    pack: rule.pack,
    title: rule.title,
    category: rule.category,
    severity: rule.severity,
    ...scoreFactors(rule.id, factors),
    evidence,
  };
}
