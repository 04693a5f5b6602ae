import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OVERSHARE_VERSION } from './version.js';

describe('OVERSHARE_VERSION', () => {
  it('is the version in package.json', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

    expect(OVERSHARE_VERSION).toBe(manifest.version);
  });

  it('is a semantic version, not the unknown fallback', () => {
    expect(OVERSHARE_VERSION).toMatch(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/u);
  });
});
