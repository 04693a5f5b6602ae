import { hasLuhnChecksum } from './has-luhn-checksum.js';
import { isCalendarDate } from './is-calendar-date.js';
import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';

/**
 * True when the candidate, spaces and dashes removed, is an 11-digit Greek ΑΜΚΑ whose first six
 * digits are a real DDMMYY birth date (in the 1900s or 2000s), that passes the Luhn checksum and is
 * not one digit repeated.
 */
export function isAmkaValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits?.length !== 11 || isRepeatedDigit(digits)) return false;
  const [d1 = 0, d2 = 0, m1 = 0, m2 = 0, y1 = 0, y2 = 0] = digits;
  const [day, month, yearInCentury] = [d1 * 10 + d2, m1 * 10 + m2, y1 * 10 + y2];
  // Two year digits cannot tell 1900 from 2000: 29 February 00 exists only in 2000.
  const isDate = isCalendarDate(1900 + yearInCentury, month, day) || isCalendarDate(2000 + yearInCentury, month, day);
  return isDate && hasLuhnChecksum(digits);
}
