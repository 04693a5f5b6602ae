import { describe, expect, it } from 'vitest';
import { isCalendarDate } from './is-calendar-date.js';

describe('isCalendarDate', () => {
  it('accepts 31 December', () => {
    expect(isCalendarDate(1999, 12, 31)).toBe(true);
  });

  it('accepts 29 February in a year divisible by 4', () => {
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
  });

  it('accepts 29 February in a year divisible by 400', () => {
    expect(isCalendarDate(2000, 2, 29)).toBe(true);
  });

  it('rejects 29 February in a century year not divisible by 400', () => {
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
  });

  it('rejects 31 April', () => {
    expect(isCalendarDate(2024, 4, 31)).toBe(false);
  });

  it('rejects month 0', () => {
    expect(isCalendarDate(2024, 0, 1)).toBe(false);
  });

  it('rejects month 13', () => {
    expect(isCalendarDate(2024, 13, 1)).toBe(false);
  });

  it('rejects day 0', () => {
    expect(isCalendarDate(2024, 1, 0)).toBe(false);
  });
});
