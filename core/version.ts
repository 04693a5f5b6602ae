import { readFileSync } from 'node:fs';

/**
 * overshare's version from package.json, found by walking up from this module, so it holds in
 * the source tree, in `dist/` and in the Docker image alike.
 */
export const OVERSHARE_VERSION: string = readVersion();

function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'overshare' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // Not at this depth: try the next one.
    }
  }
  return '0.0.0-unknown';
}
