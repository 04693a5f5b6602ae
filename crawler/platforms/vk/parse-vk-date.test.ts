import { describe, expect, it } from 'vitest';
import { parseVkDate } from './parse-vk-date.js';

// 2026-11-24 01:30 UTC is 04:30 in Moscow, already the 24th there.
const now = new Date('2026-11-24T01:30:00Z');
const parse = (text: string) => parseVkDate(text, now)?.toISOString();

describe('parseVkDate', () => {
  it('reads "сегодня в" and "вчера в" as Moscow wall-clock times', () => {
    expect(parse('сегодня в 4:05')).toBe('2026-11-24T01:05:00.000Z');
    expect(parse('вчера в 23:10')).toBe('2026-11-23T20:10:00.000Z');
    expect(parse('yesterday at 0:15')).toBe('2026-11-22T21:15:00.000Z');
  });

  it('reads dates with and without a year, in Russian and English month names', () => {
    expect(parse('12 мар 2023 в 14:05')).toBe('2023-03-12T11:05:00.000Z');
    expect(parse('1 января 2024')).toBe('2023-12-31T21:00:00.000Z');
    expect(parse('20 ноя в 15:00')).toBe('2026-11-20T12:00:00.000Z');
    expect(parse('5 Dec at 9:00')).toBe('2025-12-05T06:00:00.000Z');
  });

  it('puts a date without a year that would be in the future into last year', () => {
    expect(parse('30 дек в 10:00')).toBe('2025-12-30T07:00:00.000Z');
  });

  it('reads "назад" counts in digits and in words', () => {
    expect(parse('только что')).toBe(now.toISOString());
    expect(parse('минуту назад')).toBe('2026-11-24T01:29:00.000Z');
    expect(parse('две минуты назад')).toBe('2026-11-24T01:28:00.000Z');
    expect(parse('15 минут назад')).toBe('2026-11-24T01:15:00.000Z');
    expect(parse('час назад')).toBe('2026-11-24T00:30:00.000Z');
    expect(parse('три часа назад')).toBe('2026-11-23T22:30:00.000Z');
    expect(parse('5 hours ago')).toBe('2026-11-23T20:30:00.000Z');
  });

  it('returns undefined for text that is no date', () => {
    expect(parse('')).toBeUndefined();
    expect(parse('Показать полностью…')).toBeUndefined();
    expect(parse('12 смарт 2023')).toBeUndefined();
  });
});
