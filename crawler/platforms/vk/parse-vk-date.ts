/**
 * VK's human-readable post dates ("сегодня в 12:30", "12 мар 2023 в 14:05", "2 часа назад"), read
 * when a post carries no machine-readable `time` attribute. VK prints them in the viewer's time
 * zone, which for a visitor who is not logged in is Moscow time (UTC+3, no daylight saving since 2014).
 */

/** Moscow's offset from UTC in minutes: the zone VK uses for visitors who are not logged in. */
export const VK_GUEST_UTC_OFFSET_MINUTES = 180;

const MONTHS: readonly (readonly string[])[] = [
  ['янв', 'январь', 'января', 'jan'],
  ['фев', 'февраль', 'февраля', 'feb'],
  ['мар', 'март', 'марта', 'mar'],
  ['апр', 'апрель', 'апреля', 'apr'],
  ['мая', 'май', 'may'],
  ['июн', 'июнь', 'июня', 'jun'],
  ['июл', 'июль', 'июля', 'jul'],
  ['авг', 'август', 'августа', 'aug'],
  ['сен', 'сент', 'сентябрь', 'сентября', 'sep'],
  ['окт', 'октябрь', 'октября', 'oct'],
  ['ноя', 'ноябрь', 'ноября', 'nov'],
  ['дек', 'декабрь', 'декабря', 'dec'],
];

const NUMBER_WORDS: Record<string, number> = { одну: 1, две: 2, два: 2, три: 3 };

const UNIT_MS: readonly { test: RegExp; ms: number }[] = [
  { test: /^(?:секунд|second)/u, ms: 1_000 },
  { test: /^(?:минут|minute)/u, ms: 60_000 },
  { test: /^(?:час|hour)/u, ms: 3_600_000 },
];

/**
 * The instant `text` names, in VK's guest time zone (UTC+3) relative to `now`, or undefined when
 * `text` is no VK date. Precision: a minute for dates with a time, the day's start for dates
 * without; a date with no year is in the past year-round (this year, or last year if that would be
 * in the future).
 */
export function parseVkDate(text: string, now: Date, utcOffsetMinutes = VK_GUEST_UTC_OFFSET_MINUTES): Date | undefined {
  const value = text.toLowerCase().replace(/\s+/gu, ' ').trim();
  if (value === 'только что' || value === 'just now') return new Date(now);

  const ago = /^(?:(\d+|одну|две|два|три) )?(секунд[ау]?|минут[уы]?|час(?:а|ов)?|seconds?|minutes?|hours?) (?:назад|ago)$/u.exec(value);
  if (ago !== null) {
    const [, amountText = '', unitText = ''] = ago;
    const amount = /^\d+$/u.test(amountText) ? Number(amountText) : (NUMBER_WORDS[amountText] ?? 1);
    const unit = UNIT_MS.find((candidate) => candidate.test.test(unitText));
    return unit === undefined ? undefined : new Date(now.getTime() - amount * unit.ms);
  }

  const offsetMs = utcOffsetMinutes * 60_000;
  // Wall-clock fields of `now` in the guest zone, read through UTC getters of a shifted instant.
  const local = new Date(now.getTime() + offsetMs);
  const at = (year: number, month: number, day: number, hours = 0, minutes = 0) =>
    new Date(Date.UTC(year, month, day, hours, minutes) - offsetMs);

  const relativeDay = /^(сегодня|вчера|today|yesterday) (?:в|at) (\d{1,2}):(\d{2})$/u.exec(value);
  if (relativeDay !== null) {
    const [, day = '', hours = '', minutes = ''] = relativeDay;
    const back = day === 'вчера' || day === 'yesterday' ? 1 : 0;
    return at(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - back, Number(hours), Number(minutes));
  }

  const absolute = /^(\d{1,2}) ([a-zа-яё]+)\.?(?: (\d{4}))?(?: (?:в|at) (\d{1,2}):(\d{2}))?$/u.exec(value);
  if (absolute === null) return undefined;
  const [, day = '', monthName = '', yearText, hours = '0', minutes = '0'] = absolute;
  const month = MONTHS.findIndex((names) => names.includes(monthName));
  if (month < 0) return undefined;
  if (yearText !== undefined) return at(Number(yearText), month, Number(day), Number(hours), Number(minutes));
  const thisYear = at(local.getUTCFullYear(), month, Number(day), Number(hours), Number(minutes));
  return thisYear.getTime() <= now.getTime() ? thisYear : at(local.getUTCFullYear() - 1, month, Number(day), Number(hours), Number(minutes));
}
