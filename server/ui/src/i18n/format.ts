import i18next from 'i18next';

/** A date and time in the UI's language, in the browser's time zone; '—' for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(i18next.language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A date in the UI's language; '—' for none. */
export function formatDate(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(i18next.language, { dateStyle: 'medium' }).format(date);
}

/** A number with the UI language's grouping. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(i18next.language, options).format(value);
}

/** "3 min ago" / "in 2 h" in the UI's language. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (iso === null || iso === undefined) return '—';
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  // Short units ("44 sec. ago"): long forms in Greek or Russian overflow table cells.
  const format = new Intl.RelativeTimeFormat(i18next.language, { numeric: 'auto', style: 'short' });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}
