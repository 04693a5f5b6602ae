import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** One timed command of the CLI start benchmark. */
export interface CliStartRow {
  command: string;
  medianMs: number;
  minMs: number;
}

/**
 * How long `overshare` takes from process start to exit, as a user's shell sees it: help, an
 * argument error, and a command that opens the embedded database (migrated once beforehand, so
 * the runs measure opening, not migrating). Each command `runs` times; the built CLI
 * (`npm run build`) is measured, with the environment's overshare variables removed.
 */
export async function runCliStart(runs: number): Promise<CliStartRow[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  const folder = await mkdtemp(path.join(tmpdir(), 'overshare-cli-start-'));
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? folder, OVERSHARE_DATA_DIR: path.join(folder, 'data'), LOG_LEVEL: 'warn' };
  const run = (args: readonly string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (result.error) throw result.error;
    return { elapsed, status: result.status };
  };
  try {
    if (run(['migrate']).status !== 0) throw new Error('overshare migrate failed: the database command cannot be measured');
    const commands: Array<{ command: string; args: string[]; status: number }> = [
      { command: 'overshare --help', args: ['--help'], status: 0 },
      { command: 'overshare scan --bogus (usage error)', args: ['scan', '--bogus'], status: 2 },
      { command: 'overshare users list (embedded database)', args: ['users', 'list'], status: 0 },
    ];
    const rows: CliStartRow[] = [];
    for (const { command, args, status } of commands) {
      const times: number[] = [];
      for (let index = 0; index < runs; index += 1) {
        const result = run(args);
        if (result.status !== status) throw new Error(`${command} exited ${String(result.status)}, expected ${String(status)}`);
        times.push(result.elapsed);
      }
      rows.push({ command, medianMs: median(times), minMs: Math.min(...times) });
    }
    return rows;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The benchmark's Markdown table for docs/benchmarks.md. */
export function cliStartMarkdown(rows: readonly CliStartRow[], runs: number): string {
  const lines = [`## CLI start (${String(runs)} runs each, built CLI)`, '', '| command | median | fastest |', '|---|---:|---:|'];
  for (const row of rows) lines.push(`| ${row.command} | ${(row.medianMs / 1000).toFixed(2)} s | ${(row.minMs / 1000).toFixed(2)} s |`);
  return `${lines.join('\n')}\n`;
}
