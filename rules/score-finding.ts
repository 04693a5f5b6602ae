import type { Category, Severity } from '../core/policy-schema.js';

/** Where a finding's evidence was read: the post text, an image's OCR text, or an image's metadata. */
export type EvidenceSource = 'text' | 'ocr' | 'exif';

/** A box in image pixels: x, y, width, height. */
export type Box = readonly [number, number, number, number];

export interface Evidence {
  readonly source: EvidenceSource;
  /** The matched text as written (unmasked: mask it before export). */
  readonly text: string;
  /** Offsets into the post text (source text) or the image's OCR text (source ocr). */
  readonly start?: number;
  readonly end?: number;
  /** Index of the image in the post, for ocr and exif evidence. */
  readonly image?: number;
  /** The evidence's box on the image (union of its words' boxes). */
  readonly box?: Box;
  /** Mean OCR confidence of the evidence's words, 0-100. */
  readonly confidence?: number;
}

/** How a finding's score was reached; the parts add up to the score before clamping to 0-100. */
export interface ScoreBreakdown {
  readonly base: number;
  readonly validators: number;
  readonly context: number;
  readonly proximity: number;
  readonly ocrConfidence: number;
  readonly allowlist: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly pack: string;
  readonly title: string;
  readonly category: Category;
  readonly severity: Severity;
  /** 0-100. */
  readonly score: number;
  readonly evidence: Evidence;
  readonly breakdown: ScoreBreakdown;
  /** One line per factor that moved the score, in order. */
  readonly reasons: readonly string[];
  /** The reasons as one sentence ending in the score. */
  readonly explain: string;
  /** For fingerprint findings: which registered document, and how much of it. */
  readonly document?: { readonly id: string; readonly title: string; readonly share: number; readonly coverage: number };
}

/** A factor of the score, with the explanation shown to reviewers. */
export interface ScoreFactor {
  readonly kind: keyof ScoreBreakdown;
  readonly points: number;
  readonly reason: string;
}

/** Context, booster and proximity points are capped so no single text can swing a score wildly. */
const MAX_CONTEXT_RAISE = 40;
const MAX_CONTEXT_LOWER = -80;

/** Adds up the factors into a 0-100 score with its breakdown and explanation. */
export function scoreFactors(ruleId: string, factors: readonly ScoreFactor[]): Pick<Finding, 'score' | 'breakdown' | 'reasons' | 'explain'> {
  const breakdown = { base: 0, validators: 0, context: 0, proximity: 0, ocrConfidence: 0, allowlist: 0 };
  for (const factor of factors) breakdown[factor.kind] += factor.points;
  breakdown.context = Math.max(MAX_CONTEXT_LOWER, Math.min(MAX_CONTEXT_RAISE, breakdown.context));
  const total = Object.values(breakdown).reduce((sum, points) => sum + points, 0);
  const score = Math.max(0, Math.min(100, Math.round(total)));
  const reasons = factors.map((factor) => (factor.kind === 'base' ? factor.reason : `${signed(factor.points)} ${factor.reason}`));
  return { score, breakdown, reasons, explain: `${ruleId}: ${reasons.join('; ')} → ${String(score)}` };
}

/** The OCR-confidence factor: a low-confidence read is less certain evidence (0 at 100 %, -25 at 0 %). */
export function ocrConfidenceFactor(confidence: number | undefined): ScoreFactor | undefined {
  if (confidence === undefined) return undefined;
  const points = -Math.round((1 - Math.max(0, Math.min(100, confidence)) / 100) * 25);
  return points === 0 ? undefined : { kind: 'ocrConfidence', points, reason: `OCR confidence ${String(Math.round(confidence))}%` };
}

/**
 * The post's score: findings combine like independent evidence (1 - Π(1 - s/100)), so two
 * medium findings rank above one, but never above 100.
 */
export function postScore(findings: readonly Pick<Finding, 'score'>[]): number {
  const clean = findings.reduce((product, finding) => product * (1 - finding.score / 100), 1);
  return Math.round((1 - clean) * 100);
}

function signed(points: number): string {
  return points >= 0 ? `+${String(points)}` : String(points);
}
