import sharp from 'sharp';
import { createOcrEngine, type OcrEngineOptions } from '../ocr/ocr-engine.js';
import { DEFAULT_PREPARATION, prepareImage } from '../ocr/prepare-image.js';
import { readAll } from './ocr-benchmark.js';
import { generatePhotoCorpus } from './ocr-photo-corpus.js';
import { scoreReading, summarize } from './ocr-scoring.js';
import { corpusRuleSet } from './rules-corpus.js';

/**
 * The preprocessing and engine choices, each measured against the default on one documents feed,
 * and the text gate measured on its own over a mixed feed: which images it lets through (it must
 * let every document through) and what it costs.
 */

export const OCR_VARIANTS: Readonly<Record<string, OcrEngineOptions>> = {
  default: {},
  'letters scaled to 30 px': { preparation: { targetLetterHeight: 30 } },
  'letters scaled to 20 px': { preparation: { targetLetterHeight: 20 } },
  'no scaling': { preparation: { targetLetterHeight: 0 } },
  'page segmentation 3 (auto)': { segmentation: '3' },
  'no deskew': { preparation: { deskew: false } },
  'no lighting flattening': { preparation: { flattenLighting: false } },
  'red ink not read apart': { preparation: { separateRedInk: false } },
  'no crop to lines': { preparation: { cropToLines: false } },
  'language chosen from a sample': { chooseLanguage: true },
};

export interface VariantRow {
  readonly variant: string;
  readonly imagesPerS: number;
  readonly cpuSecondsPerImage: number;
  readonly evidenceRecall: number;
  readonly allWordRecall: number;
  readonly leaksFound: number;
  readonly leaks: number;
}

export interface GateReport {
  readonly images: number;
  /** Per kind: images, and how many the gate let through to OCR. */
  readonly byKind: Record<string, { images: number; passed: number }>;
  /** Documents (every leak image) the gate let through, of all documents: must be 1. */
  readonly documentRecall: number;
  readonly meanGateMs: number;
}

export async function runOcrVariants(options: { images: number; seed?: number; log?: (message: string) => void }): Promise<VariantRow[]> {
  const seed = options.seed ?? 3031;
  const samples = await generatePhotoCorpus({ seed, count: options.images, documentShare: 1 });
  const warmUp = await generatePhotoCorpus({ seed: seed + 1, count: 1, documentShare: 1 });
  const ruleSet = await corpusRuleSet();
  const rows: VariantRow[] = [];
  for (const [variant, engineOptions] of Object.entries(OCR_VARIANTS)) {
    options.log?.(`ocr variants: ${variant}`);
    // configureSharp off: later sections still draw their corpora from SVG in this process.
    const engine = await createOcrEngine({ workers: 2, configureSharp: false, ...engineOptions });
    try {
      for (const sample of warmUp) await engine.extract(sample.bytes, `warm-up-${sample.id}`);
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const readings = await readAll(samples, 4, async (sample) => (await engine.extract(sample.bytes, sample.id)).words);
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const summary = summarize(samples.map((sample, index) => scoreReading(ruleSet, sample, readings[index] ?? { id: sample.id, words: [], error: 'no reading' })));
      rows.push({
        variant,
        imagesPerS: samples.length / seconds,
        cpuSecondsPerImage: (cpu.user + cpu.system) / 1e6 / samples.length,
        evidenceRecall: summary.evidenceRecall,
        allWordRecall: summary.allWordRecall,
        leaksFound: summary.leaksFound,
        leaks: summary.leaks,
      });
    } finally {
      await engine.close();
    }
  }
  return rows;
}

/** Runs the gate alone (decode and the text detector, no OCR) over a mixed feed. */
export async function runGateBenchmark(options: { images: number; seed?: number }): Promise<GateReport> {
  const samples = await generatePhotoCorpus({ seed: options.seed ?? 4041, count: options.images, documentShare: 0.35 });
  const byKind: Record<string, { images: number; passed: number }> = {};
  let documents = 0;
  let documentsPassed = 0;
  let gateMs = 0;
  for (const sample of samples) {
    const { data, info } = await sharp(sample.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const started = performance.now();
    const prepared = await prepareImage(data, info.width, info.height, DEFAULT_PREPARATION);
    gateMs += performance.now() - started;
    const tally = (byKind[sample.kind] ??= { images: 0, passed: 0 });
    tally.images += 1;
    if (prepared.hasText) tally.passed += 1;
    if (sample.leak) {
      documents += 1;
      if (prepared.hasText) documentsPassed += 1;
    }
  }
  return { images: samples.length, byKind, documentRecall: documents === 0 ? 1 : documentsPassed / documents, meanGateMs: gateMs / samples.length };
}
