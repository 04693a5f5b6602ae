import type { AccountKind } from '../core/policy-schema.js';
import { allowlistReason } from './apply-allowlists.js';
import { buildSegments, locateEvidence, type PostInput, type Segment } from './build-segments.js';
import type { CompiledRule, RuleSet } from './compile-rule-set.js';
import { documentAndSiteFindings } from './document-and-site-findings.js';
import { matchComposites } from './match-composites.js';
import { matchSegment, type ContextHit, type RuleMatch, type SegmentResult } from './match-segment.js';
import { normalizeText } from './normalize-text.js';
import { ocrConfidenceFactor, postScore, scoreFactors, type Finding, type ScoreFactor } from './score-finding.js';

/** A finding the policy or the engine held back, with the reason (kept for explanations). */
export interface SuppressedFinding {
  readonly ruleId: string;
  readonly evidence: string;
  readonly reason: string;
}

/** The rules' verdict on one post. */
export interface PostAnalysis {
  /** 0-100: the findings combined. */
  readonly score: number;
  /** True when any finding reaches the policy's review threshold. */
  readonly leak: boolean;
  /** Findings at or above the reporting floor, highest score first. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Every rule that matched, reported or not (building blocks and boosters included). */
  readonly matchedRules: readonly string[];
}

/** Findings scoring below this are noise: they are held back (listed in `suppressed`), not reported. */
export const REPORTING_FLOOR = 20;

/** What else the analysis knows about the post. */
export interface AnalyzeOptions {
  /**
   * The kind of account that posted it: rules limited to other kinds (`accountKinds`: takeover
   * scams run on corporate accounts only) are skipped. Unset (a text analyzed on its own), every rule runs.
   */
  readonly accountKind?: AccountKind;
}

/**
 * Runs the rule set over a post's text and its images' OCR text and metadata. Pure and
 * synchronous: no I/O, safe to call from any worker. Findings carry their score breakdown and
 * explanation; the policy's allowlists and the documented example secrets are applied.
 */
export function analyzePost(ruleSet: RuleSet, post: PostInput, options: AnalyzeOptions = {}): PostAnalysis {
  const { accountKind } = options;
  const segments: SegmentResult[] = buildSegments(post).map((segment) => {
    const text = normalizeText(segment.text, ruleSet.vocabulary);
    const { matches, context } = matchSegment(ruleSet, text);
    // Rules for other kinds of account are few (the takeover pack): dropping their matches is cheaper than a rule set per kind.
    return { segment, matches: matches.filter((match) => appliesTo(match.rule, accountKind)), context, text };
  });
  const matchedRules = new Set<string>();
  const suppressed: SuppressedFinding[] = [];
  const candidates: Finding[] = [];

  for (const result of segments) {
    for (const composite of matchComposites(ruleSet.composites, result.segment, result.matches)) {
      if (appliesTo(composite.match.rule, accountKind)) result.matches.push(composite.match);
    }
  }
  const boosts = boostersFound(ruleSet, segments);
  const postContext = segments.flatMap((segment) => segment.context);

  for (const result of segments) {
    for (const match of result.matches) {
      matchedRules.add(match.rule.id);
      const definition = match.rule.definition;
      if (!definition.emit) continue;
      if (match.suppressedBy !== undefined) {
        suppressed.push({ ruleId: match.rule.id, evidence: match.text, reason: match.suppressedBy });
        continue;
      }
      const context = contextFactors(match, result, postContext);
      const boosted = boosts.get(definition.category) ?? [];
      // A booster ("keep it quiet") is supporting context too.
      if (definition.requireContext && !context.some((factor) => factor.points > 0) && boosted.length === 0) continue;
      const located = result.segment.source === 'ocr' ? locateEvidence(result.segment, match.start, match.end) : {};
      const factors: ScoreFactor[] = [
        baseFactor(match.rule),
        ...(match.validator !== undefined ? [{ kind: 'validators', points: 10, reason: `${match.validator} check passed` } as const] : []),
        ...context,
        ...boosted,
        ...optional(proximityFactor(match)),
        ...optional(ocrConfidenceFactor(located.confidence)),
      ];
      candidates.push({
        ruleId: match.rule.id,
        pack: match.rule.pack,
        title: definition.title,
        category: definition.category,
        severity: match.rule.severity,
        ...scoreFactors(match.rule.id, factors),
        evidence: {
          source: result.segment.source,
          text: match.text,
          start: match.start,
          end: match.end,
          ...(result.segment.image !== undefined ? { image: result.segment.image } : {}),
          ...located,
        },
      });
    }
  }
  candidates.push(...documentAndSiteFindings(ruleSet, post, segments));

  // Allowlists and the floor first, so a finding inside an allowlisted stronger one still counts.
  const lowerTexts = new Map<Segment, string>();
  const kept: Finding[] = [];
  for (const finding of candidates) {
    const segment = segments.find(
      (result) => result.segment.source === finding.evidence.source && result.segment.image === finding.evidence.image,
    )?.segment;
    let lowerText: string | undefined;
    if (segment !== undefined) {
      lowerText = lowerTexts.get(segment) ?? segment.text.toLowerCase();
      lowerTexts.set(segment, lowerText);
    }
    const allowed = allowlistReason(
      ruleSet.allowlists,
      {
        ruleId: finding.ruleId,
        evidence: finding.evidence.text,
        ...(segment !== undefined && lowerText !== undefined
          ? { text: segment.text, lowerText, start: finding.evidence.start, end: finding.evidence.end }
          : {}),
      },
      post.account,
    );
    if (allowed !== undefined) suppressed.push({ ruleId: finding.ruleId, evidence: finding.evidence.text, reason: allowed });
    else if (finding.score < REPORTING_FLOOR) {
      suppressed.push({
        ruleId: finding.ruleId,
        evidence: finding.evidence.text,
        reason: `score ${String(finding.score)} is below the reporting floor ${String(REPORTING_FLOOR)} (${finding.explain})`,
      });
    } else kept.push(finding);
  }
  const findings = deduplicate(kept);
  findings.sort((a, b) => b.score - a.score || a.ruleId.localeCompare(b.ruleId));
  return {
    score: postScore(findings),
    leak: findings.some((finding) => finding.score >= ruleSet.policy.reviewThreshold),
    findings,
    suppressed,
    matchedRules: [...matchedRules].sort(),
  };
}

