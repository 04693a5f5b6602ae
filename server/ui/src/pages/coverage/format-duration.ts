import { formatNumber } from '../../i18n/format.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long from `fromIso` to `toIso` (now when absent), in the two largest units that matter, in the
 * UI's language with short unit names: "3 hr 12 min", "2 days 4 hr", "5 hr", "under a minute" is "0 min".
 */
export function formatDuration(fromIso: string, toIso?: string | null, now: Date = new Date()): string {
  const end = toIso === undefined || toIso === null ? now.getTime() : Date.parse(toIso);
  const spanMs = Math.max(0, end - Date.parse(fromIso));
  if (Number.isNaN(spanMs)) return '—';
  const unit = (value: number, name: 'day' | 'hour' | 'minute') => formatNumber(value, { style: 'unit', unit: name, unitDisplay: 'short' });
  const days = Math.floor(spanMs / DAY_MS);
  const hours = Math.floor((spanMs % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((spanMs % HOUR_MS) / MINUTE_MS);
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour');
  return unit(minutes, 'minute');
}
