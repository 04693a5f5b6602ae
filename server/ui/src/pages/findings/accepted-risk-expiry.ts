function isoDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The first and last day an accepted risk may run to: tomorrow, and two years ahead less a day (the API's limit). */
export function expiryBounds(now: Date = new Date()): { min: string; max: string } {
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  const latest = new Date(now);
  latest.setFullYear(latest.getFullYear() + 2);
  latest.setDate(latest.getDate() - 1);
  return { min: isoDay(tomorrow), max: isoDay(latest) };
}

/** The end of a chosen day in the browser's time zone, as the API's ISO 8601 instant. */
export function endOfDay(day: string): string {
  return new Date(`${day}T23:59:59`).toISOString();
}
