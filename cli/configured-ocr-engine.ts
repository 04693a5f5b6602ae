import type { Config } from '../core/config.js';
import { createOcrEngine, type OcrEngine } from '../ocr/ocr-engine.js';

export type { OcrEngine } from '../ocr/ocr-engine.js';

/** The OCR engine as the environment configures it (the OCR_* variables). */
export function createConfiguredOcrEngine({ ocr }: Config): Promise<OcrEngine> {
  return createOcrEngine({
    ...(ocr.workers > 0 ? { workers: ocr.workers } : {}),
    languages: ocr.languages,
    ...(ocr.langPath === undefined ? {} : { langPath: ocr.langPath }),
    recycleAfter: ocr.recycleAfterImages,
    limits: { maxBytes: ocr.maxImageBytes, maxPixels: ocr.maxImagePixels, timeoutMs: ocr.imageTimeoutMs },
  });
}
