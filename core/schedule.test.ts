import { describe, expect, it } from 'vitest';
import { InputValidationError } from './errors.js';
import { nextRunAt, parseSchedule } from './schedule.js';

const at = (iso: string) => new Date(iso);

function refusal(text: string): InputValidationError {
  try {
    parseSchedule(text);
  } catch (error) {
    if (error instanceof InputValidationError) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('parseSchedule', () => {
  describe('intervals', () => {
    it('reads minutes, hours, days and weeks', () => {
      expect(parseSchedule('30m')).toEqual({ kind: 'interval', everyMs: 30 * 60_000, text: '30m' });
      expect(parseSchedule('6h')).toMatchObject({ everyMs: 6 * 3_600_000 });
      expect(parseSchedule('1d')).toMatchObject({ everyMs: 86_400_000 });
      expect(parseSchedule('2w')).toMatchObject({ everyMs: 14 * 86_400_000 });
    });

    it('adds up combined units written largest first', () => {
      expect(parseSchedule('2h30m')).toMatchObject({ kind: 'interval', everyMs: 150 * 60_000 });
      expect(parseSchedule('1d 12h')).toMatchObject({ everyMs: 36 * 3_600_000 });
    });

    it('keeps the text as written, trimmed', () => {
      expect(parseSchedule('  6h ').text).toBe('6h');
    });

    it('accepts exactly five minutes and refuses four', () => {
      expect(parseSchedule('5m')).toMatchObject({ everyMs: 300_000 });
      expect(refusal('4m').message).toContain('more often than every 5 minutes');
      expect(refusal('0m').message).toContain('more often than every 5 minutes');
    });

    it('refuses seconds, a number without a unit and units out of order, naming the accepted forms', () => {
      for (const text of ['30s', '30', '30m2h', 'h', 'every 6 hours', '1.5h']) {
        const error = refusal(text);
        expect(error.source, text).toBe('schedule');
        expect(error.message, text).toContain('such as 30m, 6h, 1d or 2h30m');
        expect(error.message, text).toContain('"0 9 * * 1-5"');
      }
    });

    it('refuses an interval longer than a year', () => {
      expect(parseSchedule('365d')).toMatchObject({ everyMs: 365 * 86_400_000 });
      expect(refusal('53w').message).toContain('longer than a year');
    });

    it('refuses an empty schedule', () => {
      expect(refusal('  ').message).toContain('the schedule is empty');
    });
  });

  describe('cron expressions', () => {
    it('reads a 5-field expression, in UTC by default', () => {
      expect(parseSchedule('0 9 * * 1-5')).toEqual({ kind: 'cron', expression: '0 9 * * 1-5', timeZone: 'UTC', text: '0 9 * * 1-5' });
    });

    it('takes the time zone from a CRON_TZ prefix', () => {
      expect(parseSchedule('CRON_TZ=Europe/Kyiv 0 9 * * *')).toMatchObject({ kind: 'cron', expression: '0 9 * * *', timeZone: 'Europe/Kyiv' });
    });

    it('refuses an unknown time zone', () => {
      expect(refusal('CRON_TZ=Mars/Olympus 0 9 * * *').message).toContain('"Mars/Olympus" in CRON_TZ is not a time zone');
    });

    it('accepts every 5 minutes and refuses anything that can fire closer together', () => {
      expect(parseSchedule('*/5 * * * *').kind).toBe('cron');
      expect(refusal('* * * * *').message).toContain('1 minute(s) apart');
      expect(refusal('*/2 * * * *').message).toContain('2 minute(s) apart');
      expect(refusal('0,3 9 * * *').message).toContain('3 minute(s) apart');
    });

    it('counts the wrap from the end of one hour to the start of the next', () => {
      expect(refusal('0,58 * * * *').message).toContain('2 minute(s) apart');
      // The same minutes in hours that never follow each other are far apart.
      expect(parseSchedule('0,58 9,15 * * *').kind).toBe('cron');
    });

    it('accepts the hourly and slower macros and refuses @minutely', () => {
      expect(parseSchedule('@daily')).toMatchObject({ kind: 'cron', expression: '@daily' });
      expect(refusal('@minutely').message).toContain('more often than every 5 minutes');
      expect(refusal('@reboot').message).toContain('is not a cron macro');
    });

    it('refuses six fields (seconds) and four, naming the five', () => {
      expect(refusal('0 0 9 * * *').message).toContain('has 6 fields, a cron expression has 5 (minute hour day-of-month month day-of-week)');
      expect(refusal('0 9 * *').message).toContain('has 4 fields');
    });

    it('refuses values out of range or impossible dates, with the parser\'s reason', () => {
      expect(refusal('61 * * * *').message).toContain('"61 * * * *" is not a valid cron expression');
      expect(refusal('61 * * * *').message).toContain('0-59');
      expect(refusal('0 0 30 2 *').message).toContain('is not a valid cron expression');
    });
  });
});

describe('nextRunAt', () => {
  it('adds the interval to the time given', () => {
    expect(nextRunAt(parseSchedule('2h30m'), at('2026-11-23T10:00:00Z'))).toEqual(at('2026-11-23T12:30:00Z'));
  });

  it('gives the next cron fire time in UTC', () => {
    expect(nextRunAt(parseSchedule('0 9 * * 1-5'), at('2026-11-21T10:00:00Z'))).toEqual(at('2026-11-23T09:00:00Z'));
  });

  it('is strictly after the time given, also within the firing second', () => {
    const daily = parseSchedule('0 9 * * *');
    expect(nextRunAt(daily, at('2026-11-23T08:59:59.500Z'))).toEqual(at('2026-11-23T09:00:00Z'));
    expect(nextRunAt(daily, at('2026-11-23T09:00:00Z'))).toEqual(at('2026-11-24T09:00:00Z'));
    expect(nextRunAt(daily, at('2026-11-23T09:00:00.500Z'))).toEqual(at('2026-11-24T09:00:00Z'));
  });

  it('evaluates a CRON_TZ expression in its zone, through daylight saving time', () => {
    const kyivMorning = parseSchedule('CRON_TZ=Europe/Kyiv 0 9 * * *');
    // Kyiv is UTC+3 in summer and UTC+2 in winter.
    expect(nextRunAt(kyivMorning, at('2026-07-01T00:00:00Z'))).toEqual(at('2026-07-01T06:00:00Z'));
    expect(nextRunAt(kyivMorning, at('2026-12-01T00:00:00Z'))).toEqual(at('2026-12-01T07:00:00Z'));
  });

  it('gives the same times for an expression with hashed (H) fields every time it is read', () => {
    const first = nextRunAt(parseSchedule('H 3 * * *'), at('2026-11-23T00:00:00Z'));
    const second = nextRunAt(parseSchedule('H 3 * * *'), at('2026-11-23T00:00:00Z'));
    expect(second).toEqual(first);
    expect(first.getUTCHours()).toBe(3);
  });
});
