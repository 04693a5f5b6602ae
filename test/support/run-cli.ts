import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';

/** The built CLI, as users run it (`npm run build` makes it; `npm test` builds first). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const REPO_ROOT = path.resolve(path.dirname(CLI_PATH), '../..');

const OUR_VARIABLES = /^(OVERSHARE_|DATABASE_|OCR_|CRAWL_|CHROME_PATH$|LOG_LEVEL$|HOST$|PORT$|NODE_ENV$|READINESS_|SHUTDOWN_|REDIS_|PIPELINE_|SCAN_|SCHEDULER_|SECRET_KEY$|TLS_|PUBLIC_URL$|SESSION_|SINK_)/u;

// V8 compiles the embedded database's WebAssembly twice: at once with its baseline compiler, then
// again, optimised, on background threads. A command that runs for a second or two never gains from
// the second compilation and pays about a second of CPU for it; the CLI's behaviour is the same on
// either tier, so the tests run it on the baseline compiler alone.
const NODE_FLAGS = ['--liftoff-only'];
const TEMPLATE_PREFIX = 'overshare-test-migrated-';

export function assertCliBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` before these tests.`);
}

/** The test process's environment without any overshare setting, plus `extra`. */
function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !OUR_VARIABLES.test(name)));
  return { ...clean, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `overshare ARGS` to completion (killed after `timeoutMs`); `input` is written to its standard input. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI_PATH, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnvironment(options.env ?? {}),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 30_000,
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  const output = collect(child);
  // 'close', not 'exit': only then has all of standard output and error been read.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, ...output() };
}

/** A running `overshare serve`, its URL (read from its start-up line) and a way to stop it. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServe(options: { env?: Record<string, string>; cwd?: string } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI_PATH, 'serve', '--port', '0'], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnvironment(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const exited = once(child, 'close').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 90 s:\n${output().stderr}`)), 90_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/u.exec(output().stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${output().stderr}`));
    });
  });
  return {
    url,
    child,
    output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A long-running `overshare ARGS` (a worker, say) with its output so far, and its exit. */
export interface CliProcess {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI_PATH, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnvironment(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const exited = once(child, 'close').then(([code]) => code as number | null);
  return {
    child,
    output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return () => ({ stdout, stderr });
}

/**
 * Fills `dataDir` (which must not exist yet or be empty) with an embedded database that this build's
 * `overshare migrate` has brought up to date: a copy of a template made once per set of migrations
 * and PGlite version, since creating an embedded database from nothing costs PGlite many seconds.
 * Tests of what happens on an empty data folder must not use it.
 */
export async function copyMigratedDataDir(dataDir: string): Promise<void> {
  await cp(await migratedTemplate(), dataDir, { recursive: true });
}

async function migratedTemplate(): Promise<string> {
  const template = path.join(tmpdir(), `${TEMPLATE_PREFIX}${await templateKey()}`);
  if (existsSync(template)) return template;
  // Two test files may ask at once: one makes the template while the other waits for it.
  const release = await lockfile.lock(tmpdir(), {
    lockfilePath: `${template}.lock`,
    stale: 60_000,
    retries: { retries: 600, minTimeout: 200, maxTimeout: 200 },
  });
  try {
    if (existsSync(template)) return template;
    const building = `${template}.${randomBytes(4).toString('hex')}`;
    const migrated = await runCli(['migrate'], { env: { OVERSHARE_DATA_DIR: building }, timeoutMs: 120_000 });
    if (migrated.code !== 0) {
      await rm(building, { recursive: true, force: true });
      throw new Error(`overshare migrate failed making the test database template (exit ${migrated.code}):\n${migrated.stderr}`);
    }
    // Renamed only when whole: a template that exists is complete.
    await rename(building, template);
    await removeOldTemplates(template);
    return template;
  } finally {
    await release();
  }
}

/** Templates of other builds, an hour old or more: every test run that used them has copied them by then. */
async function removeOldTemplates(current: string): Promise<void> {
  const entries = await readdir(tmpdir(), { withFileTypes: true });
  for (const entry of entries) {
    const folder = path.join(tmpdir(), entry.name);
    if (!entry.isDirectory() || !entry.name.startsWith(TEMPLATE_PREFIX) || folder === current || entry.name.endsWith('.lock')) continue;
    const { mtimeMs } = await stat(folder);
    if (Date.now() - mtimeMs >= 3_600_000) await rm(folder, { recursive: true, force: true });
  }
}

/** Changes with anything that changes what `overshare migrate` leaves behind: the migrations, the migrator, PGlite. */
async function templateKey(): Promise<string> {
  const store = path.join(REPO_ROOT, 'dist/store');
  const migrations = (await readdir(path.join(store, 'migrations'))).filter((name) => name.endsWith('.js')).sort();
  const hash = createHash('sha256');
  for (const file of [...migrations.map((name) => path.join(store, 'migrations', name)), path.join(store, 'migrate-to-latest.js')]) {
    hash.update(file).update(await readFile(file));
  }
  hash.update(await readFile(path.join(REPO_ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  return hash.digest('hex').slice(0, 16);
}
