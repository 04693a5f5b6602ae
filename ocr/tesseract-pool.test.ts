import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { renderTextImage } from '../test/support/render-text-image.js';
import { findLanguageData } from './find-language-data.js';
import { RecognitionTimeoutError, TesseractPool } from './tesseract-pool.js';

const langPath = findLanguageData(['eng']);

describe('TesseractPool', () => {
  let page: Buffer;
  beforeAll(async () => {
    page = await renderTextImage({ lines: ['Pool test page number one'], format: 'png' });
  });

  it('reads words with boxes, confidences and line numbers', async () => {
    const pool = await TesseractPool.start({ size: 1, languages: ['eng'], langPath, recycleAfter: 10, startTimeoutMs: 30_000 });
    try {
      const words = await pool.recognize(page, { segmentation: '3', timeoutMs: 30_000, image: 'page.png' });
      expect(words.map((word) => word.text)).toEqual(['Pool', 'test', 'page', 'number', 'one']);
      expect(words.every((word) => word.line === 0 && word.confidence > 50 && word.x1 > word.x0 && word.y1 > word.y0)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker after its quota of images and keeps reading', async () => {
    const pool = await TesseractPool.start({ size: 1, languages: ['eng'], langPath, recycleAfter: 1, startTimeoutMs: 30_000 });
    try {
      for (let round = 0; round < 3; round += 1) {
        const words = await pool.recognize(page, { segmentation: '11', timeoutMs: 30_000, image: `page-${String(round)}.png` });
        expect(words.map((word) => word.text)).toContain('number');
      }
    } finally {
      await pool.close();
    }
  });

  it('stops an image that takes too long, names it, and reads the next one on a fresh worker', async () => {
    const pool = await TesseractPool.start({ size: 1, languages: ['eng'], langPath, recycleAfter: 100, startTimeoutMs: 30_000 });
    try {
      const big = await renderTextImage({ lines: Array.from({ length: 40 }, (_, index) => `line ${String(index)} of a long page`), width: 3000, fontSize: 60, format: 'png' });
      const stopped = pool.recognize(big, { segmentation: '3', timeoutMs: 5, image: 'slow.png' });
      await expect(stopped).rejects.toBeInstanceOf(RecognitionTimeoutError);
      await expect(stopped).rejects.toThrow(/slow\.png.*OCR_IMAGE_TIMEOUT_MS/u);
      const words = await pool.recognize(page, { segmentation: '3', timeoutMs: 30_000, image: 'next.png' });
      expect(words.map((word) => word.text)).toContain('Pool');
    } finally {
      await pool.close();
    }
  });

  it('reads an image in the languages asked for, re-initialising a worker that holds others', async () => {
    const both = findLanguageData(['eng', 'rus']);
    const pool = await TesseractPool.start({ size: 1, languages: ['eng', 'rus'], langPath: both, recycleAfter: 100, startTimeoutMs: 30_000 });
    try {
      const russian = await renderTextImage({ lines: ['Строго конфиденциально'], format: 'png' });
      const inEnglish = await pool.recognize(russian, { segmentation: '3', timeoutMs: 30_000, image: 'ru.png', languages: ['eng'] });
      const inRussian = await pool.recognize(russian, { segmentation: '3', timeoutMs: 30_000, image: 'ru.png', languages: ['rus'] });
      expect(inEnglish.map((word) => word.text).join(' ')).not.toContain('Строго');
      expect(inRussian.map((word) => word.text).join(' ')).toBe('Строго конфиденциально');
      const inBoth = await pool.recognize(page, { segmentation: '3', timeoutMs: 30_000, image: 'page.png' });
      expect(inBoth.map((word) => word.text)).toContain('Pool');
    } finally {
      await pool.close();
    }
  });

  it('queues images beyond its size and reads them all', async () => {
    const pool = await TesseractPool.start({ size: 2, languages: ['eng'], langPath, recycleAfter: 100, startTimeoutMs: 30_000 });
    try {
      const results = await Promise.all(Array.from({ length: 5 }, (_, index) => pool.recognize(page, { segmentation: '3', timeoutMs: 30_000, image: `q${String(index)}.png` })));
      expect(results.map((words) => words.length)).toEqual([5, 5, 5, 5, 5]);
    } finally {
      await pool.close();
    }
  });
});

describe('findLanguageData', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-tessdata-'));
    await writeFile(path.join(folder, 'eng.traineddata'), 'not a model');
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('finds the system folder that holds every default language', () => {
    expect(findLanguageData(['eng', 'pol', 'rus', 'ukr', 'ell'])).toMatch(/tessdata$/u);
  });

  it('names the missing files, the package to install and the variable to set', () => {
    expect(() => findLanguageData(['eng', 'rus'], folder)).toThrow(ConfigError);
    expect(() => findLanguageData(['eng', 'rus'], folder)).toThrow(/OCR_LANG_PATH .* has no rus\.traineddata.*apt-get install tesseract-ocr-rus/u);
    expect(() => findLanguageData(['eng', 'xyz'])).toThrow(/xyz\.traineddata.*tesseract-ocr-xyz.*OCR_LANG_PATH/u);
  });

  it('refuses language codes that are not tesseract codes', () => {
    expect(() => findLanguageData(['en', '../etc'])).toThrow(/OCR_LANGUAGES has "en", "\.\.\/etc"/u);
  });

  it('refuses a file that is not a model before tesseract sees it (tesseract.js would hang on it)', () => {
    expect(() => findLanguageData(['eng'], folder)).toThrow(/eng\.traineddata is not a tesseract model/u);
  });
});
