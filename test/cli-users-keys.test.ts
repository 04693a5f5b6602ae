import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../server/auth/api-key-token.js';
import { verifyPassword } from '../server/auth/password-hash.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { SessionsRepository } from '../store/repositories/sessions-repository.js';
import { capturingLogger } from './support/capturing-logger.js';
import { assertCliBuilt, copyMigratedDataDir, runCli, type CliResult } from './support/run-cli.js';

// Every CLI run starts Node and opens the database: a second or two each on PGlite.
const SLOW = 240_000;
const ALICE_PASSWORD = 'correct horse battery staple';

/** `overshare ARGS` with `input` on its standard input. */
function runWithInput(args: readonly string[], input: string, env: Record<string, string>): Promise<CliResult> {
  return runCli(args, { env, input, timeoutMs: 60_000 });
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

beforeAll(() => assertCliBuilt());

describe('overshare users and keys on the embedded database', () => {
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-users-keys-'));
    env = { OVERSHARE_DATA_DIR: path.join(folder, 'data') };
    await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
  }, 120_000);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  /** Opens the data folder while no CLI holds it, runs `work`, closes it. */
  async function withData<T>(work: (database: Database) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, capturingLogger().log);
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  }

  const userNamed = (database: Database, username: string) => database.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  const auditText = async (database: Database) => JSON.stringify(await database.db.selectFrom('audit_log').selectAll().execute());

  it('adds a user with the password from standard input, stores a hash that verifies, and never prints or audits the password', { timeout: SLOW }, async () => {
    const result = await runWithInput(['users', 'add', 'alice', '--role', 'reviewer', '--email', 'alice@halvard-aero.example', '--name', 'Alice Aalto', '--password-stdin'], `${ALICE_PASSWORD}\n`, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Added alice \(reviewer\) as [0-9a-f-]{36}\.\n$/u);
    expect(result.stdout + result.stderr).not.toContain(ALICE_PASSWORD);

    await withData(async (database) => {
      const alice = await userNamed(database, 'alice');
      expect(alice).toMatchObject({ role: 'reviewer', email: 'alice@halvard-aero.example', display_name: 'Alice Aalto', is_active: true });
      expect(await verifyPassword(ALICE_PASSWORD, alice.password_hash!)).toBe(true);
      const created = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.created').where('target_id', '=', alice.id).execute();
      expect(created).toHaveLength(1);
      expect(created[0]?.details).toMatchObject({ via: 'cli', username: 'alice', role: 'reviewer' });
      expect(await auditText(database)).not.toContain(ALICE_PASSWORD);
    });
  });

  it('generates a strong password when there is no terminal and no --password-stdin, and prints it exactly once', { timeout: SLOW }, async () => {
    const result = await runCli(['users', 'add', 'bob', '--role', 'auditor'], { env });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[1]).toBe('Generated password (shown only now; pass it on safely and change it with `overshare users passwd bob`):');
    const password = lines[2]!;
    expect(password).toMatch(/^[\w-]{24}$/u);
    expect(occurrences(result.stdout + result.stderr, password)).toBe(1);

    await withData(async (database) => {
      expect(await verifyPassword(password, (await userNamed(database, 'bob')).password_hash!)).toBe(true);
      expect(await auditText(database)).not.toContain(password);
    });
  });

  it('refuses a short password, a name taken in another case, a bad role and an unknown user, each saying what to do', { timeout: SLOW }, async () => {
    const short = await runWithInput(['users', 'add', 'carol', '--role', 'admin', '--password-stdin'], 'too short\n', env);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('must be at least 12 characters');
    expect(short.stderr).not.toContain('too short');

    const taken = await runWithInput(['users', 'add', 'ALICE', '--role', 'admin', '--password-stdin'], 'another long passphrase\n', env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('alice is taken');

    const badRole = await runCli(['users', 'add', 'dave', '--role', 'boss'], { env });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('Allowed choices are admin, reviewer, auditor, siem');

    const unknown = await runCli(['users', 'disable', 'nobody'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user is called "nobody"; `overshare users list` shows the users.');

  });

  it('sets a new password with passwd and ends every session of the user', { timeout: SLOW }, async () => {
    const aliceId = await withData(async (database) => {
      const alice = await userNamed(database, 'alice');
      await new SessionsRepository(database.db).create({ tokenHash: 'a'.repeat(64), userId: alice.id, csrfToken: 'csrf', expiresAt: new Date(Date.now() + 3_600_000), ip: null, userAgent: null });
      return alice.id;
    });
    const result = await runWithInput(['users', 'passwd', 'alice', '--password-stdin'], 'a brand new passphrase\n', env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Set a new password for alice; their sessions have ended.\n');

    await withData(async (database) => {
      const alice = await userNamed(database, 'alice');
      expect(await verifyPassword('a brand new passphrase', alice.password_hash!)).toBe(true);
      expect(await verifyPassword(ALICE_PASSWORD, alice.password_hash!)).toBe(false);
      expect(await database.db.selectFrom('sessions').select('token_hash').where('user_id', '=', aliceId).execute()).toEqual([]);
      const changed = await database.db.selectFrom('audit_log').select('action').where('target_id', '=', aliceId).orderBy('id').execute();
      expect(changed.map((entry) => entry.action)).toEqual(['user.created', 'user.password_changed']);
      expect(await auditText(database)).not.toContain('a brand new passphrase');
    });
  });

  it('disables and re-enables a user, and lists users with role, state and last login but no hashes', { timeout: SLOW }, async () => {
    const disabled = await runCli(['users', 'disable', 'bob'], { env });
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain('Disabled bob: their sessions have ended and their API keys stop working.');
    expect((await runCli(['users', 'disable', 'bob'], { env })).stdout).toBe('bob is already disabled; nothing changed.\n');

    const table = await runCli(['users', 'list'], { env });
    const [header, ...rows] = table.stdout.split('\n');
    expect(header).toMatch(/^USERNAME +ROLE +ACTIVE +LAST LOGIN +NAME +E-MAIL$/u);
    expect(rows[0]).toMatch(/^alice +reviewer +yes +- +Alice Aalto +alice@halvard-aero\.example$/u);
    expect(rows[1]).toMatch(/^bob +auditor +no +- +- +-$/u);
    expect(table.stdout).not.toContain('scrypt');

    const json = await runCli(['users', 'list', '--json'], { env });
    expect(json.stdout).not.toContain('scrypt');
    expect(json.stdout).not.toContain('password');
    // Only alice and bob: the refused adds left nothing behind.
    const listed = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(listed.map((user) => user.username)).toEqual(['alice', 'bob']);
    expect(listed[1]).toMatchObject({ username: 'bob', role: 'auditor', isActive: false, lastLoginAt: null });

    const enabled = await runCli(['users', 'enable', 'bob'], { env });
    expect(enabled.stdout).toContain('Enabled bob');
    await withData(async (database) => {
      expect((await userNamed(database, 'bob')).is_active).toBe(true);
      const bob = await userNamed(database, 'bob');
      const actions = await database.db.selectFrom('audit_log').select('action').where('target_id', '=', bob.id).orderBy('id').execute();
      expect(actions.map((entry) => entry.action)).toEqual(['user.created', 'user.disabled', 'user.enabled']);
    });
  });

  it('creates a key, printing its token once with its prefix and a warning, and stores only its hash', { timeout: SLOW }, async () => {
    const result = await runCli(['keys', 'create', '--name', 'splunk-forwarder', '--role', 'siem', '--scopes', 'findings:read,events:read', '--expires', '30d', '--user', 'bob'], { env });
    expect(result.code, result.stderr).toBe(0);
    const token = /^(osk_[a-z0-9]{10}_[\w-]{43})$/mu.exec(result.stdout)?.[1];
    expect(token).toBeDefined();
    const prefix = token!.slice(0, 14);
    expect(result.stdout).toContain(`Created API key "splunk-forwarder" with prefix ${prefix}: role siem, scopes findings:read, events:read, owned by bob, expires `);
    expect(result.stdout).toContain('it cannot be shown again');
    expect(occurrences(result.stdout + result.stderr, token!)).toBe(1);

    await withData(async (database) => {
      const key = await database.db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix.slice(4)).executeTakeFirstOrThrow();
      expect(key.key_hash).toBe(hashApiKey(token!));
      expect(key).toMatchObject({ name: 'splunk-forwarder', role: 'siem', scopes: ['findings:read', 'events:read'], created_by: (await userNamed(database, 'bob')).id, revoked_at: null });
      const lifetimeDays = (key.expires_at!.getTime() - key.created_at.getTime()) / 86_400_000;
      expect(lifetimeDays).toBeCloseTo(30, 1);
      const created = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'api_key.created').where('target_id', '=', key.id).executeTakeFirstOrThrow();
      expect(created.details).toMatchObject({ via: 'cli', prefix, role: 'siem', scopes: ['findings:read', 'events:read'], owner: 'bob' });
      const audit = await auditText(database);
      expect(audit).not.toContain(token!);
      expect(audit).not.toContain(key.key_hash);
    });
  });

  it('refuses a scope the role lacks listing what it allows, a key beyond its owner, and an expiry that is not one', { timeout: SLOW }, async () => {
    const [lacking, beyondOwner, badExpiry] = [
      await runCli(['keys', 'create', '--name', 'x', '--role', 'siem', '--scopes', 'findings:read,evidence:reveal'], { env }),
      await runCli(['keys', 'create', '--name', 'x', '--role', 'admin', '--user', 'alice'], { env }),
      await runCli(['keys', 'create', '--name', 'x', '--role', 'siem', '--expires', 'tomorrow'], { env }),
    ];
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain('--scopes: the siem role does not grant evidence:reveal; it allows: findings:read, coverage:read, events:read, session:self');
    expect(beyondOwner.code).toBe(1);
    expect(beyondOwner.stderr).toContain('--user: alice is reviewer, which does not grant accounts:write');
    expect(badExpiry.code).toBe(1);
    expect(badExpiry.stderr).toContain('--expires: "tomorrow" is not an expiry');
    const pastDate = await runCli(['keys', 'create', '--name', 'x', '--role', 'siem', '--expires', '2020-01-01'], { env });
    expect(pastDate.stderr).toContain('--expires: 2020-01-01T00:00:00.000Z is not in the future');
  });

  it('lists keys without tokens or hashes, and revokes one by prefix exactly once', { timeout: SLOW }, async () => {
    const forever = await runCli(['keys', 'create', '--name', 'nightly export', '--role', 'auditor', '--expires', 'never'], { env });
    expect(forever.code, forever.stderr).toBe(0);
    expect(forever.stdout).toContain('every permission of the role, owned by no user, never expires.');
    const token = /^(osk_\S+)$/mu.exec(forever.stdout)![1]!;
    const prefix = token.slice(0, 14);

    const table = await runCli(['keys', 'list'], { env });
    const [header, ...rows] = table.stdout.split('\n');
    expect(header).toMatch(/^PREFIX +NAME +ROLE +SCOPES +OWNER +CREATED +EXPIRES +LAST USED +REVOKED$/u);
    expect(rows[0]).toMatch(new RegExp(`^${prefix} +nightly export +auditor +all +- +\\S+ \\S+ +never +- +-$`, 'u'));
    expect(table.stdout).not.toContain(token);

    const revoked = await runCli(['keys', 'revoke', prefix], { env });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`Revoked the API key "nightly export" (${prefix}): it no longer works.\n`);
    const again = await runCli(['keys', 'revoke', prefix], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`the key ${prefix} was already revoked at`);
    const unknown = await runCli(['keys', 'revoke', 'osk_zzzzzzzzzz'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('`overshare keys list` shows them');

    const json = await runCli(['keys', 'list', '--json'], { env });
    const keys = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { prefix: string; revokedAt: string | null; owner: string | null });
    expect(keys.map((key) => [key.prefix, key.owner, key.revokedAt !== null])).toEqual([
      [prefix, null, true],
      [expect.stringMatching(/^osk_/u), 'bob', false],
    ]);
    expect(json.stdout).not.toContain(token);
    expect(json.stdout).not.toContain(hashApiKey(token));
    await withData(async (database) => {
      const actions = await database.db.selectFrom('audit_log').select('action').where('target_type', '=', 'api_key').orderBy('id').execute();
      expect(actions.map((entry) => entry.action)).toEqual(['api_key.created', 'api_key.created', 'api_key.revoked']);
    });
  });
});
