import { isValidIBAN } from 'ibantools';
import { removeSeparators } from './remove-separators.js';

/**
 * True when the candidate, spaces and dashes removed and upper-cased, is an IBAN of a registered
 * country with that country's length and BBAN format and a correct mod-97 check (ibantools).
 */
export function isIbanValid(candidate: string): boolean {
  return isValidIBAN(removeSeparators(candidate).toUpperCase());
}
