import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/**
 * The instance's 32-byte secret key: SECRET_KEY when set; else `secret.key` in the data folder,
 * made (mode 0600) on first use. With a shared PostgreSQL every server must use the same key, so
 * SECRET_KEY is the way there; the file is for the embedded setup.
 */
export async function readSecretKey(config: Config, log: Logger): Promise<Buffer> {
  if (config.auth.secretKey) return config.auth.secretKey;
  const file = path.join(config.dataDir, 'secret.key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`${file} does not hold a 32-byte base64 key; restore it from a backup, or set SECRET_KEY.`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  if (config.database.url !== undefined) {
    log.warn({ file }, 'SECRET_KEY is not set: made a secret key in the data folder; every server sharing this database must use the same key, so set SECRET_KEY on all of them');
  }
  return key;
}
