/**
 * YouTube's relative post times in English ("2 days ago", "3 weeks ago (edited)", "Streamed 1 hour
 * ago"), which is all a channel's posts tab says about when a post was published.
 */

const UNIT_MS: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  // YouTube rounds down to whole months and years; 30 and 365 days are its unit widths.
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

/** An estimate of an instant YouTube printed relative to now, and how far the real instant may lie before it. */
export interface RelativeTime {
  /** The latest instant the text allows: `now - N units`. */
  at: Date;
  /** Width of the unit in milliseconds: the real instant lies in (at - precisionMs, at]. */
  precisionMs: number;
}

/**
 * Reads "N unit(s) ago" (with "(edited)", "Streamed"/"Premiered" and "just now" allowed) relative
 * to `now`; undefined for any other text (another language, a new format). The estimate is the
 * latest instant the text allows, so a post never looks older than it is: a scan cursor then
 * re-reads a boundary post (idempotent by id) rather than skipping it.
 */
export function parseYoutubeRelativeTime(text: string, now: Date): RelativeTime | undefined {
  const value = text
    .toLowerCase()
    .replace(/\(edited\)/gu, '')
    .replace(/^(?:streamed|premiered|posted|shared)\s+/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (value === 'just now' || value === 'moments ago' || value === 'now') return { at: new Date(now), precisionMs: 60_000 };
  const match = /^(\d+|an?|one) (second|minute|hour|day|week|month|year)s? ago$/u.exec(value);
  if (match === null) return undefined;
  const [, amountText = '', unit = ''] = match;
  const amount = /^\d+$/u.test(amountText) ? Number(amountText) : 1;
  const unitMs = UNIT_MS[unit];
  if (unitMs === undefined) return undefined;
  return { at: new Date(now.getTime() - amount * unitMs), precisionMs: unitMs };
}
