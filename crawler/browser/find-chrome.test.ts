import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_CHROME_PATHS, findChrome } from './find-chrome.js';

const dir = mkdtempSync(join(tmpdir(), 'find-chrome-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('findChrome', () => {
  it('returns CHROME_PATH when it is an executable file', () => {
    const chrome = file('my-chrome', 0o755);
    expect(findChrome(chrome, [])).toBe(chrome);
  });

  it('prefers CHROME_PATH over the default candidates', () => {
    const chrome = file('preferred-chrome', 0o755);
    const other = file('other-chrome', 0o755);
    expect(findChrome(chrome, [other])).toBe(chrome);
  });

  it('refuses a CHROME_PATH that does not exist, naming it and the fix', () => {
    const missing = join(dir, 'no-such-chrome');
    const error = thrown(() => findChrome(missing, [file('unused', 0o755)]));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`CHROME_PATH=${missing} does not exist`);
    expect((error as Error).message).toContain('apt-get install chromium');
  });

  it('refuses a CHROME_PATH that is not executable', () => {
    const plain = file('not-executable', 0o644);
    const error = thrown(() => findChrome(plain));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`CHROME_PATH=${plain} is not executable`);
  });

  it('refuses a CHROME_PATH that is a directory', () => {
    const error = thrown(() => findChrome(dir));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('is not executable');
  });

  it('picks the first existing executable candidate when CHROME_PATH is unset', () => {
    const candidates = [
      join(dir, 'absent'),
      file('candidate-not-executable', 0o644),
      file('candidate-a', 0o755),
      file('candidate-b', 0o755),
    ];
    expect(findChrome(undefined, candidates)).toBe(candidates[2]);
    expect(findChrome('', candidates)).toBe(candidates[2]);
  });

  it('says no Chrome was found, lists the paths tried and how to fix it', () => {
    const candidates = [join(dir, 'absent-1'), file('candidate-plain', 0o644)];
    const error = thrown(() => findChrome(undefined, candidates));
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('No Chrome or Chromium was found');
    for (const candidate of candidates) expect(message).toContain(candidate);
    expect(message).toContain('apt-get install chromium');
    expect(message).toContain('CHROME_PATH');
  });

  it('searches the usual Linux install paths by default', () => {
    expect(DEFAULT_CHROME_PATHS).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome-stable',
      '/usr/bin/google-chrome',
      '/opt/google/chrome/chrome',
    ]);
  });
});
