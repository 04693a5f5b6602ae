import type { Policy } from '../core/policy-schema.js';
import type { PostInput } from './build-segments.js';
import { locateEvidence } from './build-segments.js';
import type { RuleSet } from './compile-rule-set.js';
import { CONFIDENTIAL_DOCUMENT_RULE, SENSITIVE_SITE_RULE } from './fixed-rule-ids.js';
import type { SegmentResult } from './match-segment.js';
import { ocrConfidenceFactor, scoreFactors, type Finding, type ScoreFactor } from './score-finding.js';


const EARTH_RADIUS_M = 6_371_008.8;

/**
 * Fingerprint findings (a text quoting a registered confidential document) and location findings
 * (an image whose GPS position lies inside a sensitive site's radius).
 */
export function documentAndSiteFindings(ruleSet: RuleSet, post: PostInput, segments: readonly SegmentResult[]): Finding[] {
  const findings: Finding[] = [];
  const { policy } = ruleSet;
  const documentRule = settings(policy, CONFIDENTIAL_DOCUMENT_RULE, 'high', 70);
  if (documentRule !== undefined && policy.packs.includes('fingerprints')) {
    for (const { segment, text } of segments) {
      for (const hit of ruleSet.fingerprints.match(text)) {
        const located = segment.source === 'ocr' ? locateEvidence(segment, hit.start, hit.end) : {};
        const strength = Math.min(25, hit.matchedShingles);
        const factors: ScoreFactor[] = [
          { kind: 'base', points: documentRule.score, reason: `base ${String(documentRule.score)} (${documentRule.why})` },
          {
            kind: 'validators',
            points: strength,
            reason: `${String(hit.matchedShingles)} passages of "${hit.title}" (${percent(hit.share)} of the document, ${percent(hit.coverage)} of this text)`,
          },
          ...[ocrConfidenceFactor(located.confidence)].filter((factor): factor is ScoreFactor => factor !== undefined),
        ];
        findings.push({
          ruleId: CONFIDENTIAL_DOCUMENT_RULE,
          pack: 'fingerprints',
          title: 'Quotes a registered confidential document',
          category: 'fingerprint',
          severity: documentRule.severity,
          ...scoreFactors(CONFIDENTIAL_DOCUMENT_RULE, factors),
          evidence: {
            source: segment.source,
            text: segment.text.slice(hit.start, hit.end),
            start: hit.start,
            end: hit.end,
            ...(segment.image !== undefined ? { image: segment.image } : {}),
            ...located,
          },
          document: { id: hit.documentId, title: hit.title, share: hit.share, coverage: hit.coverage },
        });
      }
    }
  }
  const siteRule = settings(policy, SENSITIVE_SITE_RULE, 'high', 75);
  if (siteRule !== undefined && policy.packs.includes('organisation')) {
    (post.images ?? []).forEach((image, index) => {
      if (image.gps === undefined) return;
      const [lat, lon] = image.gps;
      for (const site of policy.sensitiveSites) {
        const metres = haversineMetres(lat, lon, site.lat, site.lon);
        if (metres > site.radiusM) continue;
        findings.push({
          ruleId: SENSITIVE_SITE_RULE,
          pack: 'organisation',
          title: 'Photo taken inside a sensitive site',
          category: 'location',
          severity: siteRule.severity,
          ...scoreFactors(SENSITIVE_SITE_RULE, [
            { kind: 'base', points: siteRule.score, reason: `base ${String(siteRule.score)} (${siteRule.why})` },
            { kind: 'validators', points: 10, reason: `GPS ${String(Math.round(metres))} m from ${site.name} (radius ${String(site.radiusM)} m)` },
          ]),
          evidence: { source: 'exif', text: `${lat.toFixed(5)}, ${lon.toFixed(5)} (${site.name})`, image: index },
        });
      }
    });
  }
  return findings;
}

/** Great-circle distance in metres. */
export function haversineMetres(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const radians = Math.PI / 180;
  const dLat = (lat2 - lat1) * radians;
  const dLon = (lon2 - lon1) * radians;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * radians) * Math.cos(lat2 * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

function settings(policy: Policy, ruleId: string, severity: Finding['severity'], score: number) {
  const override = policy.overrides[ruleId];
  if (override?.enabled === false) return undefined;
  return {
    severity: override?.severity ?? severity,
    score: override?.score ?? score,
    why: override?.score !== undefined ? 'set by the policy' : `${override?.severity ?? severity} severity`,
  };
}

function percent(share: number): string {
  return `${String(Math.round(share * 100))}%`;
}
