import { createWorker, OEM, type Page, type Worker } from 'tesseract.js';
import { ConfigError, TransientError } from '../core/errors.js';

/**
 * A fixed set of long-lived tesseract.js workers (one WASM instance each, on its own thread).
 * Starting a worker costs about 0.4 s (core and five languages), so workers are kept; but a WASM
 * heap never shrinks after a huge image, so each is replaced after `recycleAfter` images. A job
 * that outlives its timeout, or a worker thread that dies, costs that worker, never the process.
 */

/** One word as tesseract read it, in the pixels of the image it was given. */
export interface RecognizedWord {
  readonly text: string;
  /** 0–100, tesseract's own word confidence. */
  readonly confidence: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Line number within this recognition, from 0, in reading order. */
  readonly line: number;
}

/** Page segmentation modes we use: 3 fully automatic, 6 one block, 11 sparse text. */
export type PageSegmentation = '3' | '6' | '11';

export interface TesseractPoolOptions {
  readonly size: number;
  /** Tesseract language codes, the first one primary, e.g. ['eng', 'pol', 'rus', 'ukr', 'ell']. */
  readonly languages: readonly string[];
  /** Folder holding `<lang>.traineddata` (see findLanguageData). */
  readonly langPath: string;
  readonly recycleAfter: number;
  /** Starting a worker (core and languages) must finish within this. */
  readonly startTimeoutMs: number;
}

export interface RecognizeOptions {
  readonly segmentation: PageSegmentation;
  readonly timeoutMs: number;
  /** Names the image in errors. */
  readonly image: string;
  /**
   * The languages to read this image in, a subset of the pool's (see choose-languages.ts). A worker
   * holding other languages is re-initialised (about 0.3 s), so workers already holding these are
   * preferred. Default: the pool's languages.
   */
  readonly languages?: readonly string[];
}

/** A recognition did not finish in time; the worker that ran it has been replaced. */
export class RecognitionTimeoutError extends TransientError {
  override readonly code = 'ocr_timeout';
}

interface Slot {
  worker: Worker | undefined;
  starting: Promise<Worker> | undefined;
  imagesRead: number;
  segmentation: PageSegmentation | undefined;
  /** The worker's language order, `+`-joined. */
  languages: string;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (error: Error) => void;
}

export class TesseractPool {
  readonly #options: TesseractPoolOptions;
  readonly #idle: Slot[] = [];
  readonly #waiters: Waiter[] = [];
  #closed = false;

  private constructor(options: TesseractPoolOptions) {
    this.#options = options;
  }

  /** Starts every worker now, so the first images do not pay for it and a bad setup fails at once. */
  static async start(options: TesseractPoolOptions): Promise<TesseractPool> {
    const pool = new TesseractPool(options);
    const slots = await Promise.all(
      Array.from({ length: Math.max(1, options.size) }, async () => {
        const slot: Slot = { worker: undefined, starting: undefined, imagesRead: 0, segmentation: undefined, languages: options.languages.join('+') };
        slot.worker = await pool.#startWorker();
        return slot;
      }),
    );
    pool.#idle.push(...slots);
    return pool;
  }

