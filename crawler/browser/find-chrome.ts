import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';

/** Where Chrome or Chromium usually lives on Linux, searched in this order when CHROME_PATH is unset. */
export const DEFAULT_CHROME_PATHS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
];

const HOW_TO_FIX =
  'Install Chromium (apt-get install chromium) or set CHROME_PATH to the Chrome or Chromium binary. ' +
  'Only the browser-based platforms need it; plain-HTTP platforms work without.';

/**
 * The path of the Chrome/Chromium binary to drive: `chromePath` (CHROME_PATH) when given, which must
 * be an existing executable file, else the first executable file among `candidates`.
 * Throws a ConfigError that names the paths tried and what to do when there is none.
 */
export function findChrome(chromePath: string | undefined, candidates: readonly string[] = DEFAULT_CHROME_PATHS): string {
  if (chromePath !== undefined && chromePath !== '') {
    const problem = executableProblem(chromePath);
    if (problem !== undefined) {
      throw new ConfigError(`CHROME_PATH=${chromePath} ${problem}. ${HOW_TO_FIX}`);
    }
    return chromePath;
  }
  const found = candidates.find((candidate) => executableProblem(candidate) === undefined);
  if (found !== undefined) return found;
  throw new ConfigError(`No Chrome or Chromium was found (tried ${candidates.join(', ')}). ${HOW_TO_FIX}`);
}

/** Why `path` cannot be run as a browser, or undefined when it can. */
function executableProblem(path: string): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    return `does not exist: ${describe(error)}`;
  }
  // A directory passes the X_OK check (it means "searchable"), so it is ruled out first.
  if (!isFile) return 'is not executable: it is not a file';
  try {
    accessSync(path, constants.X_OK);
  } catch (error) {
    return `is not executable: ${describe(error)}`;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
