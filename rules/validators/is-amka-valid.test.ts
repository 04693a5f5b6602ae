import { describe, expect, it } from 'vitest';
import { isAmkaValid } from './is-amka-valid.js';

describe('isAmkaValid', () => {
  // Numbers published online, as collected in python-stdnum's test suite.
  it.each(['01013099997', '01015734500', '16056702307', '31085501570'])('accepts the published ΑΜΚΑ %s', (number) => {
    expect(isAmkaValid(number)).toBe(true);
  });

  it('accepts an ΑΜΚΑ born on 29 February 00, a leap day in 2000', () => {
    expect(isAmkaValid('29020012349')).toBe(true);
  });

  it('accepts an ΑΜΚΑ written with a space after the date', () => {
    expect(isAmkaValid('010130 99997')).toBe(true);
  });

  it('rejects an ΑΜΚΑ whose check digit is off by two', () => {
    expect(isAmkaValid('01013099999')).toBe(false);
  });

  it('rejects an ΑΜΚΑ with one serial digit changed', () => {
    expect(isAmkaValid('01013098997')).toBe(false);
  });

  it('rejects a Luhn-valid ΑΜΚΑ born on 29 February 01, a leap day in neither century', () => {
    expect(isAmkaValid('29020112347')).toBe(false);
  });

  it('rejects a Luhn-valid ΑΜΚΑ born on 31 April', () => {
    expect(isAmkaValid('31048012343')).toBe(false);
  });

  it('rejects a Luhn-valid ΑΜΚΑ born in month 13', () => {
    expect(isAmkaValid('01135012340')).toBe(false);
  });

  it('rejects an ΑΜΚΑ with a digit missing', () => {
    expect(isAmkaValid('0101309999')).toBe(false);
  });
});
