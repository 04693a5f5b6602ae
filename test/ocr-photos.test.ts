import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallPhotoCorpus } from '../bench/ocr-photo-corpus.js';
import { scoreReading, summarize, type ImageScore } from '../bench/ocr-scoring.js';
import { corpusRuleSet } from '../bench/rules-corpus.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';

// A small, fast sample of the OCR benchmark's generated photos (bench/ocr-photo-corpus.ts): the
// full comparison with native tesseract, and every timing, live in bench/ and docs/benchmarks.md.
describe('OCR on generated photos', () => {
  let engine: OcrEngine;
  let scores: ImageScore[];
  let gateOpened: Map<string, boolean>;

  beforeAll(async () => {
    // Drawn before the engine starts: the corpus is rendered from SVG.
    const samples = await smallPhotoCorpus();
    const ruleSet = await corpusRuleSet();
    engine = await createOcrEngine({ workers: 2, configureSharp: false });
    gateOpened = new Map();
    scores = await Promise.all(
      samples.map(async (sample) => {
        const result = await engine.extract(sample.bytes, sample.id);
        gateOpened.set(sample.id, result.gate.text);
        return scoreReading(ruleSet, sample, { id: sample.id, words: result.words });
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await engine.close();
  });

  it('lets every photo holding a document through the text gate', () => {
    const documents = scores.filter((score) => score.isLeak);
    expect(documents.length).toBeGreaterThanOrEqual(3);
    expect(documents.map((score) => [score.id, gateOpened.get(score.id)])).toEqual(documents.map((score) => [score.id, true]));
  });

  it('finds the leak in every photographed document of the sample and none in the benign photos', () => {
    const summary = summarize(scores);
    expect(summary.leaksFound).toBe(summary.leaks);
    expect(summary.falseLeaks).toBe(0);
    expect(summary.evidenceRecall).toBeGreaterThan(0.5);
  });
});
