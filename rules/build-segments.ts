import type { Box, EvidenceSource } from './score-finding.js';

/** One word read by OCR, with its box in image pixels and its confidence (0-100). */
export interface OcrWord {
  readonly text: string;
  readonly box: Box;
  readonly confidence: number;
  /** Words with the same line number are joined with a space, lines with a newline. */
  readonly line?: number;
}

/** What the rules see of one image: its OCR words (or plain OCR text) and its metadata. */
export interface ImageInput {
  readonly words?: readonly OcrWord[];
  /** OCR text without boxes, used when `words` is absent. */
  readonly text?: string;
  /** EXIF GPS position, degrees [latitude, longitude]. */
  readonly gps?: readonly [number, number];
}

/** A text to analyze as one post: its text, its images, and the account it came from. */
export interface PostInput {
  readonly text?: string;
  readonly images?: readonly ImageInput[];
  /** `platform:handle`, for the policy's per-account allowlists. */
  readonly account?: string;
}

/** A text the rules run over: the post text or one image's OCR text, with its word boxes. */
export interface Segment {
  readonly source: Extract<EvidenceSource, 'text' | 'ocr'>;
  readonly image?: number;
  readonly text: string;
  /** For OCR text: each word's offsets in `text`, its box and confidence, in text order. */
  readonly words: readonly PlacedWord[];
}

export interface PlacedWord {
  readonly start: number;
  readonly end: number;
  readonly box: Box;
  readonly confidence: number;
}

/** Splits a post into the texts the rules run over, joining OCR words into lines. */
export function buildSegments(post: PostInput): Segment[] {
  const segments: Segment[] = [];
  if (post.text !== undefined && post.text.trim() !== '') segments.push({ source: 'text', text: post.text, words: [] });
  (post.images ?? []).forEach((image, index) => {
    if (image.words !== undefined && image.words.length > 0) segments.push(joinWords(image.words, index));
    else if (image.text !== undefined && image.text.trim() !== '') {
      segments.push({ source: 'ocr', image: index, text: image.text, words: [] });
    }
  });
  return segments;
}

function joinWords(words: readonly OcrWord[], image: number): Segment {
  let text = '';
  const placed: PlacedWord[] = [];
  let line: number | undefined;
  for (const word of words) {
    if (word.text === '') continue;
    if (text !== '') text += word.line !== undefined && line !== undefined && word.line !== line ? '\n' : ' ';
    line = word.line;
    placed.push({ start: text.length, end: text.length + word.text.length, box: word.box, confidence: word.confidence });
    text += word.text;
  }
  return { source: 'ocr', image, text, words: placed };
}

/** The union box and mean confidence of the OCR words overlapping [start, end), if any. */
export function locateEvidence(segment: Segment, start: number, end: number): { box?: Box; confidence?: number } {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  let confidenceSum = 0;
  let count = 0;
  for (const word of segment.words) {
    if (word.end <= start) continue;
    if (word.start >= end) break;
    const [x, y, width, height] = word.box;
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
    confidenceSum += word.confidence;
    count += 1;
  }
  if (count === 0) return {};
  return { box: [left, top, right - left, bottom - top], confidence: confidenceSum / count };
}

/** The gap in pixels between two boxes (0 when they touch or overlap). */
export function boxGap(a: Box, b: Box): number {
  const dx = Math.max(0, Math.max(a[0], b[0]) - Math.min(a[0] + a[2], b[0] + b[2]));
  const dy = Math.max(0, Math.max(a[1], b[1]) - Math.min(a[1] + a[3], b[1] + b[3]));
  return Math.hypot(dx, dy);
}
