import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { coverageGapReply, coverageReply } from '../server/api/schemas/coverage-schemas.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import type { Schema } from '../store/schema.js';
import { capturingLogger } from './support/capturing-logger.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { assertCliBuilt, copyMigratedDataDir, runCli } from './support/run-cli.js';

// Every CLI run starts Node and opens the database: a second or two each on PGlite.
const SLOW = 120_000;
const HOUR = 3_600_000;
const coverageJson = coverageReply.extend({ gaps: coverageGapReply.array() });

/**
 * What the tests read: telegram times out for @halvard_news since 30 hours (an open gap) while its
 * canary still reads; vk's one account is covered, with a gap closed 3 hours ago after catching up.
 */
async function seedCoverage(db: Kysely<Schema>): Promise<void> {
  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms);
  const accounts = new AccountsRepository(db);
  const news = await accounts.create({ platform: 'telegram', handle: 'halvard_news', kind: 'corporate' });
  const canary = await accounts.create({ platform: 'telegram', handle: 'durov', kind: 'corporate', isCanary: true });
  const bob = await accounts.create({ platform: 'vk', handle: 'bob_k', kind: 'employee', owner: { name: 'Bob K' } });
  await db
    .insertInto('collection_attempts')
    .values([
      { platform: 'telegram', account_id: news.id, outcome: 'timeout', error: 'navigation timed out after 30 s', attempted_at: ago(0.5 * HOUR) },
      { platform: 'telegram', account_id: canary.id, is_canary: true, outcome: 'ok', attempted_at: ago(1 * HOUR) },
      { platform: 'telegram', account_id: news.id, outcome: 'timeout', error: 'navigation timed out after 30 s', attempted_at: ago(2 * HOUR) },
      { platform: 'vk', account_id: bob.id, outcome: 'ok', attempted_at: ago(3 * HOUR) },
    ])
    .execute();
  await db
    .insertInto('coverage_gaps')
    .values([
      { account_id: news.id, platform: 'telegram', started_at: ago(30 * HOUR), detected_at: ago(26 * HOUR), last_failed_at: ago(0.5 * HOUR), reason: 'timeout', last_error: 'navigation timed out after 30 s', failures: 9 },
      {
        account_id: bob.id,
        platform: 'vk',
        started_at: ago(50 * HOUR),
        detected_at: ago(49 * HOUR),
        last_failed_at: ago(4 * HOUR),
        ended_at: ago(3 * HOUR),
        reason: 'server_error',
        last_error: 'HTTP 502',
        failures: 12,
        caught_up_posts: 4,
        uncovered_until: ago(45 * HOUR),
      },
    ])
    .execute();
}

beforeAll(() => assertCliBuilt());

describe('overshare coverage on the embedded database', () => {
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-coverage-'));
    env = { OVERSHARE_DATA_DIR: path.join(folder, 'data') };
    await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
    // Written while no CLI holds the data folder.
    const database = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, capturingLogger().log);
    try {
      await seedCoverage(database.db);
    } finally {
      await database.close();
    }
  }, SLOW);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('prints platform health and the accounts not covered, exiting 3 for monitoring', { timeout: SLOW }, async () => {
    const result = await runCli(['coverage'], { env });
    expect(result.code, result.stderr).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('Platform health over the last 6 hours:');
    expect(lines.find((line) => line.startsWith('telegram'))).toMatch(/^telegram +degraded +1 of 3 \(33%\) +timeout 2 +\d{4}-\d\d-\d\d \d\d:\d\dZ +ok +1 +1 +1 of the last 3/u);
    expect(lines.find((line) => line.startsWith('vk'))).toMatch(/^vk +ok +1 of 1 \(100%\) +- /u);
    expect(result.stdout).toContain('Not covered now (1 open gap):');
    expect(lines.find((line) => line.startsWith('telegram:halvard_news'))).toMatch(
      /^telegram:halvard_news +\d{4}-\d\d-\d\d \d\d:\d\dZ +1d (5|6)h +timeout +9 +navigation timed out after 30 s$/u,
    );
    expect(result.stdout).not.toContain('bob_k');
    expect(lines.at(-2)).toBe('1 account not covered: findings from these are missing, not clean.');
  });

  it('adds the gaps closed lately with --all, and prints the API shapes with --format json', { timeout: SLOW }, async () => {
    const result = await runCli(['coverage', '--all', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(3);
    const printed = coverageJson.parse(JSON.parse(result.stdout));
    expect(printed).toMatchObject({ window_hours: 6, open_gaps: 1, accounts_uncovered: 1 });
    expect(printed.platforms.map((entry) => [entry.platform, entry.state, entry.accounts])).toEqual([
      ['telegram', 'degraded', 1],
      ['vk', 'ok', 1],
    ]);
    expect(printed.gaps.map((gap) => [gap.account.handle, gap.ended_at === null, gap.caught_up_posts])).toEqual([
      ['halvard_news', true, null],
      ['bob_k', false, 4],
    ]);
  });

  it('exits 0 for a platform whose accounts are all covered, and 2 on a bad option', { timeout: SLOW }, async () => {
    const vk = await runCli(['coverage', '--platform', 'vk', '--all'], { env });
    expect(vk.code, vk.stderr).toBe(0);
    expect(vk.stdout).not.toContain('telegram');
    expect(vk.stdout.split('\n').find((line) => line.startsWith('vk:bob_k'))).toMatch(/ 1d 23h +server_error +12 +4 posts +posts up to \d{4}-\d\d-\d\d \d\d:\d\dZ$/u);
    expect(vk.stdout.trim().split('\n').at(-1)).toBe('Every active account is covered.');

    const bad = await runCli(['coverage', '--platform', 'myspace'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'myspace' is invalid");
  });
});

describe.skipIf(!inject('isPostgresAvailable'))('overshare coverage on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    const { log } = capturingLogger();
    database = await openDatabase({ url: testDatabase.url, dataDir: 'unused', poolMax: 2, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 }, log);
    await migrateToLatest(database.db, log);
    await seedCoverage(database.db);
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  it('reads the same coverage from DATABASE_URL', { timeout: SLOW }, async () => {
    const result = await runCli(['coverage', '--format', 'json'], { env: { DATABASE_URL: testDatabase.url } });
    expect(result.code, result.stderr).toBe(3);
    const printed = coverageJson.parse(JSON.parse(result.stdout));
    expect(printed.gaps.map((gap) => [gap.account.handle, gap.reason, gap.failures])).toEqual([['halvard_news', 'timeout', 9]]);
    expect(printed.platforms.find((entry) => entry.platform === 'telegram')?.failures).toEqual({ timeout: 2 });
  });
});
