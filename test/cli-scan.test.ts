import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateFixtureNetwork } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { telegramFixture } from './fixture-platform/platforms/telegram-fixture.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { assertCliBuilt, copyMigratedDataDir, runCli, spawnCli } from './support/run-cli.js';

// Each run starts Node, opens the database, compiles the rules and (for images) starts OCR.
const SLOW = 180_000;

beforeAll(() => assertCliBuilt());

describe('overshare scan, jobs and worker', () => {
  let folder: string;
  let server: FixtureServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-scan-'));
    // Two accounts of fixture chatter; some of its sentences carry a ДСП marking the bundled rules flag.
    server = await startFixtureServer(generateFixtureNetwork({ accounts: 2, postsPerAccount: 8, imageShare: 0, handles: ['acme', 'orbit'] }), [telegramFixture]);
    env = {
      OVERSHARE_DATA_DIR: path.join(folder, 'data'),
      CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      CRAWL_REQUESTS_PER_SECOND: '100',
      CRAWL_RETRIES: '0',
      PIPELINE_JOB_ATTEMPTS: '1',
    };
    await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('says what to do when there is nothing to scan or the options are wrong', async () => {
    const none = await runCli(['scan', '--all'], { env, timeoutMs: SLOW });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no active account is registered: add one with `overshare accounts add`');
    const both = await runCli(['scan', '--all', '--account', 'telegram:acme'], { env });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give --account REF (one or more) or --all');
    const unknown = await runCli(['scan', '--account', 'telegram:nobody'], { env, timeoutMs: SLOW });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('telegram:nobody');
  }, SLOW);

  it('scans the registered accounts with a summary, and the findings are listed', async () => {
    // Both accounts in one run: each CLI run opens the database anew.
    const file = path.join(folder, 'accounts.csv');
    await writeFile(file, ['platform,handle,kind,url', ...['acme', 'orbit'].map((handle) => `telegram,${handle},corporate,${server.baseUrl('telegram')}`)].join('\n'));
    const added = await runCli(['accounts', 'import', file], { env, timeoutMs: SLOW });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('imported 2,');
    const scan = await runCli(['scan', '--all'], { env, timeoutMs: SLOW });
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stderr).toMatch(/^Scan [0-9a-f-]{36} of 2 accounts started \(in this process\)\./mu);
    expect(scan.stdout).toMatch(/^Scan [0-9a-f-]{36} completed in [\d.]+ s: 2 accounts, 16 new or changed posts, 0 images read, \d+ new findings?, 0 errors\./mu);
    expect(scan.stdout).toContain('Accounts: 2 collected, 0 failed, 0 blocked, 0 skipped.');
    expect(scan.stdout).not.toContain('Not covered');
    const findings = Number(/(\d+) new findings?/u.exec(scan.stdout)?.[1]);
    expect(findings).toBeGreaterThan(0);

    const listed = await runCli(['findings', 'list', '--json'], { env, timeoutMs: SLOW });
    expect(listed.stdout.trim().split('\n')).toHaveLength(findings);

    const again = await runCli(['scan', '--account', 'telegram:acme'], { env, timeoutMs: SLOW });
    expect(again.stdout).toMatch(/completed in [\d.]+ s: 1 account, 0 new or changed posts, 0 images read, 0 new findings, 0 errors\./u);
  }, SLOW);

  it('lists a job that failed for good and finishes it on `jobs retry` once the platform answers again', async () => {
    server.network.publish('orbit', 2);
    server.setFault('telegram', { kind: 'server-error' });
    const failed = await runCli(['scan', '--account', 'telegram:orbit'], { env, timeoutMs: SLOW });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/ failed in [\d.]+ s: 1 account, 0 new or changed posts/u);
    expect(failed.stdout).toContain('Accounts: 0 collected, 1 failed');
    expect(failed.stdout).toContain('Not covered: 1 account was not read, so leaks posted there may be missing. See the gaps with: overshare coverage');

    const list = await runCli(['jobs', 'failed'], { env, timeoutMs: SLOW });
    expect(list.stdout).toMatch(/collect\s+retries_exhausted\s+1\s+telegram/u);
    const [job] = (await runCli(['jobs', 'failed', '--json'], { env, timeoutMs: SLOW })).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; stage: string });
    expect(job?.stage).toBe('collect');

    server.clearFaults();
    const retry = await runCli(['jobs', 'retry', job?.id.slice(0, 8) ?? ''], { env, timeoutMs: SLOW });
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain('Retrying 1 job of 1 scan.');
    expect(retry.stdout).toMatch(/completed: \d+ findings?, 0 errors\./u);
    expect((await runCli(['jobs', 'failed'], { env, timeoutMs: SLOW })).stdout).toContain('No failed jobs.');
  }, SLOW);

  it('refuses to start a worker without REDIS_URL, saying where scans run instead', async () => {
    const result = await runCli(['worker'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('overshare worker needs REDIS_URL');
  });
});

describe.skipIf(!inject('isPostgresAvailable'))('overshare scan on BullMQ workers', () => {
  let server: FixtureServer;
  let database: TestDatabase;

  beforeAll(async () => {
    server = await startFixtureServer(generateFixtureNetwork({ accounts: 1, postsPerAccount: 5, imageShare: 0, handles: ['acme'] }), [telegramFixture]);
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('queues the scan for `overshare worker` and watches it to the end', async () => {
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_QUEUE_PREFIX: `cli-scan-${randomBytes(4).toString('hex')}`,
      CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      CRAWL_REQUESTS_PER_SECOND: '100',
    };
    const added = await runCli(['accounts', 'add', '--platform', 'telegram', '--handle', 'acme', '--kind', 'corporate', '--url', server.baseUrl('telegram'), '--schedule', '7d'], { env, timeoutMs: SLOW });
    expect(added.code, added.stderr).toBe(0);
    const worker = spawnCli(['worker'], { env });
    try {
      for (let waited = 0; !worker.output().stdout.includes('is taking jobs'); waited += 100) {
        if (waited > 60_000 || worker.child.exitCode !== null) throw new Error(`worker did not start:\n${worker.output().stderr}`);
        await sleep(100);
      }
      const scan = await runCli(['scan', '--all'], { env, timeoutMs: SLOW });
      expect(scan.code, scan.stderr).toBe(0);
      expect(scan.stderr).toContain('started (on the BullMQ workers)');
      expect(scan.stdout).toMatch(/completed in [\d.]+ s: 1 account, /u);
    } finally {
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
  }, SLOW);
});