/** Whether the rule runs on posts of this kind of account (every rule does when the kind is unknown). */
function appliesTo(rule: CompiledRule, accountKind: AccountKind | undefined): boolean {
  return accountKind === undefined || (rule.definition.accountKinds?.includes(accountKind) ?? true);
}

/** A composite's closeness: up to 10 points, 0 at the limit of its `within`. */
function proximityFactor(match: RuleMatch): ScoreFactor | undefined {
  const { proximity } = match;
  if (proximity === undefined) return undefined;
  return {
    kind: 'proximity',
    points: Math.round(10 * (1 - proximity.distance / proximity.limit)),
    reason: `parts ${String(Math.round(proximity.distance))} ${proximity.unit} apart (limit ${String(proximity.limit)})`,
  };
}

function baseFactor(rule: CompiledRule): ScoreFactor {
  const why = rule.isScoreOverridden
    ? 'set by the policy'
    : rule.definition.score !== undefined
      ? "the rule's base score"
      : `${rule.severity} severity`;
  return { kind: 'base', points: rule.baseScore, reason: `base ${String(rule.baseScore)} (${why})` };
}

function optional<Value>(value: Value | undefined): Value[] {
  return value === undefined ? [] : [value];
}

/** Each context group of the match's rule found within its window counts once. */
function contextFactors(
  match: RuleMatch,
  result: SegmentResult,
  postContext: readonly ContextHit[],
): ScoreFactor[] {
  const factors: ScoreFactor[] = [];
  match.rule.definition.context.forEach((group, groupIndex) => {
    const pool = group.window === 'post' ? postContext : result.context;
    const window = group.window === 'post' ? Infinity : group.window;
    const hit = pool.find(
      (candidate) =>
        candidate.rule === match.rule.index &&
        candidate.group === groupIndex &&
        candidate.word >= match.firstWord - window &&
        candidate.word <= match.lastWord + window &&
        // A rule's own evidence is not its context; between a composite's parts it is.
        (group.window === 'post' ||
          match.rule.definition.composite !== undefined ||
          candidate.word < match.firstWord ||
          candidate.word > match.lastWord),
    );
    if (hit === undefined) return;
    const what = group.reason ?? (group.score > 0 ? 'supporting context' : 'context that makes it harmless');
    factors.push({ kind: 'context', points: group.score, reason: `${what} ("${hit.text}")` });
  });
  return factors;
}

/** Booster rules (e.g. "not public yet") found anywhere in the post, as factors per category they raise. */
function boostersFound(ruleSet: RuleSet, segments: readonly SegmentResult[]): Map<string, ScoreFactor[]> {
  const byCategory = new Map<string, ScoreFactor[]>();
  if (ruleSet.boosters.length === 0) return byCategory;
  const firstHit = new Map<CompiledRule, RuleMatch>();
  for (const segment of segments) {
    for (const match of segment.matches) {
      if (match.rule.definition.boost !== undefined && match.suppressedBy === undefined && !firstHit.has(match.rule)) {
        firstHit.set(match.rule, match);
      }
    }
  }
  for (const booster of ruleSet.boosters) {
    const boost = booster.definition.boost;
    const hit = firstHit.get(booster);
    if (boost === undefined || hit === undefined) continue;
    for (const category of boost.categories) {
      const factors = byCategory.get(category) ?? [];
      factors.push({ kind: 'context', points: boost.score, reason: `${booster.definition.title} ("${hit.text}")` });
      byCategory.set(category, factors);
    }
  }
  return byCategory;
}

/**
 * One finding per evidence: the same rule matching overlapping text keeps its best score, and a
 * finding inside a stronger one of the same category ("CONFIDENTIAL" inside "STRICTLY
 * CONFIDENTIAL") is dropped.
 */
function deduplicate(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort((a, b) => b.score - a.score || spanLength(b) - spanLength(a));
  const kept: Finding[] = [];
  for (const finding of sorted) {
    const isCovered = kept.some(
      (other) =>
        sameSegment(other, finding) &&
        (other.ruleId === finding.ruleId ? overlaps(other, finding) : other.category === finding.category && contains(other, finding)),
    );
    if (!isCovered) kept.push(finding);
  }
  return kept;
}

function sameSegment(a: Finding, b: Finding): boolean {
  return a.evidence.source === b.evidence.source && a.evidence.image === b.evidence.image;
}

function overlaps(a: Finding, b: Finding): boolean {
  return (a.evidence.start ?? 0) < (b.evidence.end ?? 0) && (b.evidence.start ?? 0) < (a.evidence.end ?? 0);
}

function contains(outer: Finding, inner: Finding): boolean {
  return (outer.evidence.start ?? 0) <= (inner.evidence.start ?? 0) && (outer.evidence.end ?? 0) >= (inner.evidence.end ?? 0);
}

function spanLength(finding: Finding): number {
  return (finding.evidence.end ?? 0) - (finding.evidence.start ?? 0);
}
