import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { FindingsRepository, type FindingInput } from '../store/repositories/findings-repository.js';
import { PostsRepository } from '../store/repositories/posts-repository.js';
import { capturingLogger } from './support/capturing-logger.js';
import { assertCliBuilt, copyMigratedDataDir, runCli } from './support/run-cli.js';

// Every CLI run starts Node and opens the embedded database: a second or two each.
const SLOW = 60_000;

interface FindingLine {
  id: string;
  state: string;
  ruleIds: string[];
  score: number;
  title: string | null;
  evidence: { source: string; text: string };
  account: { platform: string; handle: string };
  post: { url: string };
}

let folder: string;
let env: Record<string, string>;
const ids = { marking: '', key: '', badge: '' };

/** The data folder is locked by one process at a time: the test writes, closes, then runs the CLI. */
async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const { log } = capturingLogger();
  const database = await openDatabase({ dataDir: env.OVERSHARE_DATA_DIR!, poolMax: 1, connectTimeoutMs: 10_000, statementTimeoutMs: 0 }, log);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  assertCliBuilt();
  folder = await mkdtemp(path.join(tmpdir(), 'overshare-findings-'));
  env = { OVERSHARE_DATA_DIR: path.join(folder, 'data') };
  await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
  await withDatabase(async (database) => {
    const { log } = capturingLogger();
    await migrateToLatest(database.db, log);
    const account = await new AccountsRepository(database.db).create({ platform: 'mastodon', handle: 'jane@social.example', kind: 'employee', owner: { name: 'Jane Doe' } });
    const { post } = await new PostsRepository(database.db).upsert({
      accountId: account.id,
      platform: 'mastodon',
      externalId: 'social.example/101',
      url: 'https://social.example/@jane/101',
      text: 'Desk photo. Key: AKIAZ7QWERTYUIOPASDF',
    });
    const findings = new FindingsRepository(database.db);
    const base = { postId: post.id, accountId: account.id } as const;
    const marking: FindingInput = { ...base, ruleIds: ['marking-confidential', 'context-internal'], category: 'marking', severity: 'high', score: 87, scoreBreakdown: { base: 70, context: 17 }, evidence: { source: 'ocr', text: 'STRICTLY CONFIDENTIAL', box: [10, 20, 300, 40] } };
    ids.marking = (await findings.record(marking)).finding.id;
    // Rescored: a second version, so the history has two events.
    await findings.record({ ...marking, score: 91, scoreBreakdown: { base: 70, context: 21 } });
    ids.key = (await findings.record({ ...base, ruleIds: ['aws-access-key'], category: 'secret', severity: 'critical', score: 95, scoreBreakdown: { base: 95 }, evidence: { source: 'text', text: 'AKIAZ7QWERTYUIOPASDF', start: 16, end: 36 } })).finding.id;
    ids.badge = (await findings.record({ ...base, ruleIds: ['employee-badge'], category: 'employee_id', severity: 'medium', score: 55, scoreBreakdown: { base: 55 }, evidence: { source: 'ocr', text: 'EMP-\u001b[31m0042' } })).finding.id;
    await database.db
      .updateTable('findings')
      .set({ title: 'Document marked confidential', explain: 'A confidentiality marking, read in the image, near internal context.' })
      .where('id', '=', ids.marking)
      .execute();
    await database.db.updateTable('findings').set({ state: 'in_review' }).where('id', '=', ids.key).execute();
  });
}, 120_000);

afterAll(async () => rm(folder, { recursive: true, force: true }));

