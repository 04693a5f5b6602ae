import { execFile } from 'node:child_process';
import { access, chown, constants, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { ConfigError } from '../../core/errors.js';
import { freeLocalPort, spawnServerProcess, startOrphanGuard, type OrphanGuard, type ServerProcess } from './spawn-server-process.js';

/**
 * A PostgreSQL server of our own on 127.0.0.1 (trust auth, user postgres), for tests that stop and
 * restart the database without touching the shared one on :5432. Data survives stop/start.
 */
export interface PrivatePostgres {
  /** The TCP port, the same for the life of this instance (kept across stop/start). */
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string;
  /** The cluster's data folder; removed by dispose(). */
  readonly dataDir: string;
  /**
   * Stops the server; resolves once it has exited. `immediate` (default) is crash-like: no
   * checkpoint, recovery from WAL on the next start; `fast` rolls back sessions and checkpoints.
   * Clients are cut off in both modes. No-op when stopped.
   */
  stop(options?: { mode?: PostgresStopMode }): Promise<void>;
  /** Starts it again on the same port; resolves once `select 1` works. No-op when running. */
  start(): Promise<void>;
  /** stop(options) then start(). */
  restart(options?: { mode?: PostgresStopMode }): Promise<void>;
  /** Stops the server (immediate) and removes the data folder. */
  dispose(): Promise<void>;
}

/** How PostgreSQL is shut down: `immediate` is SIGQUIT, `fast` is SIGINT. */
export type PostgresStopMode = 'immediate' | 'fast';

/** Where the server binaries are, and how long to wait for a start. */
export interface PrivatePostgresOptions {
  /** Folder holding one `<version>/bin` per installed version, the highest is used; default /usr/lib/postgresql (Debian). */
  installRoot?: string;
  /** How long a start may take before it fails, in ms; default 20_000. */
  readyTimeoutMs?: number;
}

const execFileAsync = promisify(execFile);
const PORT_ATTEMPTS = 5;
const STOP_SIGNALS = { immediate: 'SIGQUIT', fast: 'SIGINT' } as const;

/**
 * Creates a fresh cluster in a temp folder (initdb) and starts it on a free port; resolves once
 * `select 1` works. As root, both run as the `postgres` user, because PostgreSQL refuses root.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const binDir = await findServerBinaries(options.installRoot ?? '/usr/lib/postgresql');
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const owner = await clusterOwner();
  const baseDir = await mkdtemp(path.join(tmpdir(), 'overshare-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const guard = startOrphanGuard(baseDir);
  const launch = (port: number): Promise<ServerProcess> => launchPostgres({ binDir, dataDir, port, owner, guard, readyTimeoutMs });
  let server: ServerProcess | undefined;
  let port = 0;
  try {
    if (owner !== undefined) await chown(baseDir, owner.uid, owner.gid);
    await initCluster(binDir, dataDir, baseDir, owner);
    // The free port we were given can be taken before postgres binds it: pick another.
    for (let attempt = 1; server === undefined; attempt += 1) {
      port = await freeLocalPort();
      try {
        server = await launch(port);
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    guard.release();
    throw error;
  }

  let running: ServerProcess | undefined = server;
  const stop = async (stopOptions?: { mode?: PostgresStopMode }): Promise<void> => {
    const current = running;
    running = undefined;
    await current?.stop(STOP_SIGNALS[stopOptions?.mode ?? 'immediate']);
  };
  const start = async (): Promise<void> => {
    running ??= await launch(port);
  };
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    stop,
    start,
    restart: async (stopOptions) => {
      await stop(stopOptions);
      await start();
    },
    dispose: async () => {
      await stop({ mode: 'immediate' });
      await rm(baseDir, { recursive: true, force: true });
      guard.release();
    },
  };
}

/** The user the cluster runs as; undefined means the current user. */
interface ClusterOwner {
  uid: number;
  gid: number;
}

/** postgres could not bind its port because something else holds it. */
class PortTakenError extends Error {}

async function findServerBinaries(installRoot: string): Promise<string> {
  const versions = await readdir(installRoot).catch(() => []);
  const newestFirst = versions.filter((name) => /^\d+(?:\.\d+)?$/u.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const version of newestFirst) {
    const binDir = path.join(installRoot, version, 'bin');
    const isComplete = await Promise.all(['initdb', 'postgres'].map((name) => access(path.join(binDir, name), constants.X_OK))).then(
      () => true,
      () => false,
    );
    if (isComplete) return binDir;
  }
  throw new ConfigError(
    `PostgreSQL's initdb and postgres were not found under ${installRoot}/<version>/bin: the fault tests run a private ` +
      'PostgreSQL of their own. Install the server with `apt-get install postgresql` and run the tests again.',
  );
}

/** As root, the `postgres` user (PostgreSQL will not run as root); otherwise the current user. */
async function clusterOwner(): Promise<ClusterOwner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const entry = await execFileAsync('getent', ['passwd', 'postgres']).then(
    (result) => result.stdout,
    () => '',
  );
  const [, , uid, gid] = entry.trim().split(':');
  if (uid === undefined || gid === undefined) {
    throw new ConfigError(
      'The tests run as root and PostgreSQL refuses to, but there is no `postgres` user to run it as. ' +
        'Install the server with `apt-get install postgresql` (it creates that user), or run the tests as a non-root user.',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

async function initCluster(binDir: string, dataDir: string, cwd: string, owner: ClusterOwner | undefined): Promise<void> {
  const args = ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'];
  try {
    await execFileAsync(path.join(binDir, 'initdb'), args, { cwd, env: serverEnv(), ...owner });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`initdb failed to create a cluster in ${dataDir}; its output:\n${stdout}${stderr}`, { cause: error });
  }
}

interface LaunchOptions {
  binDir: string;
  dataDir: string;
  port: number;
  owner: ClusterOwner | undefined;
  guard: OrphanGuard;
  readyTimeoutMs: number;
}

async function launchPostgres({ binDir, dataDir, port, owner, guard, readyTimeoutMs }: LaunchOptions): Promise<ServerProcess> {
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${dataDir}`,
    // No fsync: commits still reach the OS before they return, which survives a process crash.
    'fsync=off',
    'max_connections=50',
  ];
  const args = ['-D', dataDir, ...settings.flatMap((setting) => ['-c', setting])];
  // The postmaster itself is our child (no pg_ctl, no runuser), so we can signal it and see it exit;
  // an orphan gets SIGQUIT, after which the postmaster ends its own backends.
  const server = spawnServerProcess({
    command: path.join(binDir, 'postgres'),
    args,
    cwd: dataDir,
    env: serverEnv(),
    ...owner,
    guard,
    orphanSignal: STOP_SIGNALS.immediate,
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (await answersSelect(url)) return server;
    if (server.hasExited()) {
      if (/could not bind|Address already in use/u.test(server.output())) {
        throw new PortTakenError(`postgres could not bind 127.0.0.1:${port}: another process holds that port`);
      }
      throw new Error(`postgres exited before it answered on 127.0.0.1:${port}; its output:\n${server.output()}`, { cause: server.spawnError() });
    }
    if (Date.now() > deadline) {
      await server.stop(STOP_SIGNALS.immediate);
      throw new Error(`postgres did not answer \`select 1\` on 127.0.0.1:${port} within ${readyTimeoutMs} ms; its output:\n${server.output()}`);
    }
    await sleep(50);
  }
}

/** True when a fresh connection to `url` runs `select 1`; false while refused or still starting up. */
async function answersSelect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  // A connection cut while the server is starting must not surface as an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The environment initdb and postgres run with: ours, with C messages so their output reads the same everywhere. */
function serverEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LANG: 'C' };
}
