import { describe, expect, it } from 'vitest';
import { isAfmValid } from './is-afm-valid.js';

describe('isAfmValid', () => {
  it.each(['094259216', '090000045', '094019245'])('accepts the ΑΦΜ %s', (number) => {
    expect(isAfmValid(number)).toBe(true);
  });

  it('accepts an ΑΦΜ grouped with spaces', () => {
    expect(isAfmValid('094 259 216')).toBe(true);
  });

  it('rejects an ΑΦΜ whose check digit is off by one', () => {
    expect(isAfmValid('094259217')).toBe(false);
  });

  it('rejects an ΑΦΜ with one digit changed', () => {
    expect(isAfmValid('094259316')).toBe(false);
  });

  it('rejects a sequential number with a wrong check digit', () => {
    expect(isAfmValid('123456781')).toBe(false);
  });

  it('rejects the old 8-digit form without its leading zero', () => {
    expect(isAfmValid('94259216')).toBe(false);
  });

  it('rejects an ΑΦΜ with a digit too many', () => {
    expect(isAfmValid('0942592160')).toBe(false);
  });

  it('rejects 000000000, which the checksum accepts', () => {
    expect(isAfmValid('000000000')).toBe(false);
  });
});
