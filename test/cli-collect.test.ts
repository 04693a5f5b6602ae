import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_FIXTURE_SELECTORS } from './fixture-platform/all-fixtures.js';
import { generateFixtureNetwork } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { genericFixture } from './fixture-platform/platforms/generic-fixture.js';
import { telegramFixture } from './fixture-platform/platforms/telegram-fixture.js';
import { assertCliBuilt, runCli } from './support/run-cli.js';

let server: FixtureServer;
let folder: string;
const ALLOW_FIXTURE = { CRAWL_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', CRAWL_BACKOFF_BASE_MS: '10' };

interface PostLine {
  platform: string;
  id: string;
  permalink: string;
  author: string;
  publishedAt: string;
  isRepost: boolean;
  text: string;
  media: { url: string; kind: string }[];
}

beforeAll(async () => {
  assertCliBuilt();
  server = await startFixtureServer(generateFixtureNetwork({ accounts: 1, postsPerAccount: 25, handles: ['acme'], imageShare: 0.5 }), [telegramFixture, genericFixture]);
  folder = await mkdtemp(path.join(tmpdir(), 'overshare-collect-'));
});

afterEach(() => server.clearFaults());

afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

const lines = (stdout: string): PostLine[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PostLine);

describe('overshare collect', () => {
  it('prints the posts of an account as JSON Lines, newest first, and a summary on standard error', async () => {
    const result = await runCli(['collect', '--platform', 'telegram', '--handle', 'acme', '--base-url', server.baseUrl('telegram'), '--limit', '12'], { env: ALLOW_FIXTURE });
    expect(result.code, result.stderr).toBe(0);
    const posts = lines(result.stdout);
    const published = server.network.accounts.get('acme')?.posts ?? [];
    expect(posts.map((post) => post.id)).toEqual(published.slice(0, 12).map((post) => `acme/${post.id}`));
    expect(posts[0]).toMatchObject({ platform: 'telegram', author: 'acme', text: published[0]?.text, publishedAt: published[0]?.publishedAt.toISOString() });
    expect(Object.keys(posts[0] ?? {}).sort()).toEqual(['author', 'id', 'isRepost', 'media', 'permalink', 'platform', 'publishedAt', 'text']);
    expect(result.stderr).toMatch(/collect: 12 post\(s\) from 2 page\(s\) of telegram acme; stopped: limit/u);
  });

  it('keeps only posts after --since', async () => {
    const published = server.network.accounts.get('acme')?.posts ?? [];
    const since = published[4]?.publishedAt.toISOString() ?? '';
    const result = await runCli(['collect', '--platform', 'telegram', '--handle', 'acme', '--base-url', server.baseUrl('telegram'), '--since', since], { env: ALLOW_FIXTURE });
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stdout)).toHaveLength(4);
  });

  it('refuses the fixture server when CRAWL_ALLOWED_PRIVATE_HOSTS does not list it, and says what to do', async () => {
    const result = await runCli(['collect', '--platform', 'telegram', '--handle', 'acme', '--base-url', server.baseUrl('telegram')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Refused to fetch http:\/\/127\.0\.0\.1:\d+\/telegram\/s\/acme: loopback address 127\.0\.0\.1/u);
    expect(result.stderr).toMatch(/CRAWL_ALLOWED_PRIVATE_HOSTS/u);
  });

  it('reports a blocked account with the platform and the reason', async () => {
    server.setFault('telegram', { kind: 'login-wall' });
    const result = await runCli(['collect', '--platform', 'telegram', '--handle', 'acme', '--base-url', server.baseUrl('telegram')], { env: ALLOW_FIXTURE });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/overshare: telegram blocked collection: /u);
  });

  it('refuses an unknown platform and a bad --limit or --since as usage errors (exit 2)', async () => {
    expect((await runCli(['collect', '--platform', 'myspace', '--handle', 'x'])).code).toBe(2);
    const badLimit = await runCli(['collect', '--platform', 'telegram', '--handle', 'x', '--limit', '0']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toMatch(/--limit <n>.*must be a whole number/u);
    const badSince = await runCli(['collect', '--platform', 'telegram', '--handle', 'x', '--since', 'last week']);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/must be an ISO 8601 date/u);
  });

  it('needs selectors for the generic platform and names what is wrong with them', async () => {
    const missing = await runCli(['collect', '--platform', 'generic', '--handle', `${server.baseUrl('generic')}/acme/`], { env: ALLOW_FIXTURE });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/needs CSS selectors/u);
    const notJson = await runCli(['collect', '--platform', 'generic', '--handle', 'x', '--selectors', '{post:'], { env: ALLOW_FIXTURE });
    expect(notJson.stderr).toMatch(/--selectors .*is not JSON/u);
    const unknownField = await runCli(['collect', '--platform', 'generic', '--handle', 'x', '--selectors', '{"post":"article","body":".x"}'], { env: ALLOW_FIXTURE });
    expect(unknownField.stderr).toMatch(/body/u);
  });

  it('collects a site with the generic browser adapter from a selectors file', async () => {
    const file = path.join(folder, 'selectors.json');
    await writeFile(file, JSON.stringify(GENERIC_FIXTURE_SELECTORS));
    const result = await runCli(['collect', '--platform', 'generic', '--handle', `${server.baseUrl('generic')}/acme/`, '--selectors', file, '--limit', '15'], {
      env: ALLOW_FIXTURE,
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const posts = lines(result.stdout);
    expect(posts).toHaveLength(15);
    expect(posts[0]?.text).toContain('#acme-');
    expect(result.stderr).toMatch(/2 browser page\(s\)/u);
  });
});
