import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';
import { weightedSum } from './weighted-sum.js';

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, 1];

// The Pension Fund checks the control number only above 001-001-998; lower numbers predate it.
const LAST_UNCHECKED_NUMBER = 1_001_998;

// The rule reads: the sum below 100, 0 for 100 and 101, else the sum mod 101 with 100 as 0.
// Mod 101 then mod 100 gives each of those at once.
function controlNumber(digits: readonly number[]): number {
  return (weightedSum(digits, WEIGHTS) % 101) % 100;
}

/**
 * True when the candidate, spaces and dashes removed (`112-233-445 95`), is an 11-digit Russian
 * СНИЛС, not one digit repeated, whose last two digits are the control number of the first nine,
 * or whose number is at most 001-001-998 (issued before control numbers were checked).
 */
export function isSnilsValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits?.length !== 11 || isRepeatedDigit(digits)) return false;
  const number = Number(digits.slice(0, 9).join(''));
  if (number <= LAST_UNCHECKED_NUMBER) return true;
  const [tens = 0, units = 0] = digits.slice(9);
  return controlNumber(digits) === tens * 10 + units;
}
