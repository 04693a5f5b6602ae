import { OvershareError, PermanentError, TransientError } from '../../core/errors.js';

/**
 * Maps a socket, DNS or TLS failure to what the caller should do: our own errors pass through;
 * failures that pass with time (refused, reset, timed out, unreachable) are TransientError; a name
 * that does not exist, a bad certificate or a garbled HTTP answer are PermanentError.
 */

// Codes that name a condition the other side or the network may get over.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The error `guardedRequest` throws for a failed connection to `shownUrl` (already redacted). */
export function classifyNetworkError(error: unknown, shownUrl: string): OvershareError {
  if (error instanceof OvershareError) return error;
  const code = errorCode(error);
  const what = code === undefined ? 'failed' : `failed with ${code}`;
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return new TransientError(`Request to ${shownUrl} ${what}; it will be retried.`, { cause: error, kind: code === 'ETIMEDOUT' ? 'timeout' : 'network' });
  }
  if (code === 'ENOTFOUND') {
    return new PermanentError(`Request to ${shownUrl} failed: the host name does not exist. Check the account or media URL.`, { cause: error });
  }
  if (code !== undefined && (code.startsWith('HPE_') || code.includes('CERT') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) {
    return new PermanentError(`Request to ${shownUrl} ${what}: the server's certificate or HTTP answer is invalid.`, { cause: error });
  }
  // Unknown socket trouble is more often passing than not; the retry budget bounds the cost.
  return new TransientError(`Request to ${shownUrl} ${what}; it will be retried.`, { cause: error, kind: 'network' });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
