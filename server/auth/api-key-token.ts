import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, so secret scanners (and people) recognise one. */
export const API_KEY_PREFIX = 'osk_';
const TOKEN_PATTERN = /^osk_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/u;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new key: the full token (shown once), its public prefix (kept, shown in lists) and its SHA-256 (kept). */
export interface NewApiKeyToken {
  token: string;
  prefix: string;
  hash: string;
}

/**
 * Makes an API key `osk_<10 chars>_<32 random bytes, base64url>`. The secret has 256 bits of
 * entropy, so a fast SHA-256 is a safe way to store it (no password stretching needed).
 */
export function generateApiKey(): NewApiKeyToken {
  const prefixBytes = randomBytes(10);
  const prefix = Array.from(prefixBytes, (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  const token = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, prefix, hash: hashApiKey(token) };
}

/** The prefix of a well-formed key, or undefined for anything else. */
export function apiKeyPrefixOf(token: string): string | undefined {
  return TOKEN_PATTERN.exec(token)?.[1];
}

/** SHA-256 of the whole token, hex. */
export function hashApiKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time check of a token against a stored hash. */
export function isApiKeyMatch(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashApiKey(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
