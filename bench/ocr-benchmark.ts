import { createOcrEngine } from '../ocr/ocr-engine.js';
import { median } from './median.js';
import { checkNativeTesseract, runNativeTesseract, type ImageReading } from './ocr-native.js';
import { generatePhotoCorpus, type PhotoSample } from './ocr-photo-corpus.js';
import { scoreReading, summarize, summarizeBy, type ImageScore, type ScoreSummary } from './ocr-scoring.js';
import { corpusRuleSet } from './rules-corpus.js';

export type OcrFeed = 'mixed' | 'documents';
export type OcrEngineName = 'tesseract-cli' | 'tesseract-cli --psm 11' | 'overshare';
export const OCR_ENGINES: readonly OcrEngineName[] = ['tesseract-cli', 'tesseract-cli --psm 11', 'overshare'];

/** One engine on one feed. Accuracy is from the first run (every engine reads deterministically). */
export interface OcrBenchmarkRow extends ScoreSummary {
  readonly feed: OcrFeed;
  readonly engine: OcrEngineName;
  /** Median over runs. */
  readonly imagesPerS: number;
  /**
   * CPU seconds per image (median over runs): the CLI's processes, or this whole process (its
   * worker threads included) for overshare. Unlike images/s, other load on the machine does not
   * change it; undefined where the platform does not tell.
   */
  readonly cpuSecondsPerImage: number | undefined;
  readonly runs: readonly number[];
  /** Peak resident memory of this process while the engine ran (MiB): overshare's worker threads live in it; undefined for the CLI. */
  readonly peakRssMiB?: number;
  /** overshare only: creating the engine (model loading), not counted in images/s. */
  readonly startupMs?: number;
  readonly byKind: Record<string, ScoreSummary>;
  readonly byLanguage: Record<string, ScoreSummary>;
  readonly byVariant: Record<string, ScoreSummary>;
}

export interface OcrBenchmarkReport {
  readonly nativeVersion: string;
  readonly images: number;
  readonly seed: number;
  readonly feeds: Record<OcrFeed, { readonly images: number; readonly withDocument: number; readonly byKind: Record<string, number> }>;
  readonly rows: readonly OcrBenchmarkRow[];
  /** Every image's score per feed and engine, for digging into misses. */
  readonly scores: Record<string, readonly ImageScore[]>;
}

export interface OcrBenchmarkOptions {
  readonly runs: number;
  /** Images per feed. */
  readonly images: number;
  readonly verbose?: boolean;
  /** Default 2027; the documents-only feed uses seed + 1, the warm-up images seed + 2. */
  readonly seed?: number;
  readonly engines?: readonly OcrEngineName[];
  /** Images overshare keeps in flight, default 4 (two per worker, so neither waits). */
  readonly inFlight?: number;
}

// A real feed: at least 60 % of images hold no document (photos, memes, menus, signs).
const MIXED_DOCUMENT_SHARE = 0.35;

/**
 * Generates two feeds (mixed: 35 % document kinds; documents: all of them), reads each with the
 * native tesseract CLI (default and --psm 11) and with overshare's engine in the same run, and
 * scores every reading: evidence-word and all-word recall, leaks found by the rules on the words
 * read, false leaks on benign images, images per second (median of `runs`) and, for overshare,
 * the peak RSS of this process with the worker pool busy (sampled every 50 ms).
 */
