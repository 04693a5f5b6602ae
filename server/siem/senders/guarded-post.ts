import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { PermanentError, TransientError } from '../../../core/errors.js';
import { RefusedAddressError, type AddressGuard } from '../../../crawler/net/address-guard.js';
import { classifyNetworkError } from '../../../crawler/net/classify-network-error.js';
import type { GuardedAgents } from '../../../crawler/net/guarded-agents.js';
import { shownSinkUrl } from './shown-sink-url.js';

/**
 * One POST through the address guard, for the HTTP sinks. It keeps guardedRequest's guarantees
 * (the URL passes `checkUrl`, every socket the guard's lookup via the guarded agents, IP literals
 * are refused by the agents) but sends a body and never follows a redirect: a sink that redirects
 * must be reconfigured (Standard Webhooks §"Delivery success and failure"), and credentials must not
 * travel to another address.
 */

// Each pooled socket may be stale; past two in a row the receiver is more likely down than racing.
const MAX_STALE_RETRIES = 2;

/** A sink's answer: status, lower-case headers, and the body up to the byte cap. */
export interface PostResponse {
  status: number;
  headers: Record<string, string>;
  /** At most `maxResponseBytes`; a longer body is cut there (sinks answer small acknowledgements). */
  body: Buffer;
}

/** Everything one POST needs; every limit is required, so no request is unbounded. */
export interface GuardedPostOptions {
  guard: AddressGuard;
  /** Guarded agents to connect with, owned by the sender (closed with it). */
  agents: GuardedAgents;
  headers: Record<string, string>;
  body: string | Buffer;
  /** TCP connect plus TLS handshake must finish within this many milliseconds. */
  connectTimeoutMs: number;
  /** The whole exchange, connection and response body included, within this many milliseconds. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** PEM certificate(s) to trust instead of the system CAs, for a sink with a private CA. */
  ca?: string;
  signal?: AbortSignal;
}

/**
 * POSTs `body` to `url` and returns the first answer, whatever its status (a 3xx is returned, not
 * followed). Throws RefusedAddressError (the guard), TransientError for timeouts and network
 * failures, PermanentError for certificate and protocol errors, or the caller's abort reason.
 */
export async function guardedPost(url: URL, options: GuardedPostOptions): Promise<PostResponse> {
  options.guard.checkUrl(url);
  const shownUrl = shownSinkUrl(url);
  const stop = new AbortController();
  const abortWith = (reason: unknown) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  const timer = setTimeout(() => {
    abortWith(new TransientError(`the receiver did not answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const onCallerAbort = () => abortWith(options.signal?.reason);
  if (options.signal?.aborted === true) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    for (let staleRetries = 0; ; staleRetries += 1) {
      try {
        return await exchange(url, options, stop.signal, abortWith);
      } catch (error) {
        if (error instanceof StaleSocketError && staleRetries < MAX_STALE_RETRIES && !stop.signal.aborted) continue;
        throw error instanceof StaleSocketError ? error.cause : error;
      }
    }
  } catch (error) {
    if (stop.signal.aborted) throw abortReason(stop.signal);
    throw classifyNetworkError(error, shownUrl);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function exchange(url: URL, options: GuardedPostOptions, signal: AbortSignal, abortWith: (reason: unknown) => void): Promise<PostResponse> {
  const isHttps = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/gu, '');
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const requestOptions: https.RequestOptions = {
    protocol: url.protocol,
    hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    headers: { ...options.headers, 'content-length': String(body.length) },
    agent: isHttps ? options.agents.https : options.agents.http,
    lookup: options.guard.lookup,
    signal,
    ...(isHttps && options.ca !== undefined ? { ca: options.ca } : {}),
    // SNI and certificate checks are for the name asked for; an IP literal gets no SNI (RFC 6066).
    ...(isHttps && isIP(hostname) === 0 ? { servername: hostname } : {}),
  };
  return new Promise<PostResponse>((resolve, reject) => {
    const request = (isHttps ? https : http).request(requestOptions);
    request.once('socket', (socket: Socket) => watchConnect(socket, options.connectTimeoutMs, abortWith));
    let hasResponse = false;
    request.once('response', (response) => {
      hasResponse = true;
      readLimited(response, options.maxResponseBytes).then(
        (responseBody) => resolve({ status: response.statusCode ?? 0, headers: responseHeaders(response), body: responseBody }),
        reject,
      );
    });
    // `on`, not `once`: a second error after the first must not go unhandled.
    request.on('error', (error) => {
      request.destroy();
      if (request.reusedSocket && !hasResponse && isResetCode(error)) {
        reject(new StaleSocketError(error));
      } else {
        // The guard's lookup only knew the host name; name the URL.
        reject(error instanceof RefusedAddressError ? new RefusedAddressError(url, error.reason, { cause: error }) : error);
      }
    });
    request.end(body);
  });
}

/**
 * A pooled keep-alive socket that the receiver closed just as it was reused (the race Node's docs
 * describe under `request.reusedSocket`): the request never reached the receiver, so it is sent
 * again on a fresh connection.
 */
class StaleSocketError extends Error {
  override readonly cause: Error;

  constructor(cause: Error) {
    super('a pooled connection was closed by the receiver before the request got through', { cause });
    this.cause = cause;
  }
}

function isResetCode(error: Error): boolean {
  const code = 'code' in error ? error.code : undefined;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

// A pooled socket is already connected; only a new one gets the connect deadline.
function watchConnect(socket: Socket, connectTimeoutMs: number, abortWith: (reason: unknown) => void): void {
  if (!socket.connecting) return;
  const timer = setTimeout(() => {
    abortWith(new TransientError(`the receiver did not accept a connection within ${connectTimeoutMs} ms`));
  }, connectTimeoutMs);
  const done = () => clearTimeout(timer);
  socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', done);
  socket.once('close', done);
}

// Sinks answer with a short acknowledgement; the rest of an oversized body is not worth waiting for.
async function readLimited(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = maxBytes - length;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    length += Math.min(chunk.length, room);
    if (length >= maxBytes) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks, length);
}

function responseHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (name === 'set-cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new PermanentError('The delivery was cancelled by its caller.');
}
