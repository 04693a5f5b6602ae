import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';

/** A rule pack file's text (the rules/ engine parses it; it does no I/O itself). */
export interface RulePackFile {
  readonly source: string;
  readonly text: string;
}

/**
 * The folder of the rule packs shipped with overshare (`rules/packs/`), found from this module
 * both in the source tree (core/) and in the build (dist/core/), where it is not copied.
 */
export function bundledPacksFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
  return path.join(root, 'rules', 'packs');
}

/** Reads every `*.yaml` pack in `folder` (default: the bundled packs), sorted by file name. */
export async function readRulePacks(folder: string = bundledPacksFolder()): Promise<RulePackFile[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.yaml')).sort();
  } catch (error) {
    throw new ConfigError(
      `Cannot read the rule packs in ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
        'The packs ship with overshare in rules/packs/; reinstall or check the installation.',
      { cause: error },
    );
  }
  if (names.length === 0) throw new ConfigError(`No rule packs (*.yaml) in ${folder}; reinstall overshare.`);
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(folder, name);
      return { source: path.relative(process.cwd(), file) || file, text: await readFile(file, 'utf8') };
    }),
  );
}
