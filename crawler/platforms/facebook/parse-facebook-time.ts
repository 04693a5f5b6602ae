/**
 * Facebook's post-time labels in English, as its logged-out pages show them in a tab whose time
 * zone is UTC (the adapter emulates it): the link's tooltip or aria-label ("Friday, November 20,
 * 2026 at 12:00 PM", "20 November 2026 at 12:00"), the short form under the post ("November 20
 * at 12:00 PM", "Yesterday at 3:05 PM") and relative ages ("Just now", "5 m", "3h", "2 d").
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const UNIT_MS = new Map([
  ...['m', 'min', 'mins'].map((unit) => [unit, MINUTE_MS] as const),
  ...['h', 'hr', 'hrs'].map((unit) => [unit, HOUR_MS] as const),
  ...['d', 'day', 'days'].map((unit) => [unit, DAY_MS] as const),
  ...['w', 'wk', 'wks'].map((unit) => [unit, 7 * DAY_MS] as const),
]);

// "Friday, November 20, 2026 at 12:00 PM", "November 20 at 12:00 PM", "November 20, 2026".
const MONTH_FIRST = /^(?:[a-z]+, )?([a-z]{3,}) (\d{1,2})(?:, (\d{4}))?(?: at (\d{1,2}):(\d{2})(?: ?([ap]m))?)?$/u;
// "Friday 20 November 2026 at 12:00", "20 November at 12:00".
const DAY_FIRST = /^(?:[a-z]+,? )?(\d{1,2}) ([a-z]{3,})(?: (\d{4}))?(?: at (\d{1,2}):(\d{2})(?: ?([ap]m))?)?$/u;
const YESTERDAY = /^yesterday at (\d{1,2}):(\d{2})(?: ?([ap]m))?$/u;
const AGE = /^(\d+) ?(m|mins?|h|hrs?|d|days?|w|wks?)(?: ago)?$/u;

/**
 * The instant a Facebook time label names, read as UTC, or undefined for a label it does not
 * know. A label without a year is the latest such date not after `now`; relative labels count
 * back from `now`.
 */
export function parseFacebookTime(label: string, now: Date): Date | undefined {
  // \s also takes the narrow no-break space some locales put before AM/PM.
  const text = label.trim().toLowerCase().replace(/\s+/gu, ' ');
  if (text === '') return undefined;
  if (text === 'just now') return new Date(now.getTime());

  const age = AGE.exec(text);
  if (age !== null) {
    const unitMs = UNIT_MS.get(age[2] ?? '');
    return unitMs === undefined ? undefined : new Date(now.getTime() - Number(age[1]) * unitMs);
  }

  const yesterday = YESTERDAY.exec(text);
  if (yesterday !== null) {
    const day = new Date(now.getTime() - DAY_MS);
    return at(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), yesterday[1], yesterday[2], yesterday[3]);
  }

  const monthFirst = MONTH_FIRST.exec(text);
  const dayFirst = monthFirst === null ? DAY_FIRST.exec(text) : null;
  const parts = monthFirst === null
    ? dayFirst === null
      ? undefined
      : { month: dayFirst[2], day: dayFirst[1], year: dayFirst[3], hour: dayFirst[4], minute: dayFirst[5], half: dayFirst[6] }
    : { month: monthFirst[1], day: monthFirst[2], year: monthFirst[3], hour: monthFirst[4], minute: monthFirst[5], half: monthFirst[6] };
  if (parts === undefined) return undefined;
  const month = MONTHS.indexOf((parts.month ?? '').slice(0, 3));
  if (month === -1) return undefined;
  const day = Number(parts.day);
  if (parts.year !== undefined) return at(Number(parts.year), month, day, parts.hour, parts.minute, parts.half);
  // No year: this year's date, or last year's when this year's is still to come.
  const thisYear = at(now.getUTCFullYear(), month, day, parts.hour, parts.minute, parts.half);
  if (thisYear === undefined || thisYear.getTime() <= now.getTime()) return thisYear;
  return at(now.getUTCFullYear() - 1, month, day, parts.hour, parts.minute, parts.half);
}

function at(year: number, month: number, day: number, hourText: string | undefined, minuteText: string | undefined, half: string | undefined): Date | undefined {
  let hour = hourText === undefined ? 0 : Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (half !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const date = new Date(Date.UTC(year, month, day, hour, minute));
  // 31 February rolls over into March: not a date Facebook would print.
  return date.getUTCDate() === day ? date : undefined;
}
