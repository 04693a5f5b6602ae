import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';

/** Encrypts short secrets (sink tokens, signing keys) at rest with AES-256-GCM under one 32-byte key. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1';

/**
 * A SecretBox over `key` (32 bytes). Sealed text is `v1.<iv>.<tag>.<ciphertext>` in base64url;
 * opening anything tampered with, or sealed under another key, fails with a ConfigError that says
 * the instance's secret key changed.
 */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new ConfigError(`The secret key must be 32 bytes; it is ${key.length}.`);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, ciphertext] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new ConfigError('A stored secret is not in a form this version reads; set the secret again.');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new ConfigError(
          'A stored secret cannot be decrypted: the instance secret key (SECRET_KEY, or secret.key in the data folder) ' +
            'is not the one it was stored with. Restore that key, or set the sink secret again.',
          { cause: error },
        );
      }
    },
  };
}
