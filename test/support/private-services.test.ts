import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

// The fault tests crash these private servers mid-scan; these tests prove the crash, the restart
// and the clients' recovery behave as those tests assume.

/** Resolves with the connection error code (e.g. ECONNREFUSED), or null when the port accepted. */
function connectionError(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'unknown'));
  });
}

describe('private Redis', () => {
  let redis: PrivateRedis;
  const clients: Redis[] = [];
  const connect = (options: { maxRetriesPerRequest?: number } = {}): Redis => {
    const client = new Redis(redis.url, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });

  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await redis.dispose();
  });

  it('runs on its own port, not the shared :6379', () => {
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
  });

  it('refuses connections once stopped, answers PING after start, and has forgotten every key', async () => {
    const before = connect();
    await before.set('overshare:probe', 'queued');
    expect(await before.get('overshare:probe')).toBe('queued');
    before.disconnect();

    await redis.stop();
    expect(await connectionError(redis.port)).toBe('ECONNREFUSED');

    await redis.start();
    const after = connect();
    expect(await after.ping()).toBe('PONG');
    expect(await after.get('overshare:probe')).toBeNull();
  });

  it('lets a default ioredis client reconnect by itself and run a command sent while Redis was down', async () => {
    const client = connect();
    let reconnects = 0;
    client.on('reconnecting', () => (reconnects += 1));
    // Errors while the server is down are expected; without a listener ioredis logs them loudly.
    client.on('error', () => undefined);
    await client.set('overshare:probe', 'before');

    await redis.stop();
    const sentWhileDown = client.ping();
    await redis.start();

    expect(await sentWhileDown).toBe('PONG');
    expect(await client.get('overshare:probe')).toBeNull();
    expect(reconnects).toBeGreaterThan(0);

    await redis.restart();
    expect(await client.ping()).toBe('PONG');
  });

  it('names the package to install when redis-server is missing', async () => {
    const attempt = startPrivateRedis({ searchDirs: ['/nonexistent/overshare-bin'] });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server/u);
  });
});

describe('private PostgreSQL', () => {
  let postgres: PrivatePostgres;
  const query = async (statement: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      return await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
  });

  afterAll(async () => {
    await postgres.dispose();
  });

  it('runs on its own port, not the shared :5432', () => {
    expect(postgres.port).not.toBe(5432);
    expect(postgres.url).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/postgres`);
  });

  it('keeps committed rows across an immediate (crash-like) restart', async () => {
    await query('create table scans (id int primary key, state text not null)');
    await query(`insert into scans values (1, 'running')`);

    await postgres.stop({ mode: 'immediate' });
    expect(await connectionError(postgres.port)).toBe('ECONNREFUSED');
    await postgres.start();

    expect((await query('select id, state from scans')).rows).toEqual([{ id: 1, state: 'running' }]);
  });

  it('lets a pg.Pool made before a restart fail queries while the server is down and serve them after', async () => {
    const pool = new pg.Pool({ connectionString: postgres.url, max: 2, connectionTimeoutMillis: 2_000 });
    const idleClientErrors: Error[] = [];
    // The pool's idle connections die with the server; pg reports that here, not on a query.
    pool.on('error', (error) => idleClientErrors.push(error));
    try {
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);

      await postgres.stop({ mode: 'fast' });
      await expect(pool.query('select 1 as one')).rejects.toThrow();

      await postgres.start();
      expect((await pool.query('select 2 as two')).rows).toEqual([{ two: 2 }]);

      await postgres.restart({ mode: 'immediate' });
      expect((await pool.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
      expect(idleClientErrors.length).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });

  it('names the package to install when the server binaries are missing', async () => {
    const attempt = startPrivatePostgres({ installRoot: '/nonexistent/overshare-postgresql' });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/apt-get install postgresql/u);
  });
});
