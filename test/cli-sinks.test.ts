import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../server/auth/secret-box.js';
import { encodeEventCursor } from '../server/api/routes/events-routes.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { FindingsRepository } from '../store/repositories/findings-repository.js';
import { PostsRepository } from '../store/repositories/posts-repository.js';
import { capturingLogger } from './support/capturing-logger.js';
import { assertCliBuilt, copyMigratedDataDir, runCli, type CliResult } from './support/run-cli.js';

// Every CLI run starts Node and opens the database: a second or two each on PGlite.
const SLOW = 240_000;
const HEC_TOKEN = 'hec-0f6d2c4e-9a1b-4c3d-8e7f-5a6b7c8d9e0f';
const FAKE_CA = '-----BEGIN CERTIFICATE-----\nMIIBfakeButShapedLikeOne\n-----END CERTIFICATE-----\n';

/** `overshare ARGS` with `input` on its standard input. */
function runWithInput(args: readonly string[], input: string, env: Record<string, string>): Promise<CliResult> {
  return runCli(args, { env, input, timeoutMs: 60_000 });
}

interface SinkLine {
  name: string;
  kind: string;
  target: string;
  format: string;
  settings: Record<string, unknown>;
  hasSecret: boolean;
  isEnabled: boolean;
  cursor: string;
  lagEvents: number;
}

const jsonLines = (stdout: string): SinkLine[] =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SinkLine);

const occurrences = (text: string, part: string) => text.split(part).length - 1;

beforeAll(() => assertCliBuilt());

