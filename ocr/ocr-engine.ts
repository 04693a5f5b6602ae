import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { configureSharp, decodeImage, type DecodedImage, type ImageFormat, type ImageLimits } from './decode-image.js';
import { DEFAULT_OCR_LANGUAGES, findLanguageData } from './find-language-data.js';
import { fixScriptLookalikes } from './fix-script-lookalikes.js';
import { readImageMetadata, type ImageMetadata } from './image-metadata.js';
import { differenceHash } from './perceptual-hash.js';
import { DEFAULT_PREPARATION, prepareImage, type PreparationOptions } from './prepare-image.js';
import { isSamePicture, pictureThumbnail, type PictureFingerprint } from './same-picture.js';
import { TesseractPool, type PageSegmentation } from './tesseract-pool.js';
import { primaryLanguage, readingLanguages } from './choose-languages.js';

/**
 * `extractImage` of DESIGN.md: image bytes in, text with word boxes and metadata out. The engine
 * owns the tesseract worker pool and a memory of recent images, so a picture posted again (or
 * re-encoded and resized by another platform) is read once.
 */

/** A word read from an image, with its box in the original image's pixels as [x, y, width, height]. */
export interface OcrWord {
  readonly text: string;
  readonly box: [number, number, number, number];
  /** 0–100. */
  readonly confidence: number;
  /** Line number across the whole image, from 0. */
  readonly line: number;
}

export interface ExtractedImage {
  readonly image: string;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly animated: boolean;
  /** 64-bit dHash as 16 hex digits, stored to match re-posts later. */
  readonly hash: string;
  readonly metadata: ImageMetadata;
  /** The text gate: `text` false means no line of text was found and OCR was skipped. */
  readonly gate: { readonly text: boolean; readonly score: number };
  readonly text: string;
  readonly words: readonly OcrWord[];
  /** Set when the same picture was read earlier in this engine's life: the name it was read under. */
  readonly duplicateOf?: string;
  readonly timingsMs: { readonly decode: number; readonly prepare: number; readonly ocr: number };
}

export interface OcrEngineOptions {
  /** Tesseract workers; default: one per core. */
  readonly workers?: number;
  readonly languages?: readonly string[];
  /** Folder with `<lang>.traineddata`; default: the system's tesseract data folder. */
  readonly langPath?: string;
  /** Each worker is replaced after this many images, because a WASM heap never shrinks. */
  readonly recycleAfter?: number;
  readonly limits?: Partial<ImageLimits>;
  /** Preprocessing choices; the defaults won the comparison in docs/benchmarks.md. */
  readonly preparation?: Partial<PreparationOptions>;
  /**
   * Read a sample of each page first, then the page in its own language only (see
   * choose-languages.ts). Off by default: on a feed that mixes languages the workers' switching
   * costs what the narrower reading saves (docs/benchmarks.md).
   */
  readonly chooseLanguage?: boolean;
  /** Page segmentation for the page region (see docs/benchmarks.md for the comparison). */
  readonly segmentation?: PageSegmentation;
  /**
   * Larger images are shrunk to this many pixels before they are read (default 16 MP): a phone's
   * 48 MP original reads no better than its 16 MP reduction, and its buffers would fill the memory
   * budget with a few images in flight. Boxes are still given in the original's pixels.
   */
  readonly maxWorkingPixels?: number;
  /**
   * Sets sharp up for untrusted input, process-wide: no cache, one thread per image, and no image
   * loader but JPEG, PNG, WebP and GIF (default true). Tests that draw their images from SVG turn
   * it off.
   */
  readonly configureSharp?: boolean;
}

export interface OcrEngine {
  readonly workers: number;
  /** Reads one image; throws ImageRejectedError for a file that is not a safe, decodable image. */
  extract(bytes: Uint8Array, image?: string): Promise<ExtractedImage>;
  close(): Promise<void>;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000, timeoutMs: 60_000 };
export const DEFAULT_RECYCLE_AFTER = 200;
const REMEMBERED_IMAGES = 1_000;
const DEFAULT_MAX_WORKING_PIXELS = 16_000_000;
const CHOOSE_LANGUAGE_MIN_LETTERS = 150;
const WORKER_START_TIMEOUT_MS = 60_000;

