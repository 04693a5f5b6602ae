import { isCalendarDate } from './is-calendar-date.js';
import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';
import { weightedSum } from './weighted-sum.js';

const WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

// PESEL adds 20 to the month per century after the 1900s, and 80 for the 1800s.
const CENTURY_BY_MONTH_OFFSET = new Map([
  [0, 1900],
  [20, 2000],
  [40, 2100],
  [60, 2200],
  [80, 1800],
]);

/**
 * True when the candidate, spaces and dashes removed, is an 11-digit Polish PESEL whose first six
 * digits encode a real birth date (century from the month offset), whose check digit matches and
 * that is not one digit repeated.
 */
export function isPeselValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits?.length !== 11 || isRepeatedDigit(digits)) return false;
  const [y1 = 0, y2 = 0, m1 = 0, m2 = 0, d1 = 0, d2 = 0] = digits;
  const encodedMonth = m1 * 10 + m2;
  const monthOffset = encodedMonth - (encodedMonth % 20);
  const century = CENTURY_BY_MONTH_OFFSET.get(monthOffset);
  if (century === undefined) return false;
  if (!isCalendarDate(century + y1 * 10 + y2, encodedMonth - monthOffset, d1 * 10 + d2)) return false;
  return (10 - (weightedSum(digits, WEIGHTS) % 10)) % 10 === digits[10];
}
