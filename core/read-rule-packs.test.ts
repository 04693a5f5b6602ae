import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { bundledPacksFolder, readRulePacks } from './read-rule-packs.js';

describe('readRulePacks', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-packs-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads every .yaml file of the folder, sorted by name', async () => {
    await writeFile(path.join(folder, 'secrets.yaml'), 'pack: secrets\n');
    await writeFile(path.join(folder, 'markings.yaml'), 'pack: markings\n');
    const packs = await readRulePacks(folder);
    expect(packs.map((pack) => [path.basename(pack.source), pack.text])).toEqual([
      ['markings.yaml', 'pack: markings\n'],
      ['secrets.yaml', 'pack: secrets\n'],
    ]);
  });

  it('ignores files that are not .yaml', async () => {
    await writeFile(path.join(folder, 'markings.yaml'), 'pack: markings\n');
    await writeFile(path.join(folder, 'README.md'), '# packs\n');
    await writeFile(path.join(folder, 'old.yml'), 'pack: old\n');
    expect((await readRulePacks(folder)).map((pack) => path.basename(pack.source))).toEqual(['markings.yaml']);
  });

  it('names each pack by its path relative to the working directory', async () => {
    await writeFile(path.join(folder, 'markings.yaml'), 'pack: markings\n');
    const [pack] = await readRulePacks(folder);
    expect(pack?.source).toBe(path.relative(process.cwd(), path.join(folder, 'markings.yaml')));
  });

  it('fails with a ConfigError naming a missing folder', async () => {
    const missing = path.join(folder, 'no-such-folder');
    const error: unknown = await readRulePacks(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`Cannot read the rule packs in ${missing}: ENOENT`);
  });

  it('fails with a ConfigError naming a folder without packs', async () => {
    await mkdir(path.join(folder, 'empty'));
    const empty = path.join(folder, 'empty');
    await expect(readRulePacks(empty)).rejects.toThrow(new ConfigError(`No rule packs (*.yaml) in ${empty}; reinstall overshare.`));
  });
});

describe('bundledPacksFolder', () => {
  it('is rules/packs at the root of the source tree', () => {
    expect(bundledPacksFolder()).toBe(path.resolve(import.meta.dirname, '..', 'rules', 'packs'));
  });
});
