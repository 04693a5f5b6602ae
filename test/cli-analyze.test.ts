import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderTextImage } from './support/render-text-image.js';
import { assertCliBuilt, REPO_ROOT, runCli, type CliResult } from './support/run-cli.js';

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
  timingsMs?: { rules: number; ocr?: number };
  metadata?: { gps?: [number, number]; hasText?: boolean; format?: string; hash?: string };
}

function lines(stdout: string): OutputLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutputLine);
}

describe('overshare analyze', () => {
  // One run serves the first two tests: every run starts Node and compiles the rule packs.
  let texts: { folder: string; result: CliResult };
  beforeAll(async () => {
    const textFolder = await mkdtemp(path.join(tmpdir(), 'overshare-analyze-texts-'));
    await writeFile(path.join(textFolder, 'memo.txt'), 'Look what I found on the printer:\nSTRICTLY CONFIDENTIAL\nQ3 board memo');
    await writeFile(path.join(textFolder, 'lunch.md'), 'Great lunch with the team today, the soup was amazing.');
    await mkdir(path.join(textFolder, 'corpus', 'dumps'), { recursive: true });
    const posts = [
      { id: 'p1', text: 'our wifi password is Kx9#mPq2vL for the guests' },
      { id: 'p2', text: 'Nice weather' },
      { id: 'p3', images: [{ text: 'KONFIDENCIÁLNÍ? no: ŚCIŚLE POUFNE — plan zwolnień' }] },
    ];
    await writeFile(path.join(textFolder, 'corpus', 'dumps', 'posts.json'), JSON.stringify(posts));
    const result = await runCli(['analyze', path.join(textFolder, 'memo.txt'), path.join(textFolder, 'lunch.md'), path.join(textFolder, 'corpus')]);
    texts = { folder: textFolder, result };
  }, 60_000);
  afterAll(async () => rm(texts.folder, { recursive: true, force: true }));

  it('prints one JSON line per input, leak and score included, with evidence offsets into the text', () => {
    expect(texts.result.code).toBe(0);
    const [memo, lunch] = lines(texts.result.stdout);
    expect(memo).toMatchObject({ input: path.join(texts.folder, 'memo.txt'), kind: 'text', leak: true });
    const marking = memo?.findings?.find((finding) => finding.category === 'marking');
    expect(marking?.evidence.text).toBe('STRICTLY CONFIDENTIAL');
    expect(memo?.text?.slice(marking?.evidence.start, marking?.evidence.end)).toBe('STRICTLY CONFIDENTIAL');
    expect(marking?.explain).toContain('base');
    expect(typeof memo?.timingsMs?.rules).toBe('number');
    expect(lunch).toMatchObject({ input: path.join(texts.folder, 'lunch.md'), kind: 'text', leak: false, score: 0, findings: [] });
  });

  it('analyzes every post of a JSON post dump, naming each by its id, and folders recursively', () => {
    expect(texts.result.code).toBe(0);
    const output = lines(texts.result.stdout).slice(2);
    expect(output.map((line) => line.input)).toEqual(['p1', 'p2', 'p3'].map((id) => `${path.join(texts.folder, 'corpus', 'dumps', 'posts.json')}#${id}`));
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
    expect(output[2]?.error).toContain('photo.jpg could not be decoded');
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

describe('overshare analyze with images', () => {
  // The OCR engine takes seconds to start: the photographed page and the hangar photo share one run,
  // under the example policy, which names the hangar's site.
  let photos: { folder: string; result: CliResult };
  beforeAll(async () => {
    const photoFolder = await mkdtemp(path.join(tmpdir(), 'overshare-analyze-photos-'));
    await writeFile(
      path.join(photoFolder, 'desk.jpg'),
      await renderTextImage({ lines: ['Board pack, draft 2', 'Revenue forecast Q3: 12.4 million EUR', 'Do not forward'], stamp: 'STRICTLY CONFIDENTIAL', rotate: 6 }),
    );
    await writeFile(path.join(photoFolder, 'note.txt'), 'lunch was great');
    const hangar = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#6d7f8c' } })
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 13/1 4692/100', GPSLongitudeRef: 'E', GPSLongitude: '21/1 0/1 4392/100' } })
      .jpeg()
      .toBuffer();
    await writeFile(path.join(photoFolder, 'hangar.jpg'), hangar);
    const inputs = ['desk.jpg', 'note.txt', 'hangar.jpg'].map((name) => path.join(photoFolder, name));
    const result = await runCli(['analyze', '--policy', path.join(REPO_ROOT, 'examples/overshare.policy.yaml'), ...inputs], { timeoutMs: 90_000 });
    photos = { folder: photoFolder, result };
  }, 120_000);
  afterAll(async () => rm(photos.folder, { recursive: true, force: true }));

  it('reads a photographed page, finds its leaks with the box of their evidence, and mixes images with text', () => {
    expect(photos.result.code, photos.result.stderr).toBe(0);
    const [desk, note] = lines(photos.result.stdout);
    expect(desk).toMatchObject({ input: path.join(photos.folder, 'desk.jpg'), kind: 'image', leak: true, metadata: { format: 'jpeg', hasText: true } });
    const marking = desk?.findings?.find((finding) => finding.ruleId === 'marking-strictly-confidential');
    expect(marking?.evidence).toMatchObject({ source: 'ocr', text: 'STRICTLY CONFIDENTIAL', box: expect.any(Array) as number[] });
    expect(desk?.text).toContain('forecast');
    expect(typeof desk?.timingsMs?.ocr).toBe('number');
    expect(note).toMatchObject({ input: path.join(photos.folder, 'note.txt'), kind: 'text', leak: false });
  });

  it('flags a photo taken inside a sensitive site of the policy from its EXIF GPS, even with no text in it', () => {
    expect(photos.result.code, photos.result.stderr).toBe(0);
    const line = lines(photos.result.stdout)[2];
    expect(line?.input).toBe(path.join(photos.folder, 'hangar.jpg'));
    expect(line?.metadata).toMatchObject({ hasText: false });
    expect(line?.metadata?.gps?.[0]).toBeCloseTo(52.2297, 4);
    expect(line?.findings?.map((finding) => [finding.category, finding.evidence.source])).toEqual([['location', 'exif']]);
    expect(line?.findings?.[0]?.evidence.text).toContain('Plant 2 test hangar');
  });

  it('gives each bad image its own error line and goes on with the rest', async () => {
    const page = await renderTextImage({ lines: ['Internal use only: org chart 2027'] });
    await writeFile(path.join(folder, 'a-empty.png'), Buffer.alloc(0));
    await writeFile(path.join(folder, 'b-cut.jpg'), page.subarray(0, page.length >> 1));
    await writeFile(path.join(folder, 'c-drawing.png'), '<svg xmlns="http://www.w3.org/2000/svg"><text>CONFIDENTIAL</text></svg>');
    await writeFile(path.join(folder, 'd-fine.jpg'), page);
    const result = await runCli(['analyze', folder], { timeoutMs: 90_000 });
    expect(result.code).toBe(1);
    const output = lines(result.stdout);
    expect(output.map((line) => path.basename(line.input))).toEqual(['a-empty.png', 'b-cut.jpg', 'c-drawing.png', 'd-fine.jpg']);
    expect(output[0]?.error).toMatch(/empty/u);
    expect(output[1]?.error).toMatch(/could not be decoded/u);
    expect(output[2]?.error).toMatch(/SVG/u);
    expect(output[3]).toMatchObject({ kind: 'image', leak: true });
    expect(result.stderr).toContain('c-drawing.png');
  }, 120_000);

  it('shows progress on standard error for many inputs, keeps standard output to JSON lines, and honours --concurrency', async () => {
    for (let index = 0; index < 12; index += 1) await writeFile(path.join(folder, `post-${String(index).padStart(2, '0')}.txt`), index === 3 ? 'STRICTLY CONFIDENTIAL memo' : 'hello');
    const result = await runCli(['analyze', '--concurrency', '3', folder]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(12);
    expect(result.stderr).toContain('analyzed 12/12 inputs: 1 with leaks, 0 failed');
    const refused = await runCli(['analyze', '--concurrency', '0', folder]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('must be a whole number from 1 to 256');
  });
});
