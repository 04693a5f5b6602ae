// Retry-After's date form is an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); anything looser is
// refused, because Date.parse reads "1.5" or "0" as dates in the past, which would mean "no wait".
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/u;

/**
 * Milliseconds the server asked us to wait: Retry-After (whole seconds or an HTTP date), else
 * X-RateLimit-Reset (an ISO date as Mastodon sends, epoch seconds or seconds from now) — the
 * latter only when the budget is spent (X-RateLimit-Remaining 0 or absent), since Mastodon sends
 * the reset on every answer, a 502 included. Undefined when neither says anything readable.
 */
export function serverWaitMs(headers: Record<string, string>, nowMs = Date.now()): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d{1,9}$/u.test(retryAfter)) return Number(retryAfter) * 1_000;
    if (HTTP_DATE.test(retryAfter)) return Math.max(0, Date.parse(retryAfter) - nowMs);
  }
  const reset = headers['x-ratelimit-reset']?.trim();
  const remaining = headers['x-ratelimit-remaining']?.trim();
  if (reset === undefined || reset === '' || (remaining !== undefined && remaining !== '0')) return undefined;
  if (/^\d{1,12}(?:\.\d+)?$/u.test(reset)) {
    const value = Number(reset);
    // Epoch seconds are large; small numbers are "seconds from now" (GitHub-style vs. Twitter-style).
    return value > 1_000_000_000 ? Math.max(0, value * 1_000 - nowMs) : value * 1_000;
  }
  if (/^\d{4}-\d{2}-\d{2}T/u.test(reset)) {
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}