export async function createOcrEngine(options: OcrEngineOptions = {}): Promise<OcrEngine> {
  if (options.configureSharp ?? true) configureSharp();
  const allLanguages = options.languages ?? DEFAULT_OCR_LANGUAGES;
  const limits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...options.limits };
  const poolOptions = {
    languages: allLanguages,
    langPath: findLanguageData(allLanguages, options.langPath),
    recycleAfter: options.recycleAfter ?? DEFAULT_RECYCLE_AFTER,
    startTimeoutMs: WORKER_START_TIMEOUT_MS,
  };
  const chooseLanguage = options.chooseLanguage ?? false;
  // The detector reads only a few lines per image, in every language, to choose the page's own.
  const [pool, detector] = await Promise.all([
    TesseractPool.start({ ...poolOptions, size: options.workers ?? availableParallelism() }),
    chooseLanguage ? TesseractPool.start({ ...poolOptions, size: 1 }) : undefined,
  ]);
  const segmentation = options.segmentation ?? '11';
  const preparation: PreparationOptions = { ...DEFAULT_PREPARATION, cutLanguageSample: chooseLanguage, ...options.preparation };
  const remembered = new Map<string, Remembered>();

  const maxWorkingPixels = options.maxWorkingPixels ?? DEFAULT_MAX_WORKING_PIXELS;

  const read = async (bytes: Uint8Array, image: string, started: number): Promise<ExtractedImage> => {
    const decoded = await shrink(await decodeImage(bytes, limits, image), maxWorkingPixels);
    const decodedAt = performance.now();
    const fingerprint = {
      hash: await differenceHash(decoded.rgb, decoded.width, decoded.height),
      thumbnail: await pictureThumbnail(decoded.rgb, decoded.width, decoded.height),
    };
    const metadata = readImageMetadata(decoded.exif);
    const base = { image, format: decoded.format, width: decoded.originalWidth, height: decoded.originalHeight, animated: decoded.animated, hash: fingerprint.hash, metadata };

    const earlier = findSame(remembered, fingerprint);
    if (earlier !== undefined) return reuse(earlier.result, base, { decode: decodedAt - started, prepare: 0, ocr: 0 });
    const result = await readText(decoded, base, started, decodedAt);
    remember(remembered, { ...fingerprint, result });
    return result;
  };

  const readText = async (
    decoded: WorkingImage,
    base: Omit<ExtractedImage, 'gate' | 'text' | 'words' | 'duplicateOf' | 'timingsMs'>,
    started: number,
    decodedAt: number,
  ): Promise<ExtractedImage> => {
    const { image } = base;
    const prepared = await prepareImage(decoded.rgb, decoded.width, decoded.height, preparation);
    const preparedAt = performance.now();
    const words: OcrWord[] = [];
    let languages: readonly string[] | undefined;
    for (const region of prepared.regions) {
      // Choosing costs a sample read and maybe a worker's re-initialisation: worth it on a page, not on a caption.
      if (detector !== undefined && region.sample !== undefined && languages === undefined && region.letters >= CHOOSE_LANGUAGE_MIN_LETTERS) {
        const sample = await detector.recognize(region.sample, { segmentation: '6', timeoutMs: limits.timeoutMs, image });
        languages = readingLanguages(allLanguages, primaryLanguage(sample));
      }
      const recognized = await pool.recognize(region.png, {
        segmentation: region.kind === 'page' ? segmentation : '11',
        timeoutMs: limits.timeoutMs,
        image,
        ...(languages === undefined ? {} : { languages }),
      });
      const firstLine = words.length === 0 ? 0 : (words[words.length - 1]?.line ?? 0) + 1;
      for (const word of recognized) {
        if (isNoise(word)) continue;
        words.push({ text: word.text, box: toOriginalPixels(region.toOriginal(word.x0, word.y0, word.x1, word.y1), decoded), confidence: word.confidence, line: firstLine + word.line });
      }
    }
    const fixed = fixScriptLookalikes(words);
    return {
      ...base,
      gate: { text: prepared.hasText, score: prepared.letters },
      text: textOf(fixed),
      words: fixed,
      timingsMs: { decode: decodedAt - started, prepare: preparedAt - decodedAt, ocr: performance.now() - preparedAt },
    };
  };

  return {
    workers: pool.size,
    extract: (bytes, image = 'image') => read(bytes, image, performance.now()),
    close: async () => {
      await Promise.all([pool.close(), detector?.close()]);
    },
  };
}

