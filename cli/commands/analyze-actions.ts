import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../core/config.js';
import { ACCOUNT_KINDS, type AccountKind } from '../../core/policy-schema.js';
import { analyzePost, type PostAnalysis } from '../../rules/analyze-post.js';
import type { PostInput } from '../../rules/build-segments.js';
import type { RuleSet } from '../../rules/compile-rule-set.js';
import { analyzeImage, type ImageOutputLine } from '../analyze-image.js';
import type { OcrEngine } from '../configured-ocr-engine.js';
import { loadRuleSet } from '../load-rule-set.js';
import { ProgressLine } from '../progress-line.js';

const TEXT_EXTENSIONS = new Set(['.txt', '.md']);
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);
const MAX_INPUT_BYTES = 20 * 1024 * 1024;

const ocrWord = z.object({
  text: z.string(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  confidence: z.number().min(0).max(100),
  line: z.number().int().optional(),
});
/**
 * A post dump: one post or a list of posts; fields other tools add are ignored. `accountKind`
 * (corporate or employee) limits the rules to those for that kind of account, as a scan does; without
 * it (and for .txt and .md files) every rule runs, the corporate-only takeover scams included.
 */
const postDump = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  text: z.string().optional(),
  account: z.string().optional(),
  accountKind: z.enum(ACCOUNT_KINDS).optional(),
  images: z
    .array(
      z.object({
        text: z.string().optional(),
        words: z.array(ocrWord).optional(),
        gps: z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]).optional(),
      }),
    )
    .optional(),
});

/** One line of output: an analysis, or the reason an input could not be analyzed. */
type OutputLine =
  | ({ input: string; kind: 'text' } & Omit<PostAnalysis, 'matchedRules'> & {
      text: string;
      metadata: { gps?: readonly [number, number] };
      timingsMs: { rules: number };
    })
  | ImageOutputLine
  | { input: string; kind: 'text' | 'image' | 'unknown'; error: string };

/** The options of `analyze`, as commander parses them. */
export interface AnalyzeOptions {
  policy?: string;
  format: 'json' | 'table';
  concurrency?: number;
}

/** `analyze PATH...`: one JSON line (or table row) per input, in input order; exit code 1 when any input could not be analyzed. */
export async function analyzeFiles(paths: readonly string[], options: AnalyzeOptions): Promise<void> {
  const { ruleSet } = await loadRuleSet(options.policy);
  const files = await expandPaths(paths);
  // The OCR pool costs a second to start, and loading it (sharp, tesseract.js) a good part of one: only when there is an image to read.
  const engine = files.some((file) => IMAGE_EXTENSIONS.has(extension(file)))
    ? await (await import('../configured-ocr-engine.js')).createConfiguredOcrEngine(loadConfig())
    : undefined;
  try {
    const failed = await analyzeAll(ruleSet, engine, files, options);
    if (failed > 0) process.exitCode = 1;
  } finally {
    await engine?.close();
  }
}

/** Runs up to `concurrency` inputs at once and prints their lines in input order as they complete. */
async function analyzeAll(ruleSet: RuleSet, engine: OcrEngine | undefined, files: readonly string[], options: AnalyzeOptions): Promise<number> {
  const concurrency = options.concurrency ?? (engine === undefined ? 1 : engine.workers * 2);
  const progress = new ProgressLine(files.length);
  const pending = new Map<number, Promise<OutputLine[]>>();
  let failed = 0;
  let next = 0;
  const start = (index: number) => {
    const file = files[index];
    if (file !== undefined) pending.set(index, analyzeFile(ruleSet, engine, file));
  };
  for (; next < Math.min(concurrency, files.length); next += 1) start(next);
  for (let index = 0; index < files.length; index += 1) {
    const lines = (await pending.get(index)) ?? [];
    pending.delete(index);
    start(next);
    next += 1;
    for (const line of lines) {
      if ('error' in line) {
        failed += 1;
        progress.clear();
        console.error(`overshare: ${line.input}: ${line.error}`);
      }
      console.log(options.format === 'json' ? JSON.stringify(line) : formatTable(line));
    }
    progress.advance(lines.some((line) => 'leak' in line && line.leak), lines.some((line) => 'error' in line));
  }
  progress.finish();
  return failed;
}

