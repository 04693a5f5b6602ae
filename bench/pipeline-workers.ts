import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { assertCliBuilt, spawnCli, type CliProcess } from '../test/support/run-cli.js';

/**
 * `overshare worker` processes of the built CLI for the pipeline benchmark's distributed mode,
 * with their memory read from /proc, and the removal of a benchmark's BullMQ keys afterwards.
 */
export interface PipelineWorkers {
  readonly pids: readonly number[];
  /** Stops every worker with SIGTERM (running jobs finish first) and waits for them to exit. */
  stop(): Promise<void>;
}

const READY_LINE = 'overshare worker is taking jobs';
const READY_TIMEOUT_MS = 60_000;

/** Starts `count` workers with `env` (on top of a clean environment) and waits until each takes jobs. */
export async function startPipelineWorkers(count: number, env: Record<string, string>): Promise<PipelineWorkers> {
  assertCliBuilt();
  const workers: CliProcess[] = Array.from({ length: count }, () => spawnCli(['worker'], { env }));
  const stop = async (): Promise<void> => {
    await Promise.all(workers.map((worker) => worker.stop('SIGTERM')));
  };
  try {
    await Promise.all(workers.map((worker) => waitUntilReady(worker)));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    throw error;
  }
  return { pids: workers.map((worker) => worker.child.pid ?? 0), stop };
}

async function waitUntilReady(worker: CliProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const { stdout, stderr } = worker.output();
    if (stdout.includes(READY_LINE)) return;
    if (worker.child.exitCode !== null || worker.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`an overshare worker did not start (exit ${String(worker.child.exitCode)}); its output:\n${stdout}${stderr}`);
    }
    await sleep(100);
  }
}

/** A /proc/<pid>/status field in MiB (VmRSS now, VmHWM the peak so far); 0 once the process is gone. */
export function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'latin1');
    return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'mu').exec(status)?.[1] ?? '0') / 1_024;
  } catch {
    return 0;
  }
}

/** CPU seconds (user and system, every thread) a process has used so far, from /proc/<pid>/stat; 0 once it is gone. */
export function procCpuS(pid: number): number {
  try {
    // The command name in parentheses may hold spaces: count the fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; clock ticks of 1/100 s on Linux.
    return (Number(fields[11] ?? '0') + Number(fields[12] ?? '0')) / 100;
  } catch {
    return 0;
  }
}

/**
 * Deletes every key under `prefix:` with redis-cli, so a benchmark leaves nothing behind in a shared
 * Redis (BullMQ is imported only under pipeline/, and the queue keeps its meta and event keys).
 */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const run = promisify(execFile);
  const { stdout } = await run('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}:*`], { maxBuffer: 64 * 2 ** 20 });
  const keys = stdout.split('\n').filter((key) => key !== '');
  for (let start = 0; start < keys.length; start += 500) {
    await run('redis-cli', ['-u', redisUrl, 'DEL', ...keys.slice(start, start + 500)]);
  }
  return keys.length;
}
