import { describe, expect, it } from 'vitest';
import { isNipValid } from './is-nip-valid.js';

describe('isNipValid', () => {
  it('accepts a checksum-valid NIP written as digits only', () => {
    expect(isNipValid('5260250274')).toBe(true);
  });

  it('accepts a second checksum-valid NIP', () => {
    expect(isNipValid('7680002466')).toBe(true);
  });

  it('accepts a NIP in the 3-3-2-2 hyphen grouping', () => {
    expect(isNipValid('526-025-02-74')).toBe(true);
  });

  it('accepts a NIP in the 3-2-2-3 hyphen grouping', () => {
    expect(isNipValid('526-02-50-274')).toBe(true);
  });

  it('accepts a NIP grouped with spaces', () => {
    expect(isNipValid('526 025 02 74')).toBe(true);
  });

  it('accepts a NIP with the PL prefix of an EU VAT number', () => {
    expect(isNipValid('PL5260250274')).toBe(true);
  });

  it('accepts a NIP with a lower-case pl prefix and a space', () => {
    expect(isNipValid('pl 526-025-02-74')).toBe(true);
  });

  it('rejects a NIP whose check digit is off by one', () => {
    expect(isNipValid('5260250275')).toBe(false);
  });

  it('rejects a NIP with one digit changed', () => {
    expect(isNipValid('5260350274')).toBe(false);
  });

  it('rejects a NIP whose weighted sum leaves remainder 10', () => {
    // 1×6 + 3×5 = 21, and 21 mod 11 = 10, which no check digit can equal.
    expect(isNipValid('1300000000')).toBe(false);
  });

  it('rejects a NIP with a digit missing', () => {
    expect(isNipValid('526025027')).toBe(false);
  });

  it('rejects a NIP with another country prefix', () => {
    expect(isNipValid('DE5260250274')).toBe(false);
  });

  it('rejects one repeated digit, which every NIP checksum accepts', () => {
    expect(isNipValid('1111111111')).toBe(false);
  });

  it('rejects a NIP grouped with dots', () => {
    expect(isNipValid('526.025.02.74')).toBe(false);
  });
});
