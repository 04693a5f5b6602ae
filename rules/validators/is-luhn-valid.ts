import { hasLuhnChecksum } from './has-luhn-checksum.js';
import { isRepeatedDigit } from './is-repeated-digit.js';
import { parseDigits } from './parse-digits.js';

interface CardScheme {
  readonly scheme: string;
  /** Inclusive IIN prefix ranges; both ends have the same number of digits. */
  readonly prefixes: readonly (readonly [low: string, high: string])[];
  readonly lengths: readonly number[];
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];

// Lengths per scheme keep a Luhn-valid 14-digit number starting with 4 (1 in 10 random ones) out.
const CARD_SCHEMES: readonly CardScheme[] = [
  { scheme: 'Visa', prefixes: [['4', '4']], lengths: [13, 16, 19] },
  { scheme: 'Mastercard', prefixes: [['51', '55'], ['2221', '2720']], lengths: [16] },
  { scheme: 'American Express', prefixes: [['34', '34'], ['37', '37']], lengths: [15] },
  { scheme: 'Discover', prefixes: [['6011', '6011'], ['644', '649'], ['65', '65']], lengths: SIXTEEN_TO_NINETEEN },
  { scheme: 'JCB', prefixes: [['3528', '3589']], lengths: SIXTEEN_TO_NINETEEN },
  { scheme: 'Maestro', prefixes: [['50', '50'], ['56', '69']], lengths: [13, 14, 15, ...SIXTEEN_TO_NINETEEN] },
  { scheme: 'UnionPay', prefixes: [['62', '62']], lengths: SIXTEEN_TO_NINETEEN },
  { scheme: 'Diners Club', prefixes: [['300', '305'], ['36', '36'], ['38', '38']], lengths: [14, 15, ...SIXTEEN_TO_NINETEEN] },
  { scheme: 'Mir', prefixes: [['2200', '2204']], lengths: SIXTEEN_TO_NINETEEN },
];

function hasKnownScheme(number: string): boolean {
  return CARD_SCHEMES.some(
    ({ prefixes, lengths }) =>
      lengths.includes(number.length) &&
      prefixes.some(([low, high]) => {
        const prefix = number.slice(0, low.length);
        return prefix >= low && prefix <= high;
      }),
  );
}

/**
 * True when the candidate, spaces and dashes removed, is a 13–19 digit payment card number that
 * passes the Luhn checksum, starts with a known scheme's IIN at a length that scheme issues (Visa,
 * Mastercard, American Express, Discover, JCB, Maestro, UnionPay, Diners Club, Mir) and is not
 * one digit repeated.
 */
export function isLuhnValid(candidate: string): boolean {
  const digits = parseDigits(candidate);
  if (digits === undefined || digits.length < 13 || digits.length > 19 || isRepeatedDigit(digits)) return false;
  return hasKnownScheme(digits.join('')) && hasLuhnChecksum(digits);
}
