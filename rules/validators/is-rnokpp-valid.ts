import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';
import { weightedSum } from './weighted-sum.js';

const WEIGHTS = [-1, 5, 7, 9, 4, 6, 10, 5, 7];

/**
 * True when the candidate, spaces and dashes removed, is a 10-digit Ukrainian РНОКПП (ІПН) whose
 * weighted sum mod 11 mod 10 equals its last digit and that is not one digit repeated.
 */
export function isRnokppValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits?.length !== 10 || isRepeatedDigit(digits)) return false;
  // The first weight is negative, so the sum can be too; the check uses the non-negative remainder.
  const remainder = ((weightedSum(digits, WEIGHTS) % 11) + 11) % 11;
  return remainder % 10 === digits[9];
}