/** Files named on the command line, with folders expanded (sorted, so output order is stable). */
async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    const info = await stat(entry).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const names = await readdir(entry, { recursive: true });
      files.push(
        ...names
          .filter((name) => TEXT_EXTENSIONS.has(extension(name)) || IMAGE_EXTENSIONS.has(extension(name)) || extension(name) === '.json')
          .sort()
          .map((name) => path.join(entry, name)),
      );
    } else files.push(entry);
  }
  return files;
}

async function analyzeFile(ruleSet: RuleSet, engine: OcrEngine | undefined, file: string): Promise<OutputLine[]> {
  const type = extension(file);
  const info = await stat(file).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (info instanceof Error) {
    return [{ input: file, kind: 'unknown', error: `cannot be read (${info.code ?? 'error'}): check the path` }];
  }
  if (IMAGE_EXTENSIONS.has(type) && engine !== undefined) {
    if (!info.isFile()) return [{ input: file, kind: 'image', error: 'is not a file' }];
    return [await analyzeImage(ruleSet, engine, file)];
  }
  if (!TEXT_EXTENSIONS.has(type) && type !== '.json') {
    return [{ input: file, kind: 'unknown', error: `unsupported file type "${type || '(none)'}": use .txt, .md or .json` }];
  }
  let content: string;
  try {
    if (!info.isFile()) return [{ input: file, kind: 'text', error: 'is not a file' }];
    if (info.size > MAX_INPUT_BYTES) return [{ input: file, kind: 'text', error: `is larger than ${String(MAX_INPUT_BYTES / 1024 / 1024)} MiB` }];
    content = await readFile(file, 'utf8');
  } catch (error) {
    return [{ input: file, kind: 'text', error: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` }];
  }
  if (type !== '.json') return [analyzeOne(ruleSet, file, { text: content }, undefined)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    // Not V8's message: it quotes the text around the fault, which may be a secret.
    return [{ input: file, kind: 'text', error: 'is not valid JSON; check it with a JSON validator' }];
  }
  const dump = (Array.isArray(parsed) ? z.array(postDump) : postDump).safeParse(parsed);
  if (!dump.success) {
    const issue = dump.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    return [{ input: file, kind: 'text', error: `is not a post dump ({"text": …, "images": [{"words": …}]} or a list of them): ${where}: ${issue?.message ?? ''}` }];
  }
  const posts = Array.isArray(dump.data) ? dump.data : [dump.data];
  return posts.map(({ accountKind, ...post }, index) =>
    analyzeOne(ruleSet, Array.isArray(dump.data) ? `${file}#${post.id === undefined ? String(index) : String(post.id)}` : file, post, accountKind),
  );
}

function analyzeOne(ruleSet: RuleSet, input: string, post: PostInput, accountKind: AccountKind | undefined): OutputLine {
  const started = performance.now();
  const { score, leak, findings, suppressed } = analyzePost(ruleSet, post, accountKind === undefined ? {} : { accountKind });
  const rulesMs = Math.round((performance.now() - started) * 100) / 100;
  const text = [post.text, ...(post.images ?? []).map((image) => image.text ?? image.words?.map((word) => word.text).join(' '))]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('\n\n');
  const gps = post.images?.find((image) => image.gps !== undefined)?.gps;
  const metadata = gps === undefined ? {} : { gps };
  return { input, kind: 'text', leak, score, findings, suppressed, text, metadata, timingsMs: { rules: rulesMs } };
}

function formatTable(line: OutputLine): string {
  if ('error' in line) return `${line.input}  ERROR  ${line.error}`;
  if (line.kind === 'image' && !line.metadata.hasText) return `${line.input}  clean  no text found`;
  const head = `${line.input}  ${line.leak ? 'LEAK' : 'clean'}  score ${String(line.score)}`;
  const rows = line.findings.map((finding) => {
    const box = finding.evidence.box === undefined ? '' : ` box ${finding.evidence.box.join(',')}`;
    const where = finding.evidence.source === 'exif' ? 'exif' : `${finding.evidence.source} ${String(finding.evidence.start)}-${String(finding.evidence.end)}${box}`;
    return `  ${String(finding.score).padStart(3)}  ${finding.severity.padEnd(8)} ${finding.ruleId}  ${JSON.stringify(finding.evidence.text)}  (${where})\n       ${finding.explain}`;
  });
  return [head, ...rows].join('\n');
}

function extension(file: string): string {
  return path.extname(file).toLowerCase();
}