  get size(): number {
    return Math.max(1, this.#options.size);
  }

  /** Reads one encoded image (PNG, JPEG, PNM…) and returns its words in reading order. */
  async recognize(image: Uint8Array, options: RecognizeOptions): Promise<RecognizedWord[]> {
    const languages = (options.languages ?? this.#options.languages).join('+');
    const slot = await this.#acquire(languages);
    try {
      const worker = await this.#workerOf(slot);
      const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
      if (languages !== slot.languages) {
        await this.#withTimeout(slot, worker, options, worker.reinitialize(languages, OEM.LSTM_ONLY));
        slot.languages = languages;
        slot.segmentation = undefined;
        await worker.setParameters(QUIET);
      }
      if (slot.segmentation !== options.segmentation) {
        await worker.setParameters({ tessedit_pageseg_mode: options.segmentation as never });
        slot.segmentation = options.segmentation;
      }
      slot.imagesRead += 1;
      const page = await this.#withTimeout(slot, worker, options, worker.recognize(bytes, {}, { text: false, blocks: true }));
      return wordsOf(page.data);
    } finally {
      if (slot.imagesRead >= this.#options.recycleAfter) this.#retire(slot);
      this.#release(slot);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new TransientError('the OCR pool was closed before this image was read'));
    const slots = this.#idle.splice(0);
    await Promise.all(slots.map(async (slot) => (await slot.starting?.catch(() => undefined))?.terminate() ?? slot.worker?.terminate()));
  }

  async #withTimeout<T>(slot: Slot, worker: Worker, options: RecognizeOptions, job: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onExit: (() => void) | undefined;
    const thread = (worker as unknown as { worker?: { once?: (event: string, listener: () => void) => void; off?: (event: string, listener: () => void) => void } }).worker;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#retire(slot);
        reject(new RecognitionTimeoutError(`${options.image}: OCR took longer than ${String(options.timeoutMs)} ms and was stopped; raise OCR_IMAGE_TIMEOUT_MS if such images are expected.`));
      }, options.timeoutMs);
      onExit = () => {
        this.#retire(slot);
        reject(new TransientError(`${options.image}: the OCR worker stopped while reading this image; it has been replaced, try again.`));
      };
      thread?.once?.('exit', onExit);
    });
    try {
      return await Promise.race([job, failure]);
    } catch (error) {
      if (error instanceof Error) throw error;
      // tesseract.js rejects with its worker's message string.
      throw new TransientError(`${options.image}: OCR failed: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
      if (onExit !== undefined) thread?.off?.('exit', onExit);
    }
  }

  /** Drops a slot's worker (terminated in the background) and starts its replacement at once. */
  #retire(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = undefined;
    slot.imagesRead = 0;
    slot.segmentation = undefined;
    slot.languages = this.#options.languages.join('+');
    if (worker !== undefined) void worker.terminate().catch(() => undefined);
    if (!this.#closed && slot.starting === undefined) {
      slot.starting = this.#startWorker();
      // A failed start is reported to the job that next uses this slot.
      slot.starting.catch(() => undefined);
    }
  }

  async #workerOf(slot: Slot): Promise<Worker> {
    if (slot.worker !== undefined) return slot.worker;
    slot.starting ??= this.#startWorker();
    try {
      const worker = await slot.starting;
      slot.worker = worker;
      return worker;
    } finally {
      slot.starting = undefined;
    }
  }

  async #startWorker(): Promise<Worker> {
    const { languages, langPath, startTimeoutMs } = this.#options;
    let startError: unknown;
    const starting = createWorker([...languages], OEM.LSTM_ONLY, {
      langPath,
      gzip: false,
      // Without this tesseract.js copies every traineddata into the working directory.
      cacheMethod: 'none',
      // Without a handler a failed load throws inside the worker and takes the process down.
      errorHandler: (error: unknown) => {
        startError = error;
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new ConfigError(
            `tesseract did not start within ${String(startTimeoutMs)} ms loading ${languages.join('+')} from ${langPath}${startError === undefined ? '' : ` (${describe(startError)})`}: check that the .traineddata files there are tesseract 4/5 LSTM models.`,
          ),
        );
      }, startTimeoutMs);
    });
    try {
      const worker = await Promise.race([starting, timeout]);
      await worker.setParameters(QUIET);
      return worker;
    } catch (error) {
      void starting.then((worker) => worker.terminate()).catch(() => undefined);
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`tesseract could not load ${languages.join('+')} from ${langPath}: ${describe(error)}. Check OCR_LANG_PATH and OCR_LANGUAGES.`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** An idle slot, one already holding `languages` if there is one. */
  async #acquire(languages: string): Promise<Slot> {
    if (this.#closed) throw new TransientError('the OCR pool is closed');
    const matching = this.#idle.findIndex((slot) => slot.languages === languages);
    const [slot] = this.#idle.splice(matching === -1 ? this.#idle.length - 1 : matching, 1);
    if (slot !== undefined) return slot;
    return new Promise<Slot>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #release(slot: Slot): void {
    if (this.#closed) {
      void slot.worker?.terminate().catch(() => undefined);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#idle.push(slot);
    else waiter.resolve(slot);
  }
}

// Tesseract prints resolution guesses and diagnostics on stdout, where `analyze` writes JSON: a
// fixed resolution stops the guessing, and the diagnostics go nowhere. Light-on-dark text is
// inverted before tesseract sees it, so its own second, inverted reading of doubtful lines is off.
const QUIET = { user_defined_dpi: '300', debug_file: '/dev/null', tessedit_do_invert: '0' };

/** tesseract.js reports failures as strings or as objects; either way, something readable. */
function describe(failure: unknown): string {
  return typeof failure === 'string' ? failure : failure instanceof Error ? failure.message : JSON.stringify(failure);
}

function wordsOf(page: Page): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  let line = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const textLine of paragraph.lines) {
        for (const word of textLine.words) {
          const text = word.text.trim();
          if (text === '') continue;
          const { x0, y0, x1, y1 } = word.bbox;
          words.push({ text, confidence: word.confidence, x0, y0, x1, y1, line });
        }
        line += 1;
      }
    }
  }
  return words;
}
