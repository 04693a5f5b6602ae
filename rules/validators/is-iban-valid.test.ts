import { describe, expect, it } from 'vitest';
import { isIbanValid } from './is-iban-valid.js';

describe('isIbanValid', () => {
  // Examples from the SWIFT IBAN registry.
  it.each([
    ['United Kingdom', 'GB82WEST12345698765432'],
    ['Poland', 'PL61109010140000071219812874'],
    ['Germany', 'DE89370400440532013000'],
    ['Ukraine', 'UA213223130000026007233566001'],
    ['Greece', 'GR1601101250000000012300695'],
    ['Netherlands', 'NL91ABNA0417164300'],
  ])('accepts the %s registry example %s', (_country, iban) => {
    expect(isIbanValid(iban)).toBe(true);
  });

  it('accepts an IBAN in its printed groups of four', () => {
    expect(isIbanValid('PL61 1090 1014 0000 0712 1981 2874')).toBe(true);
  });

  it('accepts an IBAN grouped with hyphens', () => {
    expect(isIbanValid('GB82-WEST-1234-5698-7654-32')).toBe(true);
  });

  it('accepts an IBAN in lower case, as the normalised text has it', () => {
    expect(isIbanValid('de89 3704 0044 0532 0130 00')).toBe(true);
  });

  it('rejects an IBAN whose last digit is off by one', () => {
    expect(isIbanValid('GB82WEST12345698765433')).toBe(false);
  });

  it('rejects an IBAN with two digits swapped', () => {
    expect(isIbanValid('DE89370400440532031000')).toBe(false);
  });

  it('rejects an IBAN whose check digits are changed', () => {
    expect(isIbanValid('PL62109010140000071219812874')).toBe(false);
  });

  it('rejects an IBAN one character short of its country length', () => {
    expect(isIbanValid('GB82WEST1234569876543')).toBe(false);
  });

  it('rejects an IBAN one character longer than its country length', () => {
    expect(isIbanValid('DE893704004405320130001')).toBe(false);
  });

  it('rejects an IBAN with an unregistered country code', () => {
    expect(isIbanValid('XX82WEST12345698765432')).toBe(false);
  });

  it('rejects an IBAN grouped with dots', () => {
    expect(isIbanValid('GB82.WEST.1234.5698.7654.32')).toBe(false);
  });

  it('rejects an empty string', () => {
    expect(isIbanValid('')).toBe(false);
  });
});
