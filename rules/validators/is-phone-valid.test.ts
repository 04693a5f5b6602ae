import { describe, expect, it } from 'vitest';
import { isPhoneValid } from './is-phone-valid.js';

describe('isPhoneValid', () => {
  it('accepts a Polish mobile in international form', () => {
    expect(isPhoneValid('+48 601 234 567')).toBe(true);
  });
  it('accepts the 00 prefix for the international form', () => {
    expect(isPhoneValid('0048 601 234 567')).toBe(true);
  });
  it('accepts a Greek mobile written nationally', () => {
    expect(isPhoneValid('694 123 4567')).toBe(true);
  });
  it('accepts a Ukrainian mobile in international form', () => {
    expect(isPhoneValid('+380 67 123 4567')).toBe(true);
  });
  it('rejects a number too short for its country', () => {
    expect(isPhoneValid('+48 601 234 56')).toBe(false);
  });
  it('rejects a country code that does not exist', () => {
    expect(isPhoneValid('+999 601 234 567')).toBe(false);
  });
  it('rejects a toll-free service number', () => {
    expect(isPhoneValid('+48 800 123 456')).toBe(false);
  });
  it('rejects text that is no number', () => {
    expect(isPhoneValid('call me')).toBe(false);
  });
});
