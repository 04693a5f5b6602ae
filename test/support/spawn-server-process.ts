import { spawn } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server run as our child, with its recent output kept for error messages. */
export interface ServerProcess {
  /** The last 4,000 characters it wrote to stdout and stderr. */
  output(): string;
  /** True once it has exited, or failed to start at all. */
  hasExited(): boolean;
  /** Why it could not be started (e.g. ENOENT), if that is why it is gone. */
  spawnError(): Error | undefined;
  /** Sends `signal` unless it has exited and resolves once it has; SIGKILL if it lingers `killAfterMs` (default 15_000). */
  stop(signal: NodeJS.Signals, killAfterMs?: number): Promise<void>;
}

/** What to run, as whom, and who reaps it if the test process dies first. */
export interface SpawnServerOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (the caller must be root); default: the current user. */
  uid?: number;
  gid?: number;
  guard: OrphanGuard;
  /** The signal the guard sends if the test process dies while this server runs. */
  orphanSignal: NodeJS.Signals;
}

/** Spawns a server (not daemonized) and registers it with the guard; does not wait for it to be ready. */
export function spawnServerProcess(options: SpawnServerOptions): ServerProcess {
  const { command, args, cwd, env, uid, gid, guard, orphanSignal } = options;
  const child = spawn(command, args, { cwd, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  // An object, not two lets: the child's events set these, which flow analysis cannot see.
  const state: { hasExited: boolean; spawnError?: Error } = { hasExited: false };
  const exited = new Promise<void>((resolve) => {
    const onGone = (): void => {
      state.hasExited = true;
      // Cleared at once, so the guard never signals a pid the OS has handed to someone else.
      guard.forget();
      resolve();
    };
    child.once('exit', onGone);
    // A binary that cannot be run emits 'error' and maybe no 'exit'.
    child.once('error', (error) => {
      state.spawnError = error;
      onGone();
    });
  });
  if (child.pid !== undefined) guard.watch(child.pid, orphanSignal);

  return {
    output: () => output,
    hasExited: () => state.hasExited,
    spawnError: () => state.spawnError,
    async stop(signal, killAfterMs = 15_000) {
      if (state.hasExited) return;
      child.kill(signal);
      const hasStopped = await Promise.race([exited.then(() => true), sleep(killAfterMs, false, { ref: false })]);
      if (!hasStopped) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A detached watchdog for one private server: if the test process dies without dispose() (a
 * SIGKILLed or timed-out vitest worker runs no exit handlers), it signals the server still running
 * and removes the server's folder. It notices through its stdin, which closes when we die.
 */
export interface OrphanGuard {
  /** Server `pid` is running now; send it `signal` if we die. */
  watch(pid: number, signal: NodeJS.Signals): void;
  /** No server is running now. */
  forget(): void;
  /** Ends the watchdog without touching anything (after a clean dispose). */
  release(): void;
}

const WATCHDOG_SCRIPT = `
const fs = require('node:fs');
const folder = process.argv[1];
let target;
let pending = '';
// Detached from the terminal's process group already; ignore a hang-up or ^C all the same.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    const [pid, signal] = line.split(' ');
    target = pid === '-' ? undefined : { pid: Number(pid), signal };
  }
});
const isAlive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const reap = () => {
  if (target) { try { process.kill(target.pid, target.signal); } catch {} }
  const deadline = Date.now() + 15000;
  const finish = () => {
    if (target && isAlive(target.pid)) {
      if (Date.now() < deadline) return setTimeout(finish, 100);
      try { process.kill(target.pid, 'SIGKILL'); } catch {}
    }
    fs.rmSync(folder, { recursive: true, force: true });
    process.exit(0);
  };
  finish();
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

/** Starts the watchdog that removes `folder` (and stops the server it is told about) if we die first. */
export function startOrphanGuard(folder: string): OrphanGuard {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, folder], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.on('error', () => undefined);
  watchdog.stdin.on('error', () => undefined);
  // Neither the watchdog nor its pipe may keep the test process alive.
  watchdog.unref();
  if (watchdog.stdin instanceof net.Socket) watchdog.stdin.unref();
  return {
    watch: (pid, signal) => watchdog.stdin.write(`${pid} ${signal}\n`),
    forget: () => watchdog.stdin.write('-\n'),
    release: () => watchdog.kill('SIGKILL'),
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it). */
export async function freeLocalPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('the OS gave no TCP port for 127.0.0.1');
  return address.port;
}
