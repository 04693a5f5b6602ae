import { describe, expect, it } from 'vitest';
import { isLuhnValid } from './is-luhn-valid.js';

describe('isLuhnValid', () => {
  // Published scheme test numbers (Stripe, PayPal, Adyen test-card lists).
  it.each([
    ['Visa', '4111111111111111'],
    ['Visa', '4012888888881881'],
    ['Visa with 13 digits', '4222222222222'],
    ['Visa with 19 digits', '4111111111111111110'],
    ['Mastercard', '5555555555554444'],
    ['Mastercard 2-series', '2223003122003222'],
    ['American Express', '378282246310005'],
    ['American Express', '371449635398431'],
    ['Discover', '6011111111111117'],
    ['Discover', '6011000990139424'],
    ['JCB', '3530111333300000'],
    ['JCB', '3566002020360505'],
    ['Diners Club', '30569309025904'],
    ['Diners Club', '38520000023237'],
    ['Diners Club 36', '36227206271667'],
    ['UnionPay', '6200000000000005'],
    ['Maestro', '6759649826438453'],
    ['Maestro 50', '5019717010103742'],
    ['Mir', '2200000000000004'],
  ])('accepts the %s test number %s', (_scheme, number) => {
    expect(isLuhnValid(number)).toBe(true);
  });

  it('accepts a card number grouped with spaces', () => {
    expect(isLuhnValid('4111 1111 1111 1111')).toBe(true);
  });

  it('accepts a card number grouped with hyphens', () => {
    expect(isLuhnValid('4111-1111-1111-1111')).toBe(true);
  });

  it('accepts an Amex number in its 4-6-5 grouping', () => {
    expect(isLuhnValid('3782 822463 10005')).toBe(true);
  });

  it('accepts a card number with a trailing separator caught by a loose pattern', () => {
    expect(isLuhnValid('5555 5555 5555 4444 ')).toBe(true);
  });

  it('rejects a card number whose last digit is off by one', () => {
    expect(isLuhnValid('4111111111111112')).toBe(false);
  });

  it('rejects a card number with one middle digit changed', () => {
    expect(isLuhnValid('5555555555564444')).toBe(false);
  });

  it('rejects a card number with a digit missing', () => {
    expect(isLuhnValid('411111111111111')).toBe(false);
  });

  it('rejects a Luhn-valid number shorter than 13 digits', () => {
    expect(isLuhnValid('411111111111')).toBe(false);
  });

  it('rejects a Luhn-valid number with an unknown prefix', () => {
    expect(isLuhnValid('1234567812345670')).toBe(false);
  });

  it('rejects a Luhn-valid Amex-prefixed number of 16 digits', () => {
    expect(isLuhnValid('3782822463100052')).toBe(false);
  });

  it('rejects a Luhn-valid Visa-prefixed number of 15 digits', () => {
    expect(isLuhnValid('411111111111116')).toBe(false);
  });

  it('accepts a Mastercard number at the top of the 2221–2720 range', () => {
    expect(isLuhnValid('2720999999999996')).toBe(true);
  });

  it('rejects a Luhn-valid number just above the Mastercard 2720 range', () => {
    expect(isLuhnValid('2721000000000004')).toBe(false);
  });

  it('accepts a Mir number at the top of the 2200–2204 range', () => {
    expect(isLuhnValid('2204999999999991')).toBe(true);
  });

  it('rejects a Luhn-valid number just above the Mir range', () => {
    expect(isLuhnValid('2205000000000009')).toBe(false);
  });

  it('rejects a Luhn-valid number of one repeated digit', () => {
    expect(isLuhnValid('6666666666666')).toBe(false);
  });

  it('rejects all zeros', () => {
    expect(isLuhnValid('0000000000000000')).toBe(false);
  });

  it('rejects a card number grouped with dots', () => {
    expect(isLuhnValid('4111.1111.1111.1111')).toBe(false);
  });

  it('rejects a card number with a letter in it', () => {
    expect(isLuhnValid('4111 1111 1111 111l')).toBe(false);
  });

  it('rejects a card number written in non-ASCII digits', () => {
    expect(isLuhnValid('٤١١١١١١١١١١١١١١١')).toBe(false);
  });

  it('rejects an empty string', () => {
    expect(isLuhnValid('')).toBe(false);
  });
});
