import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { FindingsRepository } from '../store/repositories/findings-repository.js';
import { PostsRepository } from '../store/repositories/posts-repository.js';
import { capturingLogger } from './support/capturing-logger.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { assertCliBuilt, copyMigratedDataDir, runCli } from './support/run-cli.js';

// Every CLI run starts Node and opens the database: a second or two each on PGlite.
const SLOW = 120_000;

interface AccountLine {
  id: string;
  platform: string;
  handle: string;
  kind: string;
  isActive: boolean;
  schedule: string | null;
  owner: { name: string | null; email: string | null };
}

const jsonLines = (stdout: string): AccountLine[] =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AccountLine);

// The first data row is line 2; the quoted handle of line 9 runs on to line 11.
const IMPORT_CSV = [
  'platform,handle,kind,owner_name,owner_email,notice_given_at,schedule',
  'telegram,halvard_news,corporate,,,,6h',
  'twitter,jdoe,employee,Jane Doe,,,',
  'mastodon,bob@social.example,employee,Bob,bob@,,',
  'bluesky,carol.example,employee,Carol,carol@halvard-aero.example,2026-02-30,',
  'vk,dave,employee,Dave,,,every minute',
  ',,,,,,',
  'vk,,corporate,,,,',
  'rss,"https://blog.example/feed',
  'with a note',
  'on three lines",corporate,,,,1d',
  'youtube,@erin,employee,,,,',
  'threads,frank,employee,Frank,frank@halvard-aero.example,2026-01-15,0 9 * * 1-5',
  'telegram,halvard_news,corporate,,,,',
].join('\n');

beforeAll(() => assertCliBuilt());

