import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';
import { weightedSum } from './weighted-sum.js';

const ORGANISATION_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const PERSON_FIRST_WEIGHTS = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const PERSON_SECOND_WEIGHTS = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function checkDigit(digits: readonly number[], weights: readonly number[]): number {
  return (weightedSum(digits, weights) % 11) % 10;
}

/**
 * True when the candidate, spaces and dashes removed, is a Russian ИНН with correct check digits:
 * 10 digits for an organisation or 12 digits (two check digits) for a person, not one digit repeated.
 */
export function isInnValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits === undefined || isRepeatedDigit(digits)) return false;
  if (digits.length === 10) return checkDigit(digits, ORGANISATION_WEIGHTS) === digits[9];
  if (digits.length === 12) {
    return checkDigit(digits, PERSON_FIRST_WEIGHTS) === digits[10] && checkDigit(digits, PERSON_SECOND_WEIGHTS) === digits[11];
  }
  return false;
}
