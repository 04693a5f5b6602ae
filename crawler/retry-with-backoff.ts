import { TransientError } from '../core/errors.js';

/** How `retryWithBackoff` waits between attempts. */
export interface BackoffOptions {
  /** Retries after the first attempt; 0 means one attempt only. */
  retries: number;
  /** First wait in milliseconds; each later one doubles it (with jitter). */
  baseMs: number;
  /** A server asking for a longer wait than this fails at once, keeping its `retryAfterMs` for the scheduler. */
  maxWaitMs: number;
  signal?: AbortSignal;
  /** Called before each wait, for logs and progress. */
  onRetry?: (info: { attempt: number; waitMs: number; error: TransientError }) => void;
  /** Source of randomness in [0, 1); default Math.random (tests pass a seeded one). */
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, retrying only TransientErrors: after exponential backoff with
 * "equal jitter" — half the step fixed, half random, so that many crawlers that failed together do
 * not retry together — or after the wait the other side asked for (`retryAfterMs`) when longer.
 * Any other error, or the last TransientError, is thrown as it is.
 */
export async function retryWithBackoff<T>(attempt: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const random = options.random ?? Math.random;
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TransientError) || retry >= options.retries) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > options.maxWaitMs) throw error;
      const step = options.baseMs * 2 ** retry;
      const backoffMs = Math.round(step / 2 + (random() * step) / 2);
      // The server's wait, but never less than our own backoff: "Retry-After: 0" is not a licence to hammer.
      const waitMs = Math.max(error.retryAfterMs ?? 0, backoffMs);
      options.onRetry?.({ attempt: retry + 1, waitMs, error });
      await sleep(waitMs, options.signal);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// The signal's own reason (a scan's cancellation error) is what the caller expects back.
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}