export async function runOcrBenchmark(options: OcrBenchmarkOptions): Promise<OcrBenchmarkReport> {
  const seed = options.seed ?? 2027;
  const engines = options.engines ?? OCR_ENGINES;
  const log = (message: string) => {
    if (options.verbose === true) console.error(message);
  };
  const nativeVersion = engines.some((engine) => engine !== 'overshare') ? await checkNativeTesseract() : 'not run';
  const ruleSet = await corpusRuleSet();
  const feeds: Record<OcrFeed, PhotoSample[]> = {
    mixed: await generatePhotoCorpus({ seed, count: options.images, documentShare: MIXED_DOCUMENT_SHARE }),
    documents: await generatePhotoCorpus({ seed: seed + 1, count: options.images, documentShare: 1 }),
  };
  // Everything is drawn before any engine starts: overshare's engine locks sharp down to photo
  // formats process-wide, and the corpus is drawn from SVG.
  const warmUp = await generatePhotoCorpus({ seed: seed + 2, count: 2, documentShare: 1 });
  const rows: OcrBenchmarkRow[] = [];
  const scores: Record<string, ImageScore[]> = {};
  for (const [feed, samples] of Object.entries(feeds) as [OcrFeed, PhotoSample[]][]) {
    for (const engine of engines) {
      log(`ocr: ${engine} on the ${feed} feed (${String(samples.length)} images, ${String(options.runs)} runs)`);
      const measured = engine === 'overshare' ? await measureOvershare(samples, warmUp, options) : await measureNative(samples, options.runs, engine === 'tesseract-cli' ? undefined : 11);
      const imageScores = samples.map((sample, index) => scoreReading(ruleSet, sample, measured.readings[index] ?? { id: sample.id, words: [], error: 'no reading' }));
      scores[`${feed}/${engine}`] = imageScores;
      rows.push({
        feed,
        engine,
        ...summarize(imageScores),
        imagesPerS: median(measured.rates),
        cpuSecondsPerImage: measured.cpuMs.length === 0 ? undefined : median(measured.cpuMs) / 1000 / samples.length,
        runs: measured.rates,
        ...(measured.peakRssMiB === undefined ? {} : { peakRssMiB: measured.peakRssMiB }),
        ...(measured.startupMs === undefined ? {} : { startupMs: measured.startupMs }),
        byKind: summarizeBy(imageScores, (score) => score.kind),
        byLanguage: summarizeBy(imageScores, (score) => score.language),
        byVariant: summarizeBy(imageScores, (score) => `${score.kind}/${score.variant}`),
      });
    }
  }
  const describe = (samples: PhotoSample[]) => ({
    images: samples.length,
    withDocument: samples.filter((sample) => sample.leak).length,
    byKind: Object.fromEntries([...new Set(samples.map((sample) => sample.kind))].sort().map((kind) => [kind, samples.filter((sample) => sample.kind === kind).length])),
  });
  return { nativeVersion, images: options.images, seed, feeds: { mixed: describe(feeds.mixed), documents: describe(feeds.documents) }, rows, scores };
}

interface Measured {
  readonly readings: readonly ImageReading[];
  readonly rates: number[];
  /** CPU ms of each run, where known. */
  readonly cpuMs: number[];
  readonly peakRssMiB?: number;
  readonly startupMs?: number;
}

async function measureNative(samples: readonly PhotoSample[], runs: number, psm: number | undefined): Promise<Measured> {
  let readings: readonly ImageReading[] = [];
  const rates: number[] = [];
  const cpuMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const result = await runNativeTesseract(samples, { psm });
    if (run === 0) readings = result.readings;
    rates.push(samples.length / (result.wallMs / 1000));
    if (result.cpuMs !== undefined) cpuMs.push(result.cpuMs);
  }
  return { readings, rates, cpuMs };
}

/**
 * overshare's engine with two workers, `inFlight` images queued at once. Each run gets a fresh
 * engine (it remembers pictures it has read, so a second run over the same images would be
 * free), created and warmed on two images outside the feed before timing: a scanner starts the
 * engine once and keeps it.
 */
async function measureOvershare(samples: readonly PhotoSample[], warmUp: readonly PhotoSample[], options: OcrBenchmarkOptions): Promise<Measured> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    let readings: readonly ImageReading[] = [];
    let startupMs = 0;
    const rates: number[] = [];
    const cpuMs: number[] = [];
    for (let run = 0; run < options.runs; run += 1) {
      const started = performance.now();
      const engine = await createOcrEngine({ workers: 2 });
      if (run === 0) startupMs = performance.now() - started;
      try {
        await Promise.all(warmUp.map((sample) => engine.extract(sample.bytes, `warm-up-${sample.id}`).catch(() => undefined)));
        const runStarted = performance.now();
        const cpuBefore = process.cpuUsage();
        const result = await readAll(samples, options.inFlight ?? 4, async (sample) => {
          const extracted = await engine.extract(sample.bytes, sample.id);
          return extracted.words.map((word) => ({ text: word.text, box: word.box, confidence: word.confidence, line: word.line }));
        });
        rates.push(samples.length / ((performance.now() - runStarted) / 1000));
        const cpu = process.cpuUsage(cpuBefore);
        cpuMs.push((cpu.user + cpu.system) / 1000);
        if (run === 0) readings = result;
      } finally {
        await engine.close();
      }
    }
    return { readings, rates, cpuMs, peakRssMiB: Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20, startupMs };
  } finally {
    clearInterval(sampler);
  }
}

/** Reads every sample with at most `inFlight` reads pending; a failed read becomes an empty reading with its error. */
export async function readAll(
  samples: readonly PhotoSample[],
  inFlight: number,
  read: (sample: PhotoSample) => Promise<ImageReading['words']>,
): Promise<ImageReading[]> {
  const readings = new Array<ImageReading>(samples.length);
  let next = 0;
  const lane = async () => {
    while (next < samples.length) {
      const index = next;
      next += 1;
      const sample = samples[index]!;
      try {
        readings[index] = { id: sample.id, words: await read(sample) };
      } catch (error) {
        readings[index] = { id: sample.id, words: [], error: error instanceof Error ? error.name : String(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
  return readings;
}
