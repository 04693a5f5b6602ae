/**
 * The wait a Retry-After header asks for, in milliseconds (RFC 9110 §10.2.3): delay-seconds or an
 * HTTP-date. Undefined when the header is absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/u.test(text)) return Number(text) * 1000;
  // Only the IMF-fixdate family is worth reading: Date.parse would also accept "5" or "tomorrow".
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/u.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