describe('overshare findings', () => {
  it('lists findings as a table with their account, post and state', { timeout: SLOW }, async () => {
    const result = await runCli(['findings', 'list'], { env });
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.split('\n');
    expect(header).toMatch(/^ID +CREATED +SEVERITY +SCORE +CATEGORY +RULE +ACCOUNT +POST +STATE$/u);
    const marking = rows.find((row) => row.startsWith(ids.marking.slice(0, 8)));
    expect(marking).toMatch(
      /^[0-9a-f]{8} +\d{4}-\d\d-\d\d \d\d:\d\dZ +high +91 +marking +marking-confidential \+1 +mastodon:jane@social\.example +https:\/\/social\.example\/@jane\/101 +new$/u,
    );
    expect(rows.find((row) => row.startsWith(ids.key.slice(0, 8)))).toMatch(/ critical +95 +secret +aws-access-key .* in_review$/u);
    expect(result.stdout).toContain('3 findings.');
  });

  it('narrows the list to one state', { timeout: SLOW }, async () => {
    const inReview = await runCli(['findings', 'list', '--state', 'in_review'], { env });
    expect(inReview.stdout).toContain(ids.key.slice(0, 8));
    expect(inReview.stdout).not.toContain(ids.marking.slice(0, 8));
    expect(inReview.stdout).toContain('1 finding.');
    const resolved = await runCli(['findings', 'list', '--state', 'resolved'], { env });
    expect(resolved.stdout.trim()).toBe('No findings in state resolved.');
    const badState = await runCli(['findings', 'list', '--state', 'done'], { env });
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain('Allowed choices are new, in_review, resolved, reopened');
  });

  it('prints JSON Lines with the evidence masked', { timeout: SLOW }, async () => {
    const result = await runCli(['findings', 'list', '--json', '--limit', '2'], { env });
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as FindingLine);
    expect(lines).toHaveLength(2);
    const all = (await runCli(['findings', 'list', '--json'], { env })).stdout.trim().split('\n').map((line) => JSON.parse(line) as FindingLine);
    const key = all.find((line) => line.id === ids.key);
    expect(key).toMatchObject({
      state: 'in_review',
      ruleIds: ['aws-access-key'],
      score: 95,
      evidence: { source: 'text', text: 'AK********DF' },
      account: { platform: 'mastodon', handle: 'jane@social.example' },
      post: { url: 'https://social.example/@jane/101' },
    });
    expect(result.stdout).not.toContain('AKIAZ7QWERTYUIOPASDF');
  });

  it('shows every field of a finding with its evidence as stored and its history, and audits the reveal', { timeout: SLOW }, async () => {
    const result = await runCli(['findings', 'show', ids.marking.slice(0, 8)], { env });
    expect(result.code, result.stderr).toBe(0);
    for (const line of [
      `id:            ${ids.marking}`,
      'title:         Document marked confidential',
      'rules:         marking-confidential, context-internal',
      'score:         91 (base 70, context 21)',
      'explain:       A confidentiality marking, read in the image, near internal context.',
      'evidence:      "STRICTLY CONFIDENTIAL"',
      'evidence at:   source ocr, box x=10 y=20 w=300 h=40',
      'post:          https://social.example/@jane/101',
      'account:       mastodon:jane@social.example (employee, Jane Doe)',
      'state:         new',
      'resolution:    -',
      'version:       2',
      'history (2 events):',
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(result.stdout).toMatch(/ v1 {2}finding\.created, state new, score 87\n.* v2 {2}finding\.updated, state new, score 91$/mu);
    const reveals = await withDatabase((database) =>
      database.db.selectFrom('audit_log').selectAll().where('action', '=', 'finding.reveal').where('target_id', '=', ids.marking).execute(),
    );
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({ actor_type: 'user', details: { via: 'cli' } });
  });

  it('shows control characters in evidence escaped, not sent to the terminal', { timeout: SLOW }, async () => {
    const result = await runCli(['findings', 'show', ids.badge], { env });
    expect(result.stdout).toContain('evidence:      "EMP-\\u001b[31m0042"');
    expect(result.stdout).not.toContain('\u001b');
  });

  it('reports an unknown finding id with exit code 1, saying which forms an id takes', { timeout: SLOW }, async () => {
    const result = await runCli(['findings', 'show', '00000000-0000-4000-8000-000000000000'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No finding matches "00000000-0000-4000-8000-000000000000": give its id, or the first 8 or more characters');
    const notAnId = await runCli(['findings', 'show', 'latest'], { env });
    expect(notAnId.code).toBe(1);
    expect(notAnId.stderr).toContain('No finding matches "latest"');
  });
});
