import { describe, expect, it } from 'vitest';
import { isSnilsValid } from './is-snils-valid.js';

describe('isSnilsValid', () => {
  it('accepts the standard example СНИЛС in its printed form', () => {
    expect(isSnilsValid('112-233-445 95')).toBe(true);
  });

  it('accepts a СНИЛС written as digits only', () => {
    expect(isSnilsValid('11223344595')).toBe(true);
  });

  it('accepts a СНИЛС whose weighted sum above 101 is taken mod 101', () => {
    // 165 mod 101 = 64.
    expect(isSnilsValid('123-456-789 64')).toBe(true);
  });

  it('accepts control number 00 when the weighted sum is 100', () => {
    expect(isSnilsValid('001-326-679 00')).toBe(true);
  });

  it('accepts control number 00 when the weighted sum is 101', () => {
    expect(isSnilsValid('001-508-816 00')).toBe(true);
  });

  it('accepts control number 00 when the weighted sum mod 101 is 100', () => {
    // 201 mod 101 = 100.
    expect(isSnilsValid('017-996-174 00')).toBe(true);
  });

  it('rejects control number 100 spelled out as 1 and 00 when the weighted sum is 100', () => {
    expect(isSnilsValid('001-326-679 01')).toBe(false);
  });

  it('rejects a СНИЛС whose control number is off by one', () => {
    expect(isSnilsValid('112-233-445 94')).toBe(false);
  });

  it('rejects a СНИЛС with two digits swapped', () => {
    expect(isSnilsValid('112-233-454 95')).toBe(false);
  });

  it('rejects a СНИЛС whose control number is the sum, not the sum mod 101', () => {
    expect(isSnilsValid('123-456-789 65')).toBe(false);
  });

  it('accepts any control number at 001-001-998, the last number issued before the check', () => {
    expect(isSnilsValid('001-001-998 47')).toBe(true);
  });

  it('accepts 001-001-999 with its control number', () => {
    expect(isSnilsValid('001-001-999 65')).toBe(true);
  });

  it('rejects 001-001-999 with a wrong control number, the first number checked', () => {
    expect(isSnilsValid('001-001-999 47')).toBe(false);
  });

  it('rejects all zeros', () => {
    expect(isSnilsValid('000-000-000 00')).toBe(false);
  });

  it('rejects a СНИЛС with a digit missing', () => {
    expect(isSnilsValid('112-233-445 9')).toBe(false);
  });
});
