import type { Config } from '../core/config.js';
import { type TransientKind, TransientError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { HostLimiter } from './host-limiter.js';
import type { AddressGuard } from './net/address-guard.js';
import { decodeText } from './net/decode-text.js';
import { guardedRequest, type GuardedResponse } from './net/guarded-request.js';
import type { PageFetcher, TextResponse } from './platform-adapter.js';
import { retryWithBackoff } from './retry-with-backoff.js';
import { serverWaitMs } from './server-wait-ms.js';

const DEFAULT_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
// 501 (not implemented) and other 5xx that describe the request, not the moment, are not retried.
const RETRIED_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** What a retried status says, for platform health: 429 is a rate limit, 408 a timeout, the rest server trouble. */
function transientKindOf(status: number): TransientKind {
  if (status === 429) return 'rate_limited';
  return status === 408 ? 'timeout' : 'server_error';
}

/** What a page fetcher needs from the crawler. */
export interface PageFetcherOptions {
  platform: string;
  guard: AddressGuard;
  limiter: HostLimiter;
  settings: Config['crawl'];
  userAgent: string;
  log: Logger;
  signal?: AbortSignal;
  /** Counts every HTTP request sent, retries included (for benchmarks and scan summaries). */
  onRequest?: () => void;
}

/**
 * The PageFetcher adapters use: guarded (address checks on every hop), polite (per platform and
 * host: concurrency, rate, pauses the server asked for) and patient (429, 5xx and network errors
 * retried with backoff and jitter; TransientError when retries run out).
 */
export function createPageFetcher(options: PageFetcherOptions): PageFetcher {
  const { settings } = options;
  return {
    async getText(target, request) {
      const url = typeof target === 'string' ? new URL(target) : target;
      const key = `${options.platform} ${url.host}`;
      const response = await retryWithBackoff(
        async () => {
          options.onRequest?.();
          const answer = await options.limiter.run(
            key,
            () =>
              guardedRequest(url, {
                guard: options.guard,
                maxBytes: settings.maxPageBytes,
                timeoutMs: settings.requestTimeoutMs,
                maxRedirects: settings.maxRedirects,
                userAgent: options.userAgent,
                accept: request?.accept ?? DEFAULT_ACCEPT,
                ...(request?.headers === undefined ? {} : { headers: request.headers }),
                ...(options.signal === undefined ? {} : { signal: options.signal }),
              }),
            options.signal,
          );
          const waitMs = serverWaitMs(answer.headers);
          // A pause is capped (a server asking for a day fails the request instead, below) and only
          // taken when the host that asked is the host of this queue, not a redirect's target.
          const isSameHost = URL.canParse(answer.url) && new URL(answer.url).host === url.host;
          if (RETRIED_STATUSES.has(answer.status)) {
            if (waitMs !== undefined && isSameHost) options.limiter.pauseUntil(key, Date.now() + Math.min(waitMs, settings.maxRetryWaitMs));
            throw new TransientError(
              `${options.platform} answered ${answer.status} for ${url.host}${url.pathname}${waitMs === undefined ? '' : `; it asked us to wait ${Math.ceil(waitMs / 1_000)} s`}`,
              { kind: transientKindOf(answer.status), ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) },
            );
          }
          // The server's budget is spent: wait for its reset before the next request (this answer is good).
          if (answer.headers['x-ratelimit-remaining'] === '0' && waitMs !== undefined && isSameHost) {
            options.limiter.pauseUntil(key, Date.now() + Math.min(waitMs, settings.maxRetryWaitMs));
          }
          return answer;
        },
        {
          retries: settings.retries,
          baseMs: settings.backoffBaseMs,
          maxWaitMs: settings.maxRetryWaitMs,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          onRetry: ({ attempt, waitMs, error }) =>
            options.log.info({ platform: options.platform, host: url.host, attempt, waitMs, err: error }, 'retrying request'),
        },
      );
      return toTextResponse(response);
    },
  };
}

function toTextResponse(response: GuardedResponse): TextResponse {
  return {
    url: response.url,
    status: response.status,
    headers: response.headers,
    text: decodeText(response.body, response.headers['content-type']),
  };
}