interface WorkingImage {
  readonly format: ImageFormat;
  readonly rgb: Buffer;
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly animated: boolean;
  readonly exif: Buffer | undefined;
}

async function shrink(decoded: DecodedImage, maxPixels: number): Promise<WorkingImage> {
  const original = { ...decoded, originalWidth: decoded.width, originalHeight: decoded.height };
  if (decoded.width * decoded.height <= maxPixels) return original;
  const ratio = Math.sqrt(maxPixels / (decoded.width * decoded.height));
  const width = Math.max(1, Math.floor(decoded.width * ratio));
  const height = Math.max(1, Math.floor(decoded.height * ratio));
  const rgb = await sharp(decoded.rgb, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { ...original, rgb, width, height };
}

/** A box in the working image's pixels, in the original image's. */
function toOriginalPixels(box: [number, number, number, number], image: WorkingImage): [number, number, number, number] {
  if (image.width === image.originalWidth && image.height === image.originalHeight) return box;
  const sx = image.originalWidth / image.width;
  const sy = image.originalHeight / image.height;
  return [Math.floor(box[0] * sx), Math.floor(box[1] * sy), Math.ceil(box[2] * sx), Math.ceil(box[3] * sy)];
}

interface Remembered extends PictureFingerprint {
  readonly result: ExtractedImage;
}

function findSame(remembered: Map<string, Remembered>, fingerprint: PictureFingerprint): Remembered | undefined {
  const exact = remembered.get(fingerprint.hash);
  if (exact !== undefined && isSamePicture(exact, fingerprint)) return exact;
  for (const seen of remembered.values()) if (isSamePicture(seen, fingerprint)) return seen;
  return undefined;
}

function remember(remembered: Map<string, Remembered>, picture: Remembered): void {
  remembered.delete(picture.hash);
  remembered.set(picture.hash, picture);
  if (remembered.size > REMEMBERED_IMAGES) {
    const oldest = remembered.keys().next();
    if (oldest.done !== true) remembered.delete(oldest.value);
  }
}

/** The earlier reading of the same picture, its boxes scaled to this copy's size. */
function reuse(
  seen: ExtractedImage,
  base: Pick<ExtractedImage, 'image' | 'format' | 'width' | 'height' | 'animated' | 'hash' | 'metadata'>,
  timingsMs: ExtractedImage['timingsMs'],
): ExtractedImage {
  const sx = base.width / seen.width;
  const sy = base.height / seen.height;
  const words = seen.words.map((word) => ({
    ...word,
    box: [Math.round(word.box[0] * sx), Math.round(word.box[1] * sy), Math.round(word.box[2] * sx), Math.round(word.box[3] * sy)] as [number, number, number, number],
  }));
  return { ...base, gate: seen.gate, text: seen.text, words, duplicateOf: seen.image, timingsMs };
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Specks, stamp edges and texture come back from tesseract as short, unsure "words" such as `|`,
 * `=`, `«а`: they carry no evidence, and between real words they break the rules' phrases apart.
 */
function isNoise(word: { readonly text: string; readonly confidence: number }): boolean {
  if (!LETTER_OR_DIGIT.test(word.text)) return true;
  return word.text.length <= 2 && word.confidence < 50;
}

function textOf(words: readonly OcrWord[]): string {
  const lines: string[] = [];
  let current: string[] = [];
  let line = words[0]?.line ?? 0;
  for (const word of words) {
    if (word.line !== line) {
      lines.push(current.join(' '));
      current = [];
      line = word.line;
    }
    current.push(word.text);
  }
  if (current.length > 0) lines.push(current.join(' '));
  return lines.join('\n');
}
