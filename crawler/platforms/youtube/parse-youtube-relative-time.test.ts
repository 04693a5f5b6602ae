import { describe, expect, it } from 'vitest';
import { parseYoutubeRelativeTime } from './parse-youtube-relative-time.js';

const now = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;

describe('parseYoutubeRelativeTime', () => {
  const at = (text: string) => parseYoutubeRelativeTime(text, now);

  it('reads "N units ago" as the latest instant it allows, with the unit as precision', () => {
    expect(at('5 hours ago')).toEqual({ at: new Date(now.getTime() - 5 * 3_600_000), precisionMs: 3_600_000 });
    expect(at('1 day ago')?.at.toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(at('3 weeks ago (edited)')?.at.toISOString()).toBe(new Date(now.getTime() - 21 * DAY).toISOString());
    expect(at('Streamed 2 months ago')?.at.toISOString()).toBe(new Date(now.getTime() - 60 * DAY).toISOString());
    expect(at('an hour ago')?.at.toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(at('just now')?.at).toEqual(now);
  });

  it('returns undefined for other languages and formats', () => {
    expect(at('vor 2 Tagen')).toBeUndefined();
    expect(at('2 дня назад')).toBeUndefined();
    expect(at('Nov 20, 2026')).toBeUndefined();
  });
});
