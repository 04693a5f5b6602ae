import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, as users run it (`npm run build` makes it; `npm test` builds first). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const REPO_ROOT = path.resolve(path.dirname(CLI_PATH), '../..');

const OUR_VARIABLES = /^(OVERSHARE_|DATABASE_|OCR_|CRAWL_|CHROME_PATH$|LOG_LEVEL$|HOST$|PORT$|NODE_ENV$|READINESS_|SHUTDOWN_|REDIS_|PIPELINE_|SCAN_|SCHEDULER_|SECRET_KEY$|TLS_|PUBLIC_URL$|SESSION_|SINK_)/u;

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
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
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
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0'], {
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
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
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
