import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';
import { weightedSum } from './weighted-sum.js';

const WEIGHTS = [256, 128, 64, 32, 16, 8, 4, 2];

/**
 * True when the candidate, spaces and dashes removed, is a 9-digit Greek ΑΦΜ whose first eight
 * digits weighted by 2^8…2^1, mod 11 mod 10, equal the ninth, and that is not one digit repeated
 * (so never `000000000`).
 */
export function isAfmValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits?.length !== 9 || isRepeatedDigit(digits)) return false;
  return (weightedSum(digits, WEIGHTS) % 11) % 10 === digits[8];
}
