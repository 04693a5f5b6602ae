import { randomBytes } from 'node:crypto';

// 18 random bytes are 144 bits: far past guessing, and 24 characters that survive copy and paste.
const GENERATED_BYTES = 18;

/** A random password of 24 URL-safe characters (144 bits), which passes `checkPasswordStrength`. */
export function generatePassword(): string {
  return randomBytes(GENERATED_BYTES).toString('base64url');
}
