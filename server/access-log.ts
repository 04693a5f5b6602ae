import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../core/logger.js';
import type { Actor } from './api/actor.js';
import type { Metrics } from './metrics.js';

/** The route label of requests no route answered (404s, static files): one label, so raw paths never become label values. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Logs one line per request at info when its answer is sent (or the client goes away): request id,
 * method, route pattern (the path without its query when no route matched), status, duration in
 * ms, body bytes, the caller (actor type and id, as mount-routes leaves them in
 * `response.locals.actor`) and the socket's address. Headers, cookies, credentials, bodies and query
 * strings are never logged. Each request gets a fresh id, echoed as `X-Request-Id` and kept in
 * `response.locals.requestId`. With `metrics`, each request is also counted there.
 */
export function accessLog(log: Logger, metrics?: Pick<Metrics, 'observeRequest'>): RequestHandler {
  return (request, response, next) => {
    const startedAt = performance.now();
    const requestId = randomUUID();
    // Taken now: mounted routers rewrite request.url while they run.
    const path = request.path;
    const route = watchRoutePattern(request);
    const countBytes = countBodyBytes(response);
    response.locals.requestId = requestId;
    response.setHeader('X-Request-Id', requestId);

    let isLogged = false;
    const done = (isAborted: boolean) => {
      if (isLogged) return;
      isLogged = true;
      const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
      const pattern = route.pattern();
      const actor = response.locals.actor as Actor | undefined;
      const status = response.statusCode;
      log.info(
        {
          requestId,
          method: request.method,
          ...(pattern === undefined ? { path } : { route: pattern }),
          status,
          durationMs,
          bytes: bytesOf(response, countBytes()),
          ...(actor === undefined ? {} : { actorType: actor.type, actorId: actor.id }),
          ip: request.socket.remoteAddress,
          ...(isAborted ? { isAborted: true } : {}),
        },
        'request',
      );
      metrics?.observeRequest(request.method, pattern ?? UNMATCHED_ROUTE, status, durationMs);
    };
    response.once('finish', () => done(false));
    response.once('close', () => done(!response.writableFinished));
    next();
  };
}

/**
 * The pattern of the route that answers (`/api/v1/findings/:id`), caught when the router sets
 * `request.route`: at that moment `request.baseUrl` is the mount path of the router, which it
 * no longer is after an error has left the router.
 */
function watchRoutePattern(request: Request): { pattern: () => string | undefined } {
  let value: unknown;
  let pattern: string | undefined;
  Object.defineProperty(request, 'route', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (route: unknown) => {
      value = route;
      const routePath = typeof route === 'object' && route !== null ? (route as { path?: unknown }).path : undefined;
      if (typeof routePath === 'string') pattern = `${request.baseUrl}${routePath}`;
    },
  });
  return { pattern: () => pattern };
}

/** Counts the body bytes written, for replies streamed without a Content-Length. */
function countBodyBytes(response: Response): () => number {
  let bytes = 0;
  const add = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => Response;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    add(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as Response['write'];
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') add(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as Response['end'];
  return () => bytes;
}

function bytesOf(response: Response, counted: number): number {
  const length = Number(response.getHeader('content-length'));
  return Number.isSafeInteger(length) && length >= 0 ? length : counted;
}
