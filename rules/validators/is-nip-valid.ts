import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';
import { removeSeparators } from './remove-separators.js';
import { weightedSum } from './weighted-sum.js';

const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

const COUNTRY_PREFIX = /^pl/iu;

/**
 * True when the candidate, an optional `PL` prefix and spaces and dashes removed, is a 10-digit
 * Polish NIP whose weighted sum mod 11 equals its last digit (a remainder of 10 is never issued)
 * and that is not one digit repeated.
 */
export function isNipValid(candidate: string): boolean {
  const digits = parseDigits(removeSeparators(candidate).replace(COUNTRY_PREFIX, ''));
  if (digits?.length !== 10 || isRepeatedDigit(digits)) return false;
  // A remainder of 10 matches no digit: such numbers are never issued.
  return weightedSum(digits, WEIGHTS) % 11 === digits[9];
}
