import { describe, expect, it } from 'vitest';
import { isInnValid } from './is-inn-valid.js';

describe('isInnValid', () => {
  it.each(['7707083893', '7709442668', '0108003670', '1234567894'])('accepts the organisation ИНН %s', (number) => {
    expect(isInnValid(number)).toBe(true);
  });

  it.each(['500100732259', '123456789047', '005826107187'])('accepts the personal ИНН %s', (number) => {
    expect(isInnValid(number)).toBe(true);
  });

  it('accepts an ИНН written with spaces', () => {
    expect(isInnValid('7707 083 893')).toBe(true);
  });

  it('rejects an organisation ИНН whose check digit is off by one', () => {
    expect(isInnValid('7707083894')).toBe(false);
  });

  it('rejects an organisation ИНН with one digit changed', () => {
    expect(isInnValid('7707183893')).toBe(false);
  });

  it('rejects a personal ИНН whose first check digit is wrong', () => {
    expect(isInnValid('123456789037')).toBe(false);
  });

  it('rejects a personal ИНН whose second check digit is wrong', () => {
    expect(isInnValid('500100732258')).toBe(false);
  });

  it('rejects an ИНН of 11 digits', () => {
    expect(isInnValid('77070838930')).toBe(false);
  });

  it('rejects an ИНН of 9 digits', () => {
    expect(isInnValid('770708389')).toBe(false);
  });

  it('rejects all zeros, which both checksums accept', () => {
    expect(isInnValid('000000000000')).toBe(false);
  });
});
