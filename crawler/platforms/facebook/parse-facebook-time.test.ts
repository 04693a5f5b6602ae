import { describe, expect, it } from 'vitest';
import { parseFacebookTime } from './parse-facebook-time.js';

const now = new Date('2026-11-20T15:30:00Z');
const parse = (label: string): string | undefined => parseFacebookTime(label, now)?.toISOString();

describe('parseFacebookTime', () => {
  it('reads the full tooltip label with weekday, year and AM/PM as UTC', () => {
    expect(parse('Friday, November 20, 2026 at 12:00 PM')).toBe('2026-11-20T12:00:00.000Z');
    expect(parse('Thursday, January 1, 2026 at 12:05 AM')).toBe('2026-01-01T00:05:00.000Z');
    expect(parse('Friday, November 20, 2026 at 3:07\u202fPM')).toBe('2026-11-20T15:07:00.000Z');
  });

  it('reads day-first and 24-hour labels', () => {
    expect(parse('20 November 2026 at 12:00')).toBe('2026-11-20T12:00:00.000Z');
    expect(parse('Friday 20 November 2026 at 09:15')).toBe('2026-11-20T09:15:00.000Z');
  });

  it('puts a label without a year in the latest such date not after now', () => {
    expect(parse('November 19 at 8:00 PM')).toBe('2026-11-19T20:00:00.000Z');
    expect(parse('24 December at 10:00')).toBe('2025-12-24T10:00:00.000Z');
  });

  it('counts relative labels back from now', () => {
    expect(parse('Just now')).toBe('2026-11-20T15:30:00.000Z');
    expect(parse('5m')).toBe('2026-11-20T15:25:00.000Z');
    expect(parse('3 hrs')).toBe('2026-11-20T12:30:00.000Z');
    expect(parse('2d')).toBe('2026-11-18T15:30:00.000Z');
    expect(parse('Yesterday at 3:05 PM')).toBe('2026-11-19T15:05:00.000Z');
  });

  it('refuses labels it does not know rather than guessing', () => {
    for (const label of ['', 'Sponsored', 'Smarch 3, 2026', 'February 30, 2026 at 10:00', 'November 20, 2026 at 13:00 PM', '2 lightyears']) {
      expect(parse(label)).toBeUndefined();
    }
  });
});
