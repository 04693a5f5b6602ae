/**
 * Milliseconds the server asked us to wait: Retry-After (seconds or an HTTP date), else
 * X-RateLimit-Reset (an ISO date as Mastodon sends, or epoch seconds as many APIs do).
 */
export function serverWaitMs(headers: Record<string, string>, nowMs = Date.now()): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+$/u.test(retryAfter)) return Number(retryAfter) * 1_000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headers['x-ratelimit-reset']?.trim();
  if (reset !== undefined && reset !== '') {
    if (/^\d+(?:\.\d+)?$/u.test(reset)) {
      const value = Number(reset);
      // Epoch seconds are large; small numbers are "seconds from now" (GitHub-style vs. Twitter-style).
      return value > 1_000_000_000 ? Math.max(0, value * 1_000 - nowMs) : value * 1_000;
    }
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}
