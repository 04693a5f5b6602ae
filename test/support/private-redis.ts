import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../core/errors.js';
import { freeLocalPort, spawnServerProcess, startOrphanGuard, type OrphanGuard, type ServerProcess } from './spawn-server-process.js';

/**
 * A redis-server of our own on 127.0.0.1, for tests that crash and restart Redis without
 * touching the shared one on :6379. It keeps nothing on disk: every restart starts empty.
 */
export interface PrivateRedis {
  /** The TCP port, the same for the life of this instance (kept across stop/start). */
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Kills the server with SIGKILL, as a crash would; resolves once it has exited. No-op when stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. No-op when running. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops the server for good and removes its working folder. */
  dispose(): Promise<void>;
}

/** Where to look for the binary, and how long to wait for it. */
export interface PrivateRedisOptions {
  /** Folders searched for `redis-server`, in order; default: PATH, then /usr/bin and /usr/sbin. */
  searchDirs?: readonly string[];
  /** How long a start may take before it fails, in ms; default 10_000. */
  readyTimeoutMs?: number;
}

const PORT_ATTEMPTS = 5;

/** Starts a private, non-persistent redis-server on a free port; resolves once it answers PING. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const binary = await findRedisServer(options.searchDirs ?? defaultSearchDirs());
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const workDir = await mkdtemp(path.join(tmpdir(), 'overshare-redis-'));
  const guard = startOrphanGuard(workDir);
  const launch = (port: number): Promise<ServerProcess> => launchRedis({ binary, port, workDir, guard, readyTimeoutMs });
  let server: ServerProcess | undefined;
  let port = 0;
  try {
    // The free port we were given can be taken before redis-server binds it: pick another.
    for (let attempt = 1; server === undefined; attempt += 1) {
      port = await freeLocalPort();
      try {
        server = await launch(port);
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    guard.release();
    throw error;
  }

  let running: ServerProcess | undefined = server;
  const stop = async (): Promise<void> => {
    const current = running;
    running = undefined;
    await current?.stop('SIGKILL');
  };
  const start = async (): Promise<void> => {
    running ??= await launch(port);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      await rm(workDir, { recursive: true, force: true });
      guard.release();
    },
  };
}

/** redis-server could not bind its port because something else holds it. */
class PortTakenError extends Error {}

interface LaunchOptions {
  binary: string;
  port: number;
  workDir: string;
  guard: OrphanGuard;
  readyTimeoutMs: number;
}

async function launchRedis({ binary, port, workDir, guard, readyTimeoutMs }: LaunchOptions): Promise<ServerProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir];
  const server = spawnServerProcess({ command: binary, args, cwd: workDir, guard, orphanSignal: 'SIGKILL' });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (await answersPing(port)) return server;
    if (server.hasExited()) {
      if (server.output().includes('Address already in use')) {
        throw new PortTakenError(`redis-server could not bind 127.0.0.1:${port}: another process holds that port`);
      }
      throw new Error(`${binary} exited before it answered on 127.0.0.1:${port}; its output:\n${server.output()}`, { cause: server.spawnError() });
    }
    if (Date.now() > deadline) {
      await server.stop('SIGKILL');
      throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within ${readyTimeoutMs} ms; its output:\n${server.output()}`);
    }
    await sleep(25);
  }
}

/** True when a RESP PING on 127.0.0.1:port gets +PONG back within a second. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (isPong: boolean): void => {
      socket.destroy();
      resolve(isPong);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

function defaultSearchDirs(): string[] {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return [...pathDirs, '/usr/bin', '/usr/sbin'];
}

async function findRedisServer(searchDirs: readonly string[]): Promise<string> {
  for (const dir of searchDirs) {
    const candidate = path.join(dir, 'redis-server');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  throw new ConfigError(
    `redis-server was not found in ${searchDirs.join(', ')}: the fault tests run a private Redis of their own. ` +
      'Install it with `apt-get install redis-server` and run the tests again.',
  );
}
