import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, runCli, spawnCli } from './support/run-cli.js';

const SLOW = 180_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(() => assertCliBuilt());

// `npm start` runs `overshare demo`: this is what a new user sees first.
describe('overshare demo', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-demo-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('scans the bundled demo accounts, prints the leaks found in text and images, then serves until stopped', async () => {
    const platformPort = String(await freePort());
    const demo = spawnCli(['demo', '--data-dir', path.join(folder, 'data'), '--port', '0', '--platform-port', platformPort]);
    try {
      for (let waited = 0; !/keeps running on (http:\/\/\S+) /u.test(demo.output().stdout); waited += 100) {
        if (waited > 150_000 || demo.child.exitCode !== null) throw new Error(`the demo did not get to serving:\n${demo.output().stderr}`);
        await sleep(100);
      }
      const { stdout } = demo.output();
      expect(stdout).toMatch(/^DEMO DATA: the demo platform at http:\/\/127\.0\.0\.1:\d+ serves invented accounts and posts/mu);
      expect(stdout).toMatch(/completed in [\d.]+ s: 6 accounts, 40 new or changed posts, 4 images read, 11 new findings, 0 errors\./u);
      // A code name and a marking in post text, a marking and a code name read by OCR, a photo's GPS.
      expect(stdout).toMatch(/codename-lodestar-7\s+post text\s+dmitri_orlov\s+Lodestar-7/u);
      expect(stdout).toMatch(/marking-confidential\s+image text\s+anna_nowak\s+CONFIDENTIAL/u);
      expect(stdout).toMatch(/codename-skylark\s+image text\s+anna_nowak\s+Skylark/u);
      expect(stdout).toMatch(/sensitive-site-location\s+image GPS\s+dmitri_orlov/u);
      const url = /keeps running on (http:\/\/\S+) /u.exec(stdout)?.[1] ?? '';
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      expect(await demo.stop('SIGTERM')).toBe(0);
    }

    const again = await runCli(['demo', '--data-dir', path.join(folder, 'data'), '--once', '--platform-port', platformPort], { timeoutMs: SLOW });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/completed in [\d.]+ s: 6 accounts, 0 new or changed posts, 0 images read, 0 new findings, 0 errors\./u);
  }, SLOW);
});
