import { describe, expect, it } from 'vitest';
import { isPeselValid } from './is-pesel-valid.js';

describe('isPeselValid', () => {
  it('accepts the published example PESEL of someone born on 14 May 1944', () => {
    expect(isPeselValid('44051401359')).toBe(true);
  });

  it('accepts a PESEL born in 1902', () => {
    expect(isPeselValid('02122401358')).toBe(true);
  });

  it('accepts a PESEL born in 2002, month shifted by 20', () => {
    expect(isPeselValid('02211307589')).toBe(true);
  });

  it('accepts a PESEL born in 1899, month shifted by 80', () => {
    expect(isPeselValid('99923100007')).toBe(true);
  });

  it('accepts a PESEL born on 29 February 2000, a leap year', () => {
    expect(isPeselValid('00222900009')).toBe(true);
  });

  it('accepts a PESEL written with spaces', () => {
    expect(isPeselValid('440514 01359')).toBe(true);
  });

  it('rejects a PESEL whose check digit is off by one', () => {
    expect(isPeselValid('44051401358')).toBe(false);
  });

  it('rejects a PESEL with one serial digit changed', () => {
    expect(isPeselValid('44051401459')).toBe(false);
  });

  it('rejects a PESEL with a correct check digit and month 38', () => {
    expect(isPeselValid('02381307589')).toBe(false);
  });

  it('rejects a PESEL with a correct check digit and 29 February 1900, not a leap year', () => {
    expect(isPeselValid('00022900003')).toBe(false);
  });

  it('rejects a PESEL with a correct check digit and 29 February 2100, not a leap year', () => {
    expect(isPeselValid('00422900005')).toBe(false);
  });

  it('rejects a PESEL with a correct check digit and 31 February', () => {
    expect(isPeselValid('85023100003')).toBe(false);
  });

  it('rejects a PESEL with a digit missing', () => {
    expect(isPeselValid('4405140135')).toBe(false);
  });

  it('rejects a PESEL with a digit too many', () => {
    expect(isPeselValid('440514013590')).toBe(false);
  });

  it('rejects 22222222222, whose date and checksum are both valid', () => {
    expect(isPeselValid('22222222222')).toBe(false);
  });

  it('rejects all zeros', () => {
    expect(isPeselValid('00000000000')).toBe(false);
  });
});
