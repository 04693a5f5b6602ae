import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { InputValidationError } from './errors.js';

/**
 * When an account is scanned: every `everyMs` milliseconds, or at the fire times of a 5-field cron
 * expression evaluated in `timeZone` (UTC unless the text starts with `CRON_TZ=Area/City `).
 * `text` is the schedule as written (trimmed), which is what the registry stores.
 */
export type Schedule =
  | { kind: 'interval'; everyMs: number; text: string }
  | { kind: 'cron'; expression: string; timeZone: string; text: string };

/** Politeness: no account is scanned more often than this (platforms rate-limit scanners). */
export const MIN_SCHEDULE_GAP_MS = 5 * 60_000;
/** Longest interval accepted: an account scanned less than once a year is almost surely a typo. */
const MAX_INTERVAL_MS = 365 * 86_400_000;

const UNIT_MS = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
// Units in falling order, each at most once: 1w2d, 2h30m, 45m.
const INTERVAL = /^(?:(\d{1,6})w)?\s*(?:(\d{1,6})d)?\s*(?:(\d{1,6})h)?\s*(?:(\d{1,6})m)?$/iu;
const CRON_TZ_PREFIX = /^CRON_TZ=(\S+)\s+/u;
// cron-parser's macros that fire at most hourly; @minutely and @secondly are refused as too frequent.
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@weekdays', '@weekends', '@minutely', '@secondly']);

const ACCEPTED =
  'write an interval such as 30m, 6h, 1d or 2h30m (units m, h, d, w; at least 5m), ' +
  'or a 5-field cron expression (minute hour day-of-month month day-of-week, in UTC) such as "0 9 * * 1-5", ' +
  'optionally prefixed with a time zone: "CRON_TZ=Europe/Kyiv 0 9 * * 1-5"';

/**
 * Reads a schedule as the registry stores it. Throws InputValidationError('schedule', …) for
 * anything unparseable, an interval under 5 minutes or a cron expression whose fire times can
 * come closer than 5 minutes; the message names the accepted forms with examples.
 */
export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  if (trimmed === '') refuse(`the schedule is empty: ${ACCEPTED}`);
  const prefix = CRON_TZ_PREFIX.exec(trimmed);
  const body = prefix ? trimmed.slice(prefix[0].length).trim() : trimmed;
  // Five fields with spaces between is cron; one word (or `1d 12h`) is an interval.
  if (prefix === null && !body.startsWith('@') && (!/\s/u.test(body) || INTERVAL.test(body))) return parseInterval(trimmed);
  return parseCron(trimmed, body, prefix?.[1] ?? 'UTC');
}

/** The next time a scan is due: `after + everyMs` for an interval, the first cron fire time strictly after `after`. */
export function nextRunAt(schedule: Schedule, after: Date): Date {
  if (schedule.kind === 'interval') return new Date(after.getTime() + schedule.everyMs);
  return compileCron(schedule.expression, schedule.timeZone, after).next().toDate();
}

function parseInterval(text: string): Schedule {
  const match = INTERVAL.exec(text);
  if (match === null || match[0] === '') {
    refuse(`${JSON.stringify(text)} is neither an interval nor a cron expression: ${ACCEPTED}`);
  }
  const [, weeks, days, hours, minutes] = match;
  const everyMs =
    Number(weeks ?? 0) * UNIT_MS.w + Number(days ?? 0) * UNIT_MS.d + Number(hours ?? 0) * UNIT_MS.h + Number(minutes ?? 0) * UNIT_MS.m;
  if (everyMs < MIN_SCHEDULE_GAP_MS) {
    refuse(`${JSON.stringify(text)} is more often than every 5 minutes, which platforms treat as abuse: use 5m or more, such as 30m or 6h`);
  }
  if (everyMs > MAX_INTERVAL_MS) refuse(`${JSON.stringify(text)} is longer than a year: use at most 365d (52w)`);
  return { kind: 'interval', everyMs, text };
}

function parseCron(text: string, expression: string, timeZone: string): Schedule {
  if (!isTimeZone(timeZone)) {
    refuse(`${JSON.stringify(timeZone)} in CRON_TZ is not a time zone: use an IANA name such as Europe/Kyiv or America/New_York`);
  }
  if (expression.startsWith('@')) {
    if (!MACROS.has(expression)) {
      refuse(`${JSON.stringify(expression)} is not a cron macro: use @hourly, @daily, @weekly, @monthly, @yearly, @weekdays or @weekends, or ${ACCEPTED}`);
    }
  } else {
    const fields = expression.split(/\s+/u).length;
    if (fields !== 5) {
      refuse(`${JSON.stringify(expression)} has ${fields} fields, a cron expression has 5 (minute hour day-of-month month day-of-week): ${ACCEPTED}`);
    }
  }
  let cron: CronExpression;
  try {
    cron = compileCron(expression, timeZone, new Date(0));
  } catch (error) {
    // cron-parser's own words name the field and the value it could not read.
    const reason = error instanceof Error ? error.message : 'unreadable';
    refuse(`${JSON.stringify(expression)} is not a valid cron expression (${reason}): ${ACCEPTED}`);
  }
  const gapMs = shortestGapMs(cron);
  if (gapMs < MIN_SCHEDULE_GAP_MS) {
    const every = gapMs < 60_000 ? `${gapMs / 1_000} seconds` : `${gapMs / 60_000} minute(s)`;
    refuse(`${JSON.stringify(expression)} can fire ${every} apart, more often than every 5 minutes, which platforms treat as abuse: use, for example, "*/15 * * * *" or "0 */6 * * *"`);
  }
  return { kind: 'cron', expression, timeZone, text };
}

// `H` (a hashed value) is seeded with the expression, so the same text always means the same times.
function compileCron(expression: string, timeZone: string, currentDate: Date): CronExpression {
  return CronExpressionParser.parse(expression, { tz: timeZone, currentDate, hashSeed: expression });
}

/**
 * The smallest distance between two fire times, from the fields alone (iterating a year of fire
 * times would cost seconds): the closest minutes within an hour, and — when two adjacent hours
 * both fire — the wrap from the last minute of one to the first of the next. Adjacent hours across
 * midnight count even if the days in between never fire both: a cautious overestimate of frequency.
 */
function shortestGapMs(cron: CronExpression): number {
  if (cron.fields.second.values.length > 1) return 1_000;
  const minutes = numbers(cron.fields.minute.values);
  const hours = new Set(numbers(cron.fields.hour.values));
  let gap = Infinity;
  for (const [index, minute] of minutes.entries()) {
    const previous = minutes[index - 1];
    if (previous !== undefined) gap = Math.min(gap, minute - previous);
  }
  const hasAdjacentHours = [...hours].some((hour) => hours.has((hour + 1) % 24));
  const first = minutes[0];
  const last = minutes.at(-1);
  if (hasAdjacentHours && first !== undefined && last !== undefined) gap = Math.min(gap, 60 - last + first);
  return gap * 60_000;
}

function numbers(values: readonly (number | string)[]): number[] {
  return values.filter((value): value is number => typeof value === 'number').sort((a, b) => a - b);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function refuse(message: string): never {
  throw new InputValidationError('schedule', [{ path: 'schedule', message }]);
}
