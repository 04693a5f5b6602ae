import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../core/errors.js';

const run = promisify(execFile);

/** One word as an OCR engine read it: the shape `rules/` takes as an image's `words`. */
export interface ReadWord {
  readonly text: string;
  /** [x, y, width, height] in image pixels. */
  readonly box: [number, number, number, number];
  /** 0–100. */
  readonly confidence: number;
  /** Words with the same line number were read as one line. */
  readonly line: number;
}

/** What one engine read in one image. */
export interface ImageReading {
  readonly id: string;
  readonly words: readonly ReadWord[];
  /** Set when the engine failed on this image (the words are then empty). */
  readonly error?: string;
}

export interface NativeOptions {
  /** `+`-joined tessdata names; default the five languages overshare reads. */
  readonly languages?: string;
  /** Page segmentation mode; undefined keeps tesseract's default (3, automatic). */
  readonly psm?: number;
  /** Processes at once; default one per core. */
  readonly parallel?: number;
}

/** The languages overshare must read, as tesseract names them. */
export const NATIVE_LANGUAGES = 'eng+pol+rus+ukr+ell';
const INSTALL_HINT = 'apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-ukr tesseract-ocr-pol tesseract-ocr-ell';

/**
 * Checks that the `tesseract` CLI and the requested languages are installed, and returns its
 * version line. Throws ConfigError naming the apt packages when not.
 */
export async function checkNativeTesseract(languages = NATIVE_LANGUAGES): Promise<string> {
  let version: string;
  let listed: string;
  try {
    const versionRun = await run('tesseract', ['--version']);
    version = `${versionRun.stdout}${versionRun.stderr}`.split('\n')[0]?.trim() ?? 'tesseract';
    const listRun = await run('tesseract', ['--list-langs']);
    listed = `${listRun.stdout}${listRun.stderr}`;
  } catch (error) {
    throw new ConfigError(`the native tesseract CLI is not installed or does not run (${INSTALL_HINT})`, { cause: error });
  }
  const installed = new Set(listed.split('\n').map((line) => line.trim()));
  const missing = languages.split('+').filter((language) => !installed.has(language));
  if (missing.length > 0) throw new ConfigError(`tesseract lacks language data ${missing.join(', ')} (${INSTALL_HINT})`);
  return version;
}

/**
 * Runs the native `tesseract` CLI once per image, `parallel` processes at a time, each limited to
 * one OpenMP thread (OMP_THREAD_LIMIT=1: one process per core is faster than threads inside one),
 * and parses its TSV output into words. Images are written to a temporary folder first; the
 * returned `wallMs` covers the recognition only, process start and model loading included, as a
 * deployment calling the CLI per image would pay them; `cpuMs` is the CPU time the processes
 * used (Linux only), which other load on the machine does not inflate.
 */
export async function runNativeTesseract(
  images: readonly { readonly id: string; readonly bytes: Buffer; readonly format: 'jpeg' | 'png' }[],
  options: NativeOptions = {},
): Promise<{ readings: ImageReading[]; wallMs: number; cpuMs: number | undefined }> {
  const folder = await mkdtemp(join(tmpdir(), 'overshare-ocr-native-'));
  try {
    const files = await Promise.all(
      images.map(async (image, index) => {
        const file = join(folder, `${String(index).padStart(5, '0')}.${image.format === 'png' ? 'png' : 'jpg'}`);
        await writeFile(file, image.bytes);
        return file;
      }),
    );
    const args = ['-l', options.languages ?? NATIVE_LANGUAGES, ...(options.psm === undefined ? [] : ['--psm', String(options.psm)]), 'tsv'];
    const readings: ImageReading[] = new Array<ImageReading>(images.length);
    let next = 0;
    const worker = async () => {
      while (next < images.length) {
        const index = next;
        next += 1;
        const image = images[index]!;
        try {
          const { stdout } = await run('tesseract', [files[index]!, 'stdout', ...args], {
            // The bench is the one place that sets a child's environment; overshare itself reads config.
            env: { ...process.env, OMP_THREAD_LIMIT: '1' },
            maxBuffer: 64 * 1024 * 1024,
          });
          readings[index] = { id: image.id, words: parseTesseractTsv(stdout) };
        } catch (error) {
          readings[index] = { id: image.id, words: [], error: error instanceof Error ? error.message.split('\n')[0] ?? 'failed' : String(error) };
        }
      }
    };
    const started = performance.now();
    const cpuBefore = childrenCpuMs();
    await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? availableParallelism()) }, worker));
    const cpuAfter = childrenCpuMs();
    return { readings, wallMs: performance.now() - started, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Parses tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height,
 * conf, text) into words; lines are numbered 0, 1, 2… in reading order across blocks.
 */
export function parseTesseractTsv(tsv: string): ReadWord[] {
  const words: ReadWord[] = [];
  const lineNumbers = new Map<string, number>();
  for (const row of tsv.split('\n').slice(1)) {
    const cells = row.split('\t');
    if (cells.length < 12 || cells[0] !== '5') continue;
    const text = cells.slice(11).join('\t').trim();
    if (text === '') continue;
    const key = cells.slice(1, 5).join('.');
    let line = lineNumbers.get(key);
    if (line === undefined) {
      line = lineNumbers.size;
      lineNumbers.set(key, line);
    }
    const [left, top, width, height] = cells.slice(6, 10).map(Number) as [number, number, number, number];
    words.push({ text, box: [left, top, width, height], confidence: Math.max(0, Number(cells[10])), line });
  }
  return words;
}

/**
 * CPU time (user + system, ms) of this process's exited and reaped children, from
 * /proc/self/stat (cutime, cstime, in USER_HZ = 100 ticks a second); undefined off Linux.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; cutime is 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}