describe('overshare accounts on the embedded database', () => {
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-accounts-'));
    env = { OVERSHARE_DATA_DIR: path.join(folder, 'data') };
    await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
  }, 120_000);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('registers an account, refuses it a second time, and shows every field by short id or platform:handle', { timeout: SLOW }, async () => {
    const add = ['accounts', 'add', '--platform', 'mastodon', '--handle', 'jane@social.example', '--kind', 'employee', '--owner-name', 'Jane Doe',
      '--owner-email', 'jane.doe@halvard-aero.example', '--owner-employee-id', 'E-1042', '--owner-department', 'Avionics', '--notice-given-at', '2026-01-15',
      '--legal-basis', 'legitimate interest (policy IS-7)', '--legal-basis-at', '2026-01-10', '--schedule', '2h30m'];
    const first = await runCli(add, { env });
    expect(first.code, first.stderr).toBe(0);
    const id = /as ([0-9a-f-]{36});/u.exec(first.stdout)?.[1];
    expect(first.stdout).toContain('Registered mastodon:jane@social.example (employee)');
    expect(first.stdout).toContain('its first scan is due now');

    const again = await runCli(add, { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`mastodon:jane@social.example is already registered (id ${id})`);

    const byShortId = await runCli(['accounts', 'show', id!.slice(0, 8)], { env });
    expect(byShortId.code, byShortId.stderr).toBe(0);
    for (const line of [`id:                ${id}`, 'owner name:        Jane Doe', 'owner employee id: E-1042', 'owner e-mail:      jane.doe@halvard-aero.example',
      'owner department:  Avionics', 'notice given:      2026-01-15 00:00Z', 'legal basis:       legitimate interest (policy IS-7)',
      'legal basis since: 2026-01-10 00:00Z', 'schedule:          2h30m', 'status:            pending', 'last error:        -', 'holds:             0 posts (0 images), 0 findings']) {
      expect(byShortId.stdout).toContain(line);
    }
    const byHandle = await runCli(['accounts', 'show', 'mastodon:jane@social.example'], { env });
    expect(byHandle.stdout).toBe(byShortId.stdout);
  });

  it('refuses bad options all at once, naming each option', { timeout: SLOW }, async () => {
    const result = await runCli(['accounts', 'add', '--platform', 'telegram', '--handle', 'x', '--kind', 'employee', '--owner-email', 'nobody', '--schedule', '1m'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('accounts add has 3 problems');
    expect(result.stderr).toContain('--owner-email: "nobody" is not an e-mail address');
    expect(result.stderr).toContain('--schedule: "1m" is more often than every 5 minutes');
    expect(result.stderr).toContain("--owner-name: an employee account needs its owner's name or employee id");
    const unknownPlatform = await runCli(['accounts', 'add', '--platform', 'myspace', '--handle', 'x', '--kind', 'corporate'], { env });
    expect(unknownPlatform.code).toBe(2);
    expect(unknownPlatform.stderr).toContain("Allowed choices are telegram, mastodon");
  });

  it('imports the good rows of a CSV, reports every bad row by its line, and skips accounts already registered', { timeout: SLOW }, async () => {
    const file = path.join(folder, 'accounts.csv');
    await writeFile(file, IMPORT_CSV);
    const result = await runCli(['accounts', 'import', file], { env });
    expect(result.code).toBe(1);
    const reported = result.stderr.split('\n').filter((line) => line.startsWith(`${file}:`));
    expect(reported.map((line) => Number(line.slice(file.length + 1).split(':')[0]))).toEqual([3, 4, 5, 6, 8, 12, 14]);
    expect(reported[0]).toContain(`${file}:3: platform: "twitter" is not a platform overshare collects from`);
    expect(reported[1]).toBe(`${file}:4: owner_email: "bob@" is not an e-mail address, such as jane.doe@example.com`);
    expect(reported[2]).toContain(`${file}:5: notice_given_at: "2026-02-30" is not a date`);
    expect(reported[3]).toContain(`${file}:6: schedule: `);
    expect(reported[4]).toContain(`${file}:8: handle: is required`);
    expect(reported[5]).toBe(`${file}:12: owner_name: an employee account needs its owner's name or employee id`);
    expect(reported[6]).toBe(`${file}:14: telegram:halvard_news is already registered; skipped`);
    expect(result.stdout.trim()).toBe('imported 3, skipped 1 (already registered), 6 bad rows');

    const listed = jsonLines((await runCli(['accounts', 'list', '--json'], { env })).stdout);
    expect(listed.map((account) => `${account.platform}:${account.handle}`).sort()).toEqual([
      'mastodon:jane@social.example',
      'rss:https://blog.example/feed\nwith a note\non three lines',
      'telegram:halvard_news',
      'threads:frank',
    ]);
    expect(listed.find((account) => account.handle === 'frank')).toMatchObject({ kind: 'employee', schedule: '0 9 * * 1-5', owner: { email: 'frank@halvard-aero.example' } });
  });

  it('refuses a CSV whose header names an unknown column, importing nothing', { timeout: SLOW }, async () => {
    const file = path.join(folder, 'bad-header.csv');
    await writeFile(file, 'platform,handle,kind,e-mail\ntelegram,nobody_else,corporate,x@y.example\n');
    const result = await runCli(['accounts', 'import', file], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:1: unknown column(s) "e-mail" in the header`);
    expect(result.stdout).toContain('Imported nothing');
  });

  it('lists active accounts as a table, disabled ones only with --all', { timeout: SLOW }, async () => {
    const disable = await runCli(['accounts', 'disable', 'threads:frank'], { env });
    expect(disable.code, disable.stderr).toBe(0);
    expect(disable.stdout).toContain('Disabled threads:frank: it will not be scanned');

    const active = await runCli(['accounts', 'list'], { env });
    const [header, ...rows] = active.stdout.split('\n');
    expect(header).toMatch(/^ID +PLATFORM +HANDLE +KIND +OWNER +STATUS +SCHEDULE +LAST SCANNED +NEXT SCAN$/u);
    expect(rows.find((row) => row.includes('halvard_news'))).toMatch(/^[0-9a-f]{8} +telegram +halvard_news +corporate +- +pending +6h +- +\d{4}-\d\d-\d\d \d\d:\d\dZ$/u);
    // The handle's newlines are shown escaped: one account, one line.
    expect(rows.find((row) => row.includes('blog.example'))).toContain('https://blog.example/feed\\nwith a note\\non three lines');
    expect(active.stdout).not.toContain('frank');
    expect(active.stdout).toContain('3 accounts.');

    const all = await runCli(['accounts', 'list', '--all'], { env });
    expect(all.stdout.split('\n').find((row) => row.includes('frank'))).toMatch(/ Frank +pending, disabled +0 9 \* \* 1-5 +- +-$/u);
  });

  it('reports an unknown account with the forms a reference takes', { timeout: SLOW }, async () => {
    const result = await runCli(['accounts', 'show', 'telegram:nobody'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No account matches "telegram:nobody": give its id');
  });

  it('removes an account only with --yes, first saying how many posts and findings go with it', { timeout: SLOW }, async () => {
    // Posts and a finding for the account, written while no CLI holds the data folder.
    const { log } = capturingLogger();
    const database = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, log);
    try {
      const account = await new AccountsRepository(database.db).resolve('telegram:halvard_news');
      for (const externalId of ['halvard_news/1', 'halvard_news/2']) {
        const { post } = await new PostsRepository(database.db).upsert({ accountId: account.id, platform: 'telegram', externalId, url: `https://t.me/${externalId}`, text: 'memo' });
        if (externalId.endsWith('1')) {
          await new FindingsRepository(database.db).record({ postId: post.id, accountId: account.id, ruleIds: ['marking-confidential'], category: 'marking', severity: 'high', score: 80, scoreBreakdown: {}, evidence: { source: 'text', text: 'CONFIDENTIAL' } });
        }
      }
    } finally {
      await database.close();
    }

    const unconfirmed = await runCli(['accounts', 'remove', 'telegram:halvard_news'], { env });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('removing deletes telegram:halvard_news with 2 posts (0 images) and 1 finding. Run again with --yes to confirm');
    expect((await runCli(['accounts', 'show', 'telegram:halvard_news'], { env })).stdout).toContain('holds:             2 posts (0 images), 1 finding');

    const confirmed = await runCli(['accounts', 'remove', 'telegram:halvard_news', '--yes'], { env });
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain('Removed telegram:halvard_news with 2 posts (0 images) and 1 finding.');
    expect((await runCli(['accounts', 'show', 'telegram:halvard_news'], { env })).code).toBe(1);

    // The audit entry outlives the account by years: it names the account by id, never by handle.
    const after = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, log);
    try {
      const entry = await after.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.remove').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ target_type: 'account', details: { platform: 'telegram', posts: 2, findings: 1 } });
      expect(JSON.stringify(entry)).not.toContain('halvard_news');
      const purged = await after.db.selectFrom('finding_events').selectAll().where('type', '=', 'finding.purged').execute();
      expect(purged.map((event) => event.payload.purgeReason)).toEqual(['account_removed']);
    } finally {
      await after.close();
    }
  });

  it('registers a canary with --canary and lists each account with whether it is covered', { timeout: SLOW }, async () => {
    const added = await runCli(['accounts', 'add', '--platform', 'bluesky', '--handle', 'canary.bsky.social', '--kind', 'corporate', '--canary'], { env });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Registered bluesky:canary.bsky.social (corporate, canary: read only to watch its platform)');

    // A gap for another account, written while no CLI holds the data folder.
    const { log } = capturingLogger();
    const database = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, log);
    try {
      const account = await new AccountsRepository(database.db).resolve('mastodon:jane@social.example');
      const at = new Date('2026-03-01T08:00:00Z');
      await database.db
        .insertInto('coverage_gaps')
        .values({ account_id: account.id, platform: 'mastodon', started_at: at, detected_at: at, last_failed_at: at, reason: 'login_wall', last_error: 'login wall', failures: 3 })
        .execute();
    } finally {
      await database.close();
    }

    const listed = await runCli(['accounts', 'list'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = listed.stdout.split('\n');
    expect(rows.find((row) => row.includes('canary.bsky.social'))).toMatch(/ canary\.bsky\.social +corporate, canary +- +pending +default /u);
    expect(rows.find((row) => row.includes('jane@social.example'))).toMatch(/ Jane Doe +pending, not covered since 2026-03-01 08:00Z \(login_wall\) +2h30m /u);
    expect(listed.stdout).toContain('1 not covered: `overshare coverage` says since when and why.');
  });
});

describe.skipIf(!inject('isPostgresAvailable'))('overshare accounts on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-accounts-pg-'));
  });
  afterAll(async () => {
    await testDatabase.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('migrates a fresh database, imports, lists and removes accounts', { timeout: SLOW }, async () => {
    const env = { DATABASE_URL: testDatabase.url };
    const file = path.join(folder, 'accounts.csv');
    await writeFile(file, IMPORT_CSV);
    const imported = await runCli(['accounts', 'import', file], { env });
    expect(imported.stdout.trim()).toBe('imported 3, skipped 1 (already registered), 6 bad rows');
    expect(imported.stderr).toContain(`${file}:12: owner_name:`);

    const listed = jsonLines((await runCli(['accounts', 'list', '--json'], { env })).stdout);
    expect(listed.map((account) => account.handle)).toContain('frank');
    const removed = await runCli(['accounts', 'remove', 'threads:frank', '--yes'], { env });
    expect(removed.stdout).toContain('Removed threads:frank with 0 posts (0 images) and 0 findings.');
    expect(jsonLines((await runCli(['accounts', 'list', '--json'], { env })).stdout).map((account) => account.handle)).not.toContain('frank');
  });
});
