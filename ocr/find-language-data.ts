import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { TESSERACT_LANGUAGE_CODE } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/**
 * Where tesseract's language data comes from. Always a local folder: tesseract.js would otherwise
 * fetch it from a CDN at run time, which a scanner inside a company network must never do.
 *
 * One folder holds every language because tesseract.js takes a single `langPath` per worker (its
 * `{ code, data }` form passes the bytes as the language name in 7.0.0). Debian's
 * `tesseract-ocr-<lang>` packages are the default source: they have all five languages
 * (`@tesseract.js-data` has no Russian), and their LSTM-only "fast" models were reported to read
 * as well as `best_int` and faster (the issue's measurement, not re-run here).
 */

/** The languages overshare reads by default: English, Polish, Russian, Ukrainian, Greek. */
export const DEFAULT_OCR_LANGUAGES: readonly string[] = ['eng', 'pol', 'rus', 'ukr', 'ell'];

/** Folders where Debian, Ubuntu, Fedora and Homebrew put tesseract's data, newest first. */
const SYSTEM_FOLDERS = [
  '/usr/share/tesseract-ocr/5/tessdata',
  '/usr/share/tesseract-ocr/4.00/tessdata',
  '/usr/share/tessdata',
  '/usr/local/share/tessdata',
  '/opt/homebrew/share/tessdata',
];


/**
 * The folder holding `<lang>.traineddata` for every language: the configured one
 * (`OCR_LANG_PATH`) or the first system folder that has them all.
 */
export function findLanguageData(languages: readonly string[], configuredFolder?: string): string {
  const badCodes = languages.filter((language) => !TESSERACT_LANGUAGE_CODE.test(language));
  if (badCodes.length > 0) {
    throw new ConfigError(
      `OCR_LANGUAGES has ${badCodes.map((code) => JSON.stringify(code)).join(', ')}, which ${badCodes.length === 1 ? 'is not a' : 'are not'} tesseract language code${badCodes.length === 1 ? '' : 's'}: use three-letter codes joined by "+", such as eng+pol+rus+ukr+ell.`,
    );
  }
  const missingIn = (folder: string) => languages.filter((language) => !existsSync(path.join(folder, `${language}.traineddata`)));
  if (configuredFolder !== undefined) {
    const missing = missingIn(configuredFolder);
    if (missing.length > 0) {
      throw new ConfigError(
        `OCR_LANG_PATH ${configuredFolder} has no ${missing.map((code) => `${code}.traineddata`).join(', ')}: put the files there (Debian: apt-get install ${missing.map(debianPackage).join(' ')}, then use /usr/share/tesseract-ocr/5/tessdata) or unset OCR_LANG_PATH to use the system folder.`,
      );
    }
    assertModels(configuredFolder, languages);
    return configuredFolder;
  }
  const found = SYSTEM_FOLDERS.find((folder) => missingIn(folder).length === 0);
  if (found !== undefined) {
    assertModels(found, languages);
    return found;
  }
  const nearest = SYSTEM_FOLDERS.find((folder) => existsSync(folder));
  const missing = nearest === undefined ? languages : missingIn(nearest);
  throw new ConfigError(
    `OCR language data not found: no ${missing.map((code) => `${code}.traineddata`).join(', ')} in ${nearest ?? SYSTEM_FOLDERS.join(', ')}. Install it (Debian: apt-get install ${missing.map(debianPackage).join(' ')}) or set OCR_LANG_PATH to a folder that holds it.`,
  );
}

function assertModels(folder: string, languages: readonly string[]): void {
  const damaged = languages.filter((language) => !isTessdata(path.join(folder, `${language}.traineddata`)));
  if (damaged.length === 0) return;
  throw new ConfigError(
    `${folder}: ${damaged.map((code) => `${code}.traineddata`).join(', ')} ${damaged.length === 1 ? 'is not a tesseract model' : 'are not tesseract models'} (damaged or not a .traineddata file): reinstall ${damaged.map(debianPackage).join(' ')}, or set OCR_LANG_PATH to a folder with good copies.`,
  );
}

/**
 * Checks the traineddata container's table of contents: an entry count, then one 64-bit offset per
 * entry, each -1 (absent) or inside the file. A damaged model must be refused here: tesseract.js
 * 7 hangs on one, then throws from a message handler where nothing can catch it.
 */
function isTessdata(file: string): boolean {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    const size = fstatSync(descriptor).size;
    const header = Buffer.alloc(4 + 8 * 64);
    const read = readSync(descriptor, header, 0, header.length, 0);
    const entries = read >= 4 ? header.readInt32LE(0) : 0;
    if (entries < 1 || entries > 64 || read < 4 + 8 * entries) return false;
    let present = 0;
    for (let entry = 0; entry < entries; entry += 1) {
      const offset = header.readBigInt64LE(4 + 8 * entry);
      if (offset === -1n) continue;
      if (offset < 0n || offset >= BigInt(size)) return false;
      present += 1;
    }
    return present > 0;
  } catch {
    return false;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function debianPackage(language: string): string {
  return `tesseract-ocr-${language.replaceAll('_', '-')}`;
}