describe('overshare sinks on the embedded database', () => {
  let folder: string;
  let env: Record<string, string>;
  let generatedSecret: string;

  /** Opens the test's data folder while no CLI holds it. */
  async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, capturingLogger().log);
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  }

  async function openSealed(sealed: string): Promise<string> {
    const key = Buffer.from((await readFile(path.join(env.OVERSHARE_DATA_DIR!, 'secret.key'), 'utf8')).trim(), 'base64');
    return createSecretBox(key).open(sealed);
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-sinks-'));
    env = { OVERSHARE_DATA_DIR: path.join(folder, 'data') };
    await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
  }, 120_000);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('adds a webhook sink to an allow-listed loopback receiver, printing its generated secret once and storing it only sealed', { timeout: SLOW }, async () => {
    const added = await runCli(['sinks', 'add', 'webhook', 'siem-hook', '--url', 'http://127.0.0.1:9/hook'], { env: { ...env, SINK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added webhook sink siem-hook (');
    expect(added.stdout).toContain('to http://127.0.0.1:9/hook in native form, delivering every event still kept.');
    expect(added.stdout).toContain('Signing secret (shown only now');
    generatedSecret = /^whsec_[A-Za-z0-9+/=]{32,}$/mu.exec(added.stdout)?.[0] ?? '';
    expect(generatedSecret).not.toBe('');
    expect(occurrences(added.stdout + added.stderr, generatedSecret)).toBe(1);

    await withDatabase(async (database) => {
      const row = await database.db.selectFrom('sinks').selectAll().where('name', '=', 'siem-hook').executeTakeFirstOrThrow();
      expect(row.secret_encrypted).not.toBeNull();
      expect(row.secret_encrypted).not.toContain(generatedSecret.slice('whsec_'.length, 20));
      expect(await openSealed(row.secret_encrypted!)).toBe(generatedSecret);
      // Two finding events in the outbox, for the lag and the cursors below.
      const account = await new AccountsRepository(database.db).create({ platform: 'telegram', handle: 'halvard_news', kind: 'corporate' });
      for (const externalId of ['halvard_news/1', 'halvard_news/2']) {
        const { post } = await new PostsRepository(database.db).upsert({ accountId: account.id, platform: 'telegram', externalId, url: `https://t.me/${externalId}`, text: 'memo' });
        await new FindingsRepository(database.db).record({ postId: post.id, accountId: account.id, ruleIds: ['marking-confidential'], category: 'marking', severity: 'high', score: 80, scoreBreakdown: {}, evidence: { source: 'text', text: 'CONFIDENTIAL' } });
      }
    });
  });

  it('refuses bad options and private targets with exit code 2, naming the option, and stores nothing', { timeout: SLOW }, async () => {
    const cases: Array<{ args: string[]; says: string[] }> = [
      { args: ['sinks', 'add', 'webhook', 'loop', '--url', 'http://127.0.0.1:9/hook'], says: ['--url: refused: ', 'loopback', 'SINK_ALLOWED_PRIVATE_HOSTS'] },
      { args: ['sinks', 'add', 'syslog', 'local', '--host', 'localhost', '--port', '6514'], says: ['--host: refused: ', 'SINK_ALLOWED_PRIVATE_HOSTS'] },
      { args: ['sinks', 'add', 'webhook', 'bad name!', '--url', 'ftp://siem.example/in'], says: ['sinks add webhook has 2 problems', 'NAME: 1 to 64 letters', '--url: must be an http:// or https:// URL'] },
      { args: ['sinks', 'add', 'syslog', 'far', '--host', 'siem.example', '--port', '70000', '--facility', '24'], says: ['sinks add syslog has 2 problems', '--port: ', '--facility: '] },
      { args: ['sinks', 'add', 'syslog', 'far', '--host', 'siem.example', '--port', 'https'], says: ["option '--port <port>' argument 'https' is invalid", 'must be a whole number'] },
      { args: ['sinks', 'add', 'splunk-hec', 'splunk', '--url', 'https://splunk.example:8088'], says: ['--token-stdin: the HEC token is required'] },
      { args: ['sinks', 'add', 'webhook', 'cef', '--url', 'https://siem.example/in', '--format', 'cef'], says: ['Allowed choices are native, ocsf, ecs'] },
      { args: ['sinks', 'add', 'webhook', 'ca', '--url', 'https://siem.example/in', '--ca', path.join(folder, 'missing.pem')], says: ['--ca: cannot read '] },
      { args: ['sinks', 'redeliver', 'siem-hook'], says: ['--after: say from where'] },
      { args: ['sinks', 'redeliver', 'siem-hook', '--after', 'not-a-cursor'], says: ['--after: is not a cursor overshare issued'] },
      // The one case that reads the database: a batch holds at most one, as PGlite has one user.
      { args: ['sinks', 'redeliver', 'siem-hook', '--after', encodeEventCursor(1)], says: ['--after: is past what siem-hook has delivered'] },
    ];
    // Four at a time: each is a Node start-up.
    for (let start = 0; start < cases.length; start += 4) {
      await Promise.all(
        cases.slice(start, start + 4).map(async ({ args, says }) => {
          const result = await runCli(args, { env });
          expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(2);
          for (const text of says) expect(result.stderr, args.join(' ')).toContain(text);
        }),
      );
    }
    const names = await withDatabase(async (database) => database.db.selectFrom('sinks').select('name').execute());
    expect(names.map((row) => row.name)).toEqual(['siem-hook']);
  });

  it('adds a syslog sink starting now with its own CA, and a Splunk HEC sink whose token comes from standard input', { timeout: SLOW }, async () => {
    const caFile = path.join(folder, 'siem-ca.pem');
    await writeFile(caFile, FAKE_CA);
    const syslog = await runCli(
      ['sinks', 'add', 'syslog', 'soc-syslog', '--host', 'syslog.halvard-aero.example', '--port', '6514', '--transport', 'tcp', '--facility', '10', '--ca', caFile, '--start', 'now'],
      { env },
    );
    expect(syslog.code, syslog.stderr).toBe(0);
    expect(syslog.stdout).toContain('Added syslog sink soc-syslog (');
    expect(syslog.stdout).toContain('to syslog.halvard-aero.example:6514 in cef form, delivering only events from now on.');
    expect(syslog.stdout).not.toContain('Signing secret');

    const hec = await runWithInput(['sinks', 'add', 'splunk-hec', 'splunk', '--url', 'https://splunk.halvard-aero.example:8088', '--token-stdin', '--index', 'overshare'], `${HEC_TOKEN}\n`, env);
    expect(hec.code, hec.stderr).toBe(0);
    expect(hec.stdout).toContain('Added splunk_hec sink splunk (');
    expect(hec.stdout + hec.stderr).not.toContain(HEC_TOKEN);

    await withDatabase(async (database) => {
      const rows = await database.db.selectFrom('sinks').selectAll().where('name', 'in', ['soc-syslog', 'splunk']).orderBy('name').execute();
      expect(rows.map((row) => [row.name, row.kind, row.format, row.cursor_seq])).toEqual([['soc-syslog', 'syslog', 'cef', 2], ['splunk', 'splunk_hec', 'ocsf', 0]]);
      expect(rows[0]!.settings).toEqual({ host: 'syslog.halvard-aero.example', port: 6514, transport: 'tcp', facility: 10, ca: FAKE_CA });
      expect(rows[0]!.secret_encrypted).toBeNull();
      expect(rows[1]!.secret_encrypted).not.toContain(HEC_TOKEN);
      expect(await openSealed(rows[1]!.secret_encrypted!)).toBe(HEC_TOKEN);
      // A failure with a terminal escape in its text, and a name no CLI would take, written by hand.
      await database.db.updateTable('sinks').set({ consecutive_failures: 3, last_error: 'TLS handshake failed\u001b[2J: unknown CA' }).where('name', '=', 'soc-syslog').execute();
      await database.db.insertInto('sinks').values({ name: 'odd\u001b[31mname', kind: 'webhook', format: 'native', target: 'https://siem.example/in', settings: '{}', secret_encrypted: null }).execute();
    });
  });

  it('lists the sinks as a table and as JSON with their lag, and shows one without its secret, terminal-safe', { timeout: SLOW }, async () => {
    const table = await runCli(['sinks', 'list'], { env });
    expect(table.code, table.stderr).toBe(0);
    const [header, ...rows] = table.stdout.split('\n');
    expect(header).toMatch(/^NAME +KIND +TARGET +FORMAT +ENABLED +LAG +FAILURES +LAST ERROR +LAST DELIVERED$/u);
    expect(rows.find((row) => row.startsWith('siem-hook'))).toMatch(/^siem-hook +webhook +http:\/\/127\.0\.0\.1:9\/hook +native +yes +2 +0 +- +-$/u);
    expect(rows.find((row) => row.startsWith('soc-syslog'))).toMatch(/^soc-syslog +syslog +syslog\.halvard-aero\.example:6514 +cef +yes +0 +3 +TLS handshake failed\\u001b\[2J: unknown CA +-$/u);
    expect(rows.find((row) => row.startsWith('splunk'))).toMatch(/^splunk +splunk_hec +https:\/\/splunk\.halvard-aero\.example:8088 +ocsf +yes +2 +0 +- +-$/u);
    expect(table.stdout).toContain('odd\\u001b[31mname');
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).toContain('4 sinks; LAG is the events each has not taken yet.');

    const listed = jsonLines((await runCli(['sinks', 'list', '--json'], { env })).stdout);
    expect(listed.map((sink) => [sink.name, sink.kind, sink.hasSecret, sink.lagEvents])).toEqual([
      ['odd\u001b[31mname', 'webhook', false, 2],
      ['siem-hook', 'webhook', true, 2],
      ['soc-syslog', 'syslog', false, 0],
      ['splunk', 'splunk_hec', true, 2],
    ]);
    expect(listed.find((sink) => sink.name === 'soc-syslog')).toMatchObject({ cursor: encodeEventCursor(2), settings: { transport: 'tcp', facility: 10, hasCa: true } });
    expect(listed.find((sink) => sink.name === 'splunk')?.settings).toEqual({ url: 'https://splunk.halvard-aero.example:8088', index: 'overshare', hasCa: false });

    const shown = await runCli(['sinks', 'show', 'soc-syslog'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    for (const line of ['name:           soc-syslog', 'target:         syslog.halvard-aero.example:6514', 'transport:      tcp', 'facility:       10',
      'CA:             its own CA certificate', 'secret:         none', 'enabled:        yes', `cursor:         ${encodeEventCursor(2)}`, 'lag:            0 events',
      'failures:       3', 'last error:     TLS handshake failed\\u001b[2J: unknown CA']) {
      expect(shown.stdout).toContain(line);
    }
    expect(shown.stdout).not.toContain('BEGIN CERTIFICATE');
    for (const output of [table.stdout, shown.stdout]) expect(output).not.toContain(generatedSecret);
  });

  it('disables a sink with a reason and enables it again, clearing its failures', { timeout: SLOW }, async () => {
    const disabled = await runCli(['sinks', 'disable', 'soc-syslog', '--reason', 'SIEM migration'], { env });
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain('Disabled soc-syslog: nothing is delivered to it');
    const afterDisable = await withDatabase(async (database) => database.db.selectFrom('sinks').selectAll().where('name', '=', 'soc-syslog').executeTakeFirstOrThrow());
    expect([afterDisable.is_enabled, afterDisable.disabled_reason, afterDisable.cursor_seq]).toEqual([false, 'SIEM migration', 2]);

    const enabled = await runCli(['sinks', 'enable', 'soc-syslog'], { env });
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stdout).toContain('Enabled soc-syslog: its failures are cleared');
    const afterEnable = await withDatabase(async (database) => database.db.selectFrom('sinks').selectAll().where('name', '=', 'soc-syslog').executeTakeFirstOrThrow());
    expect([afterEnable.is_enabled, afterEnable.disabled_reason, afterEnable.consecutive_failures, afterEnable.cursor_seq]).toEqual([true, null, 0, 2]);
  });

  it('says a sink has no deliveries yet, and redelivers from a cursor or from the oldest event kept', { timeout: SLOW }, async () => {
    const deliveries = await runCli(['sinks', 'deliveries', 'soc-syslog', '--limit', '5'], { env });
    expect(deliveries.code, deliveries.stderr).toBe(0);
    expect(deliveries.stdout).toContain('No deliveries to soc-syslog yet');
    const cursorOf = async () => withDatabase(async (database) => (await database.db.selectFrom('sinks').select('cursor_seq').where('name', '=', 'soc-syslog').executeTakeFirstOrThrow()).cursor_seq);

    const fromOne = await runCli(['sinks', 'redeliver', 'soc-syslog', '--after', encodeEventCursor(1)], { env });
    expect(fromOne.code, fromOne.stderr).toBe(0);
    expect(fromOne.stdout).toContain(`soc-syslog will be sent 1 event again from cursor ${encodeEventCursor(1)} while \`overshare serve\` runs.`);
    expect(await cursorOf()).toBe(1);

    const all = await runCli(['sinks', 'redeliver', 'soc-syslog', '--all'], { env });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`soc-syslog will be sent 2 events again from cursor ${encodeEventCursor(0)}`);
    expect(await cursorOf()).toBe(0);
  });

  it('removes a sink, and records every change in the audit log as done from the command line', { timeout: SLOW }, async () => {
    const removed = await runCli(['sinks', 'remove', 'splunk'], { env });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed splunk and its delivery log.');

    await withDatabase(async (database) => {
      expect(await database.db.selectFrom('sinks').select('name').where('name', '=', 'splunk').executeTakeFirst()).toBeUndefined();
      const audit = await database.db.selectFrom('audit_log').selectAll().where('target_type', '=', 'sink').orderBy('id').execute();
      expect(audit.map((entry) => entry.action)).toEqual([
        'sink.created', 'sink.created', 'sink.created', 'sink.disabled', 'sink.enabled', 'sink.redelivery_requested', 'sink.redelivery_requested', 'sink.removed',
      ]);
      expect(audit.every((entry) => entry.details.via === 'cli')).toBe(true);
      expect(JSON.stringify(audit)).not.toContain(HEC_TOKEN);
      expect(JSON.stringify(audit)).not.toContain(generatedSecret);
    });
  });
});
