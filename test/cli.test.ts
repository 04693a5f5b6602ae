import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { assertCliBuilt, copyMigratedDataDir, runCli, startServe, type ServeProcess } from './support/run-cli.js';

beforeAll(() => assertCliBuilt());

describe('overshare command line', () => {
  it('lists exactly the commands that exist, with help for each', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const listed = [...help.stdout.matchAll(/^ {2}(\w+)(?: \[options\])?(?: \[command\])?(?: <[\w.]+>)? {2,}/gmu)].map((match) => match[1]);
    expect(listed).toEqual(['serve', 'demo', 'worker', 'migrate', 'policy', 'analyze', 'collect', 'accounts', 'scan', 'coverage', 'findings', 'jobs', 'retention', 'rules', 'users', 'keys', 'sinks', 'help']);
    const commands = [['serve'], ['migrate'], ['policy'], ['policy', 'check'], ['analyze'], ['collect'], ['accounts'], ['accounts', 'add'], ['accounts', 'import'], ['accounts', 'list'], ['accounts', 'show'], ['accounts', 'disable'], ['accounts', 'enable'], ['accounts', 'remove'], ['findings'], ['findings', 'list'], ['findings', 'show'], ['demo'], ['worker'], ['scan'], ['coverage'], ['jobs'], ['jobs', 'failed'], ['jobs', 'retry'], ['retention'], ['rules', 'list'], ['rules', 'test'], ['rules', 'explain']];
    // Four at a time: each is a Node start-up.
    for (let start = 0; start < commands.length; start += 4) {
      await Promise.all(
        commands.slice(start, start + 4).map(async (command) => {
          const result = await runCli([...command, '--help']);
          expect(result.code, command.join(' ')).toBe(0);
          expect(result.stdout).toContain(`Usage: overshare ${command.join(' ')}`);
        }),
      );
    }
  }, 120_000);

  it('exits 2 on an unknown command or a bad option value, saying what was wrong', async () => {
    const unknown = await runCli(['scna']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'scna'");
    for (const port of ['70000', '1e3', '0x1F90', '']) {
      const badPort = await runCli(['serve', '--port', port]);
      expect(badPort.code, port).toBe(2);
      expect(badPort.stderr).toContain('must be a whole number from 0 to 65535');
    }
  });

  it('lists every bad environment variable at once, hiding the database URL', async () => {
    const result = await runCli(['migrate'], {
      env: { PORT: 'eighty', DATABASE_URL: 'mysql://admin:hunter2@db/x', LOG_LEVEL: 'loud' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('3 bad variable(s)');
    expect(result.stderr).toContain('PORT must be a whole number from 0 to 65535 (got "eighty")');
    expect(result.stderr).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql:// (value hidden)');
    expect(result.stderr).toMatch(/LOG_LEVEL .*\(got "loud"\)/u);
    expect(result.stderr).not.toContain('hunter2');
  });
});

describe('overshare policy check', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-policy-'));
  });
  afterEach(async () => rm(folder, { recursive: true, force: true }));

  it('accepts the shipped example and summarises it', async () => {
    const result = await runCli(['policy', 'check', 'examples/overshare.policy.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('examples/overshare.policy.yaml is valid: Halvard Aerospace; 5 aliases, 3 code names');
  });

  it('fails on a broken policy naming the file, line, YAML path and bad value', async () => {
    const file = path.join(folder, 'broken.policy.yaml');
    await writeFile(
      file,
      ['version: 1', 'organisation:', '  name: Acme', 'sensitiveSites:', '  - name: Lab', '    lat: 91', '    lon: 10', '    radiusM: 50', ''].join('\n'),
    );
    const result = await runCli(['policy', 'check', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:6:10  sensitiveSites[0].lat:`);
    expect(result.stderr).toContain('(got 91)');
  });
});

describe('overshare migrate and serve on the embedded database', () => {
  let dataDir: string;
  let serve: ServeProcess | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'overshare-cli-'));
  }, 120_000);
  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = undefined;
    await rm(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('migrates once, then reports the schema up to date', async () => {
    const env = { OVERSHARE_DATA_DIR: dataDir };
    const first = await runCli(['migrate'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied 5 of 5 migrations \(0001-initial, 0002-pipeline, 0003-api, 0004-presence, 0005-coverage\) in embedded database /u);
    const second = await runCli(['migrate'], { env });
    expect(second.stdout).toMatch(/^Schema is up to date \(5 migrations\)/u);
  }, 120_000);

  it('serves /readyz with the database up, refuses a second process on the same folder, and stops cleanly on SIGTERM', async () => {
    await copyMigratedDataDir(dataDir);
    serve = await startServe({ env: { OVERSHARE_DATA_DIR: dataDir } });
    const ready = await fetch(`${serve.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up', kind: 'pglite' } } });

    const intruder = await runCli(['migrate'], { env: { OVERSHARE_DATA_DIR: dataDir } });
    expect(intruder.code).toBe(1);
    expect(intruder.stderr).toContain('is in use by another overshare process');

    expect(await serve.stop('SIGTERM')).toBe(0);
    serve = undefined;
    // The lock went with the process: the folder is free again.
    expect((await runCli(['migrate'], { env: { OVERSHARE_DATA_DIR: dataDir } })).code).toBe(0);
  }, 120_000);

  it('refuses to start with a broken policy file, naming its YAML path', async () => {
    const policyFile = path.join(dataDir, 'overshare.policy.yaml');
    await writeFile(policyFile, 'version: 1\norganisation:\n  name: Acme\nreviewThreshold: 150\n');
    const result = await runCli(['serve', '--port', '0'], {
      env: { OVERSHARE_DATA_DIR: dataDir, OVERSHARE_POLICY_FILE: policyFile },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${policyFile}:4:18  reviewThreshold:`);
    expect(result.stderr).toContain('(got 150)');
  }, 120_000);
});

describe.skipIf(!inject('isPostgresAvailable'))('overshare serve on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let serve: ServeProcess | undefined;
  beforeEach(async () => {
    testDatabase = await createTestDatabase();
  });
  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = undefined;
    await testDatabase.drop();
  });

  it('migrates at start and serves /readyz with PostgreSQL up', async () => {
    serve = await startServe({ env: { DATABASE_URL: testDatabase.url } });
    const ready = await fetch(`${serve.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: { status: 'up', kind: 'postgres' } } });
    const migrate = await runCli(['migrate'], { env: { DATABASE_URL: testDatabase.url } });
    expect(migrate.stdout).toMatch(/^Schema is up to date \(5 migrations\) in PostgreSQL postgres:\/\//u);
    expect(await serve.stop('SIGTERM')).toBe(0);
    serve = undefined;
  });
});
