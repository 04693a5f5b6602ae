import { readFile } from 'node:fs/promises';
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** The PEM certificate and key named by TLS_CERT_FILE and TLS_KEY_FILE, or undefined for plain HTTP. */
export async function readTlsFiles(config: Config): Promise<{ cert: string; key: string } | undefined> {
  const { tlsCertFile, tlsKeyFile } = config.server;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return undefined;
  const read = async (file: string, variable: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`${variable} names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path and its permissions.`, { cause: error });
    }
  };
  return { cert: await read(tlsCertFile, 'TLS_CERT_FILE'), key: await read(tlsKeyFile, 'TLS_KEY_FILE') };
}
