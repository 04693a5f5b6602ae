import { readFile } from 'node:fs/promises';
import { OvershareError } from '../core/errors.js';
import type { OcrEngine } from '../ocr/ocr-engine.js';
import { analyzePost, type PostAnalysis } from '../rules/analyze-post.js';
import type { RuleSet } from '../rules/compile-rule-set.js';

/** The `analyze` output line of one image (DESIGN.md, "analyze" contract). */
export type ImageOutputLine = { input: string; kind: 'image' } & Omit<PostAnalysis, 'matchedRules'> & {
    /** The OCR text, line by line. */
    text: string;
    metadata: {
      gps?: readonly [number, number];
      takenAt?: string;
      camera?: string;
      format: string;
      width: number;
      height: number;
      /** Perceptual hash (dHash), to recognise the picture when it is posted again. */
      hash: string;
      /** False when the text gate found no text and OCR was skipped. */
      hasText: boolean;
      duplicateOf?: string;
    };
    timingsMs: { ocr: number; rules: number };
  };

type ImageErrorLine = { input: string; kind: 'image'; error: string };

/** Reads one image file, runs OCR and the rules over its words; a bad file gives an error line, never a throw. */
export async function analyzeImage(ruleSet: RuleSet, engine: OcrEngine, file: string): Promise<ImageOutputLine | ImageErrorLine> {
  let extracted;
  try {
    extracted = await engine.extract(await readFile(file), file);
  } catch (error) {
    // ImageRejectedError and the OCR pool's errors say what went wrong and what to do.
    if (error instanceof OvershareError) return { input: file, kind: 'image', error: error.message };
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return { input: file, kind: 'image', error: `cannot be read (${code})` };
    throw error;
  }
  const started = performance.now();
  const { score, leak, findings, suppressed } = analyzePost(ruleSet, {
    images: [{ words: extracted.words, ...(extracted.metadata.gps === undefined ? {} : { gps: extracted.metadata.gps }) }],
  });
  const rules = Math.round((performance.now() - started) * 100) / 100;
  const { timingsMs } = extracted;
  return {
    input: file,
    kind: 'image',
    leak,
    score,
    findings,
    suppressed,
    text: extracted.text,
    metadata: {
      ...extracted.metadata,
      format: extracted.format,
      width: extracted.width,
      height: extracted.height,
      hash: extracted.hash,
      hasText: extracted.gate.text,
      ...(extracted.duplicateOf === undefined ? {} : { duplicateOf: extracted.duplicateOf }),
    },
    timingsMs: { ocr: Math.round(timingsMs.decode + timingsMs.prepare + timingsMs.ocr), rules },
  };
}
