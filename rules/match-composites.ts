import type { CompiledRule } from './compile-rule-set.js';
import { boxGap, locateEvidence, type Segment } from './build-segments.js';
import type { RuleMatch } from './match-segment.js';

/** A composite rule's evidence: its parts found near each other, and how near (0 = touching). */
export interface CompositeMatch {
  readonly match: RuleMatch;
  /** Distance between the farthest parts, in the unit of the rule's `within` (words or pixels). */
  readonly distance: number;
  readonly limit: number;
  readonly unit: 'words' | 'pixels';
}

/** Longest evidence quoted whole for a composite; longer spans quote only the parts. */
const MAX_COMPOSITE_EVIDENCE = 240;

/**
 * Finds each composite rule's parts near each other in one segment: within N words in text, or
 * within N pixels on the image when the segment has OCR boxes (falling back to words if the rule
 * allows both). Returns the closest combination per composite rule.
 */
export function matchComposites(
  composites: readonly CompiledRule[],
  segment: Segment,
  matches: readonly RuleMatch[],
): CompositeMatch[] {
  const results: CompositeMatch[] = [];
  for (const rule of composites) {
    const composite = rule.definition.composite;
    if (composite === undefined) continue;
    const partMatches = composite.parts.map((part) => matches.filter((match) => match.rule.id === part && match.suppressedBy === undefined));
    if (partMatches.some((list) => list.length === 0)) continue;
    const { within } = composite;
    const usePixels = 'pixels' in within && segment.words.length > 0;
    const limit = usePixels ? within.pixels : within.words;
    if (limit === undefined) continue;
    const distanceOf = usePixels ? pixelDistance(segment) : wordDistance;
    // Each match of each part in turn anchors a combination of the nearest match of every other
    // part; the combination counts when its two farthest parts are within the limit, whatever
    // order the parts are listed in.
    let best: { parts: RuleMatch[]; distance: number } | undefined;
    partMatches.forEach((anchors, anchorPart) => {
      for (const anchor of anchors) {
        const chosen = partMatches.map((candidates, part) =>
          part === anchorPart ? anchor : nearest(anchor, candidates, distanceOf),
        );
        let spread = 0;
        for (let first = 0; first < chosen.length; first += 1) {
          for (let second = first + 1; second < chosen.length; second += 1) {
            const a = chosen[first];
            const b = chosen[second];
            spread = Math.max(spread, a === undefined || b === undefined ? Infinity : distanceOf(a, b));
          }
        }
        if (spread <= limit && (best === undefined || spread < best.distance)) {
          best = { parts: chosen.filter((match): match is RuleMatch => match !== undefined), distance: spread };
        }
      }
    });
    if (best === undefined) continue;
    const proximity = { distance: best.distance, limit, unit: usePixels ? 'pixels' : 'words' } as const;
    results.push({ match: { ...combine(rule, segment, best.parts), proximity }, ...proximity });
  }
  return results;
}

function nearest(
  anchor: RuleMatch,
  candidates: readonly RuleMatch[],
  distanceOf: (a: RuleMatch, b: RuleMatch) => number,
): RuleMatch | undefined {
  let best: RuleMatch | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const gap = distanceOf(anchor, candidate);
    if (gap < bestDistance) [best, bestDistance] = [candidate, gap];
  }
  return best;
}

function wordDistance(a: RuleMatch, b: RuleMatch): number {
  if (a.lastWord < b.firstWord) return b.firstWord - a.lastWord;
  if (b.lastWord < a.firstWord) return a.firstWord - b.lastWord;
  return 0;
}

function pixelDistance(segment: Segment) {
  return (a: RuleMatch, b: RuleMatch): number => {
    const boxA = locateEvidence(segment, a.start, a.end).box;
    const boxB = locateEvidence(segment, b.start, b.end).box;
    return boxA === undefined || boxB === undefined ? Infinity : boxGap(boxA, boxB);
  };
}

function combine(rule: CompiledRule, segment: Segment, parts: readonly RuleMatch[]): RuleMatch {
  const start = Math.min(...parts.map((part) => part.start));
  const end = Math.max(...parts.map((part) => part.end));
  const ordered = [...parts].sort((a, b) => a.start - b.start);
  const text = end - start <= MAX_COMPOSITE_EVIDENCE ? segment.text.slice(start, end) : ordered.map((part) => part.text).join(' … ');
  return {
    rule,
    start,
    end,
    text,
    firstWord: Math.min(...parts.map((part) => part.firstWord)),
    lastWord: Math.max(...parts.map((part) => part.lastWord)),
  };
}
