import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertCliBuilt, runCli } from './support/run-cli.js';

beforeAll(() => assertCliBuilt());

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'overshare-analyze-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

interface OutputLine {
  input: string;
  kind: string;
  leak?: boolean;
  score?: number;
  error?: string;
  findings?: { ruleId: string; category: string; score: number; evidence: { source: string; text: string; start: number; end: number }; explain: string }[];
  text?: string;
  timingsMs?: { rules: number };
}

function lines(stdout: string): OutputLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutputLine);
}

describe('overshare analyze', () => {
  it('prints one JSON line per input, leak and score included, with evidence offsets into the text', async () => {
    await writeFile(path.join(folder, 'memo.txt'), 'Look what I found on the printer:\nSTRICTLY CONFIDENTIAL\nQ3 board memo');
    await writeFile(path.join(folder, 'lunch.md'), 'Great lunch with the team today, the soup was amazing.');
    const result = await runCli(['analyze', path.join(folder, 'memo.txt'), path.join(folder, 'lunch.md')]);
    expect(result.code).toBe(0);
    const [memo, lunch] = lines(result.stdout);
    expect(memo).toMatchObject({ input: path.join(folder, 'memo.txt'), kind: 'text', leak: true });
    const marking = memo?.findings?.find((finding) => finding.category === 'marking');
    expect(marking?.evidence.text).toBe('STRICTLY CONFIDENTIAL');
    expect(memo?.text?.slice(marking?.evidence.start, marking?.evidence.end)).toBe('STRICTLY CONFIDENTIAL');
    expect(marking?.explain).toContain('base');
    expect(typeof memo?.timingsMs?.rules).toBe('number');
    expect(lunch).toMatchObject({ kind: 'text', leak: false, score: 0, findings: [] });
  });

  it('analyzes every post of a JSON post dump, naming each by its id, and folders recursively', async () => {
    await mkdir(path.join(folder, 'dumps'));
    const posts = [
      { id: 'p1', text: 'our wifi password is Kx9#mPq2vL for the guests' },
      { id: 'p2', text: 'Nice weather' },
      { id: 'p3', images: [{ text: 'KONFIDENCIÁLNÍ? no: ŚCIŚLE POUFNE — plan zwolnień' }] },
    ];
    await writeFile(path.join(folder, 'dumps', 'posts.json'), JSON.stringify(posts));
    const result = await runCli(['analyze', folder]);
    expect(result.code).toBe(0);
    const output = lines(result.stdout);
    expect(output.map((line) => line.input)).toEqual(['p1', 'p2', 'p3'].map((id) => `${path.join(folder, 'dumps', 'posts.json')}#${id}`));
    expect(output.map((line) => line.leak)).toEqual([true, false, true]);
    expect(output[2]?.findings?.[0]?.evidence.source).toBe('ocr');
  });

  it('reports a bad input on its own line and on standard error, goes on with the rest and exits 1', async () => {
    await writeFile(path.join(folder, 'broken.json'), '{"text": ');
    await writeFile(path.join(folder, 'wrong.json'), '{"text": 42}');
    await writeFile(path.join(folder, 'fine.txt'), 'nothing to see');
    await writeFile(path.join(folder, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    await writeFile(path.join(folder, 'data.csv'), 'a,b\n');
    const result = await runCli([
      'analyze',
      path.join(folder, 'broken.json'),
      path.join(folder, 'missing.txt'),
      path.join(folder, 'photo.jpg'),
      path.join(folder, 'wrong.json'),
      path.join(folder, 'data.csv'),
      path.join(folder, 'fine.txt'),
    ]);
    expect(result.code).toBe(1);
    const output = lines(result.stdout);
    expect(output).toHaveLength(6);
    expect(output[0]?.error).toBe('is not valid JSON; check it with a JSON validator');
    expect(output[1]?.error).toContain('cannot be read (ENOENT)');
    expect(output[2]).toMatchObject({ kind: 'image' });
    expect(output[2]?.error).toContain('OCR');
    expect(output[3]?.error).toContain('is not a post dump');
    expect(output[3]?.error).toContain('text:');
    expect(output[4]?.error).toContain('unsupported file type ".csv"');
    expect(output[5]).toMatchObject({ leak: false });
    expect(result.stderr).toContain('broken.json: is not valid JSON');
    // The text around a JSON fault may be a secret: it is never quoted.
    await writeFile(path.join(folder, 'secret.json'), '{"text": AKIAZ7Q3XK4MTR2PLW5N}');
    const secret = await runCli(['analyze', path.join(folder, 'secret.json')]);
    expect(secret.stdout + secret.stderr).not.toContain('AKIA');
  });

  it('prints a readable table with --format table', async () => {
    await writeFile(path.join(folder, 'key.txt'), 'deploy with AKIAZ3MHQ7T4NV2KXW5P please');
    const result = await runCli(['analyze', '--format', 'table', path.join(folder, 'key.txt')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/key\.txt {2}LEAK {2}score \d+/u);
    expect(result.stdout).toContain('"AKIAZ3MHQ7T4NV2KXW5P"');
  });

  it('uses the policy given with --policy: its code names and its allowlist', async () => {
    await writeFile(path.join(folder, 'post.txt'), 'The Nightjar prototype launch slipped to Q3. Mail press@halvard-aero.example for comments.');
    const result = await runCli(['analyze', '--policy', 'examples/overshare.policy.yaml', path.join(folder, 'post.txt')]);
    expect(result.code).toBe(0);
    const [line] = lines(result.stdout);
    // The press address is allowlisted by the policy; the code name in a project context is a leak.
    expect(line?.findings?.filter((finding) => finding.score >= 60).map((finding) => finding.ruleId)).toContain('codename-nightjar');
    expect(line?.findings?.some((finding) => finding.evidence.text.includes('press@'))).toBe(false);
  });

  it('exits 2 on a wrong --format and 1 with the reason on a bad policy', async () => {
    const format = await runCli(['analyze', '--format', 'xml', 'README.md']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are json, table');
    await writeFile(path.join(folder, 'policy.yaml'), 'version: 1\norganisation: {name: X}\noverrides: {marking-confidentail: {enabled: false}}\n');
    const policy = await runCli(['analyze', '--policy', path.join(folder, 'policy.yaml'), 'README.md']);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toContain('overrides.marking-confidentail: names no rule in the enabled packs');
  });
});

describe('overshare rules', () => {
  it('lists every rule with pack, category and severity, and what the policy turned off', async () => {
    const result = await runCli(['rules', 'list', '--json']);
    expect(result.code).toBe(0);
    const rows = lines(result.stdout) as unknown as { id: string; pack?: string; enabled: boolean }[];
    const packs = new Set(rows.map((row) => row.pack));
    for (const pack of ['markings', 'secrets', 'pii', 'business', 'organisation']) expect(packs).toContain(pack);
    expect(rows.every((row) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/u.test(row.id))).toBe(true);
    const withPolicy = await runCli(['rules', 'list', '--policy', 'examples/overshare.policy.yaml']);
    expect(withPolicy.stdout).toContain('codename-nightjar');
  });

  it('runs every example and says how many passed', async () => {
    const result = await runCli(['rules', 'test'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ examples of \d+ rules: \d+ passed, 0 failed\.$/mu);
  });

  it('explains a rule and its verdict on a given text', async () => {
    const result = await runCli(['rules', 'explain', 'secret-aws-access-key-id', '--text', 'key AKIAZ3MHQ7T4NV2KXW5P']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('secret-aws-access-key-id');
    expect(result.stdout).toContain('leak examples:');
    expect(result.stdout).toMatch(/reported: "AKIAZ3MHQ7T4NV2KXW5P" — secret-aws-access-key-id: base/u);
  });

  it('suggests the closest rule id for a misspelt one and exits 1', async () => {
    const result = await runCli(['rules', 'explain', 'secret-aws-acess-key-id']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Did you mean "secret-aws-access-key-id"?');
    expect(result.stderr).toContain('rule "secret-aws-acess-key-id" was not found');
  });
});
