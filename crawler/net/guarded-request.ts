import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { redactUrl } from '../../core/config.js';
import { PermanentError, TransientError } from '../../core/errors.js';
import { RefusedAddressError, type AddressGuard } from './address-guard.js';
import { classifyNetworkError } from './classify-network-error.js';
import { sharedGuardedAgents, type GuardedAgents } from './guarded-agents.js';
import { ACCEPTED_ENCODINGS, readCappedBody } from './read-capped-body.js';

export { ResponseTooLargeError } from './response-too-large-error.js';

/** A response read in full: the URL that answered (after redirects), its status, headers and decompressed body. */
export interface GuardedResponse {
  url: string;
  status: number;
  /** Header names in lower case; repeated headers joined with `, `; Set-Cookie is never kept. */
  headers: Record<string, string>;
  body: Buffer;
}

/** The final response's status line and headers, before its body is read. */
export interface ResponseHead {
  url: string;
  status: number;
  headers: Record<string, string>;
}

/** Limits and headers of one guarded GET; every limit is required, so no request is unbounded. */
export interface GuardedRequestOptions {
  guard: AddressGuard;
  /** Cap on the body in bytes, on the wire and after decompression. */
  maxBytes: number;
  /** The whole request, redirects, headers and body included, must finish within this many milliseconds. */
  timeoutMs: number;
  /** Redirects followed before giving up with PermanentError. */
  maxRedirects: number;
  userAgent: string;
  /** Extra request headers; a Cookie header is dropped, Authorization is dropped on a redirect to another origin. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Accept header; default `text/html,application/xhtml+xml,application/xml;q=0.9,*\/*;q=0.8`. */
  accept?: string;
  /**
   * Called with the final response's head before its body is read; throwing stops the download
   * (fetchMedia refuses a wrong status or type this way, without reading the body).
   */
  onResponse?: (head: ResponseHead) => void;
  /** Agents to connect with; default one keep-alive pair per guard, every socket guarded. */
  agents?: GuardedAgents;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
// Never sent: cookies (the crawler is anonymous), and the headers this module owns.
const DROPPED_REQUEST_HEADERS = new Set(['cookie', 'cookie2', 'host', 'accept-encoding', 'connection', 'content-length', 'transfer-encoding']);

/**
 * GET through the address guard: every URL (each redirect too) passes `checkUrl`, every socket
 * the guard's lookup, and the socket connects to the address that was checked. Redirects are
 * followed by hand up to `maxRedirects`; no cookie is ever sent or kept. Statuses are returned, not
 * judged. Throws RefusedAddressError, ResponseTooLargeError (both permanent), TransientError for
 * timeouts and network failures, PermanentError for redirect loops and broken answers.
 */
export async function guardedRequest(url: string | URL, options: GuardedRequestOptions): Promise<GuardedResponse> {
  if (typeof url === 'string' && !URL.canParse(url)) throw new PermanentError(`${redactUrl(url)} is not a URL the crawler can fetch; check the account or media URL.`);
  const stop = new AbortController();
  const timer = setTimeout(() => {
    stop.abort(new TransientError(`Request to ${redactUrl(String(url))} did not finish within ${options.timeoutMs} ms; it will be retried.`, { kind: 'timeout' }));
  }, options.timeoutMs);
  const onCallerAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted === true) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await followRedirects(new URL(url), options, stop.signal);
  } catch (error) {
    if (stop.signal.aborted) throw abortReason(stop.signal);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

async function followRedirects(start: URL, options: GuardedRequestOptions, signal: AbortSignal): Promise<GuardedResponse> {
  const agents = options.agents ?? sharedGuardedAgents(options.guard);
  let headers = requestHeaders(options);
  let current = start;
  const visited = new Set<string>();
  for (let redirects = 0; ; redirects += 1) {
    options.guard.checkUrl(current);
    visited.add(current.href);
    const { request, response } = await send(current, headers, agents, options.guard, signal);
    const shownUrl = redactUrl(current.href);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECT_STATUSES.has(status) && location !== undefined) {
      // The redirect's own body is never read: it may be endless, and nobody needs it.
      request.destroy();
      if (!URL.canParse(location, current.href)) throw new PermanentError(`${shownUrl} redirected to an unparseable Location; the URL cannot be followed.`);
      const next = new URL(location, current);
      next.hash = '';
      if (redirects + 1 > options.maxRedirects) {
        throw new PermanentError(`${redactUrl(start.href)} redirected more than ${options.maxRedirects} times (stopped after ${redirects + 1} redirects); check the URL.`);
      }
      if (visited.has(next.href)) {
        throw new PermanentError(`${redactUrl(start.href)} redirects in a loop (back to ${redactUrl(next.href)} after ${redirects + 1} redirects); check the URL.`);
      }
      // Like browsers, credentials meant for one origin do not follow a redirect to another.
      if (next.origin !== current.origin) headers = withoutAuthorization(headers);
      current = next;
      continue;
    }
    const head: ResponseHead = { url: current.href, status, headers: responseHeaders(response) };
    try {
      options.onResponse?.(head);
      const body = await readCappedBody(response, { maxBytes: options.maxBytes, shownUrl });
      return { ...head, body };
    } catch (error) {
      request.destroy();
      throw classifyNetworkError(error, shownUrl);
    }
  }
}

interface Exchange {
  request: http.ClientRequest;
  response: IncomingMessage;
}

function send(url: URL, headers: Record<string, string>, agents: GuardedAgents, guard: AddressGuard, signal: AbortSignal): Promise<Exchange> {
  const isHttps = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/gu, '');
  const requestOptions: https.RequestOptions = {
    protocol: url.protocol,
    hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers,
    agent: isHttps ? agents.https : agents.http,
    lookup: guard.lookup,
    signal,
    // SNI and certificate checks are for the name asked for; an IP literal gets no SNI (RFC 6066).
    ...(isHttps && isIP(hostname) === 0 ? { servername: hostname } : {}),
  };
  return new Promise<Exchange>((resolve, reject) => {
    const request = (isHttps ? https : http).request(requestOptions);
    request.once('response', (response) => resolve({ request, response }));
    // `on`, not `once`: a second error after the first (or after the response) must not go unhandled.
    request.on('error', (error) => {
      request.destroy();
      if (error instanceof RefusedAddressError) {
        // The guard's lookup only knew the host name; name the URL.
        reject(new RefusedAddressError(url, error.reason, { cause: error }));
      } else {
        reject(classifyNetworkError(error, redactUrl(url.href)));
      }
    });
    request.end();
  });
}

function requestHeaders(options: GuardedRequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!DROPPED_REQUEST_HEADERS.has(lower)) headers[lower] = value;
  }
  headers['user-agent'] = options.userAgent;
  headers.accept = options.accept ?? headers.accept ?? DEFAULT_ACCEPT;
  headers['accept-encoding'] = ACCEPTED_ENCODINGS;
  return headers;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization'));
}

function responseHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    // Set-Cookie is dropped here so no cookie can travel further (into a store, a log, a request).
    if (name === 'set-cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new PermanentError('The request was cancelled by its caller.');
}
