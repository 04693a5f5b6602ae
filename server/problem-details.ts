import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ConfigError,
  InputValidationError,
  NotFoundError,
  OvershareError,
  PlatformBlockedError,
  TransientError,
} from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { HttpError } from './api/http-errors.js';

/** An RFC 9457 problem document, the body of every error response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://overshare.invalid/problems/';

/** Sends a problem+json response. */
export function sendProblem(
  response: Parameters<RequestHandler>[1],
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): void {
  response.status(problem.status).set(headers).type('application/problem+json').send(JSON.stringify(problem));
}

/** 404 for any route nobody answered. */
export const notFoundHandler: RequestHandler = (request, response) => {
  sendProblem(response, {
    type: `${PROBLEM_BASE}not_found`,
    title: 'Not found',
    status: 404,
    detail: `No route for ${request.method} ${request.path}.`,
  });
};

/**
 * Maps errors to problem+json by class. Our own errors carry safe messages; anything else is a
 * bug, logged once here with its stack and answered with a generic 500 that leaks nothing.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const body = parseBodyError(error);
    if (body) {
      sendProblem(response, body);
      return;
    }
    if (error instanceof OvershareError && !(error instanceof ConfigError)) {
      const { status, headers } = statusOf(error);
      if (status >= 500) log.warn({ err: error, method: request.method, path: request.path }, 'request failed');
      sendProblem(
        response,
        {
          type: `${PROBLEM_BASE}${error.code}`,
          title: titleOf(status),
          status,
          detail: error.message,
          ...(error instanceof InputValidationError ? { issues: error.issues } : {}),
        },
        headers,
      );
      return;
    }
    log.error({ err: error, method: request.method, path: request.path }, 'unexpected error while answering a request');
    sendProblem(response, {
      type: `${PROBLEM_BASE}internal`,
      title: 'Internal server error',
      status: 500,
      detail: 'The server failed to answer this request; the error is in its log.',
    });
  };
}

function statusOf(error: OvershareError): { status: number; headers: Record<string, string> } {
  if (error instanceof HttpError) return { status: error.status, headers: { ...error.headers } };
  if (error instanceof InputValidationError) return { status: 400, headers: {} };
  if (error instanceof NotFoundError) return { status: 404, headers: {} };
  if (error instanceof PlatformBlockedError) return { status: 502, headers: {} };
  if (error instanceof TransientError) {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 5_000) / 1000));
    return { status: 503, headers: { 'Retry-After': String(seconds) } };
  }
  return { status: 422, headers: {} };
}

function titleOf(status: number): string {
  const titles: Record<number, string> = {
    400: 'Invalid request',
    401: 'Not signed in',
    403: 'Not allowed',
    409: 'Conflict',
    412: 'Changed meanwhile',
    429: 'Too many requests',
    404: 'Not found',
    422: 'Request cannot be processed',
    502: 'Upstream platform refused',
    503: 'Temporarily unavailable',
  };
  return titles[status] ?? 'Error';
}

// body-parser's errors (bad JSON, body too large) carry an HTTP status and a `type`.
function parseBodyError(error: unknown): ProblemDetails | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || typeof type !== 'string' || status < 400 || status >= 500) return undefined;
  const detail =
    type === 'entity.parse.failed'
      ? 'The request body is not valid JSON.'
      : type === 'entity.too.large'
        ? 'The request body is too large.'
        : 'The request body could not be read.';
  return { type: `${PROBLEM_BASE}bad_body`, title: 'Invalid request', status, detail };
}
