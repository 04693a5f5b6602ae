import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

// A number written without its country code is tried as a number of each of the countries the
// packs are written for; it counts when it is a valid number in one of them.
const NATIONAL_COUNTRIES: readonly CountryCode[] = ['PL', 'UA', 'RU', 'GR', 'DE', 'GB', 'US'];

/**
 * True when the candidate is a phone number that libphonenumber-js (full metadata) finds valid —
 * in international form (`+48 601 234 567`, `0048…`), or in national form for one of PL, UA, RU,
 * GR, DE, GB or US — and that is not a toll-free, premium-rate or shared-cost service number.
 */
export function isPhoneValid(candidate: string): boolean {
  const written = candidate.trim().replace(/^00/u, '+');
  const parsed = written.startsWith('+')
    ? [parsePhoneNumberFromString(written)]
    : NATIONAL_COUNTRIES.map((country) => parsePhoneNumberFromString(written, country));
  return parsed.some((number) => {
    if (number === undefined || !number.isValid()) return false;
    const type = number.getType();
    return type !== 'TOLL_FREE' && type !== 'PREMIUM_RATE' && type !== 'SHARED_COST';
  });
}
