import { PermanentError } from '../../core/errors.js';

/** An error the API answers with a specific HTTP status; `headers` go on the reply (Retry-After, WWW-Authenticate). */
export abstract class HttpError extends PermanentError {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly headers: Readonly<Record<string, string>> = {};
}

/** No credentials, or credentials that do not hold (unknown, expired, revoked). */
export class UnauthenticatedError extends HttpError {
  override readonly code = 'unauthenticated';
  readonly status = 401;
  readonly title = 'Not signed in';
  override readonly headers = { 'WWW-Authenticate': 'Bearer realm="overshare"' };
}

/** The caller is known but its role or key scopes do not allow this. */
export class ForbiddenError extends HttpError {
  override readonly code = 'forbidden';
  readonly status = 403;
  readonly title = 'Not allowed';
}

/** The request clashes with the current state (a transition not allowed from here, a name taken). */
export class ConflictError extends HttpError {
  override readonly code = 'conflict';
  readonly status = 409;
  readonly title = 'Conflict';
}

/** The caller's `If-Match` version is not the current one: someone else changed it first. */
export class PreconditionFailedError extends HttpError {
  override readonly code = 'precondition_failed';
  readonly status = 412;
  readonly title = 'Changed meanwhile';
}

/** An `Idempotency-Key` reused for a different request. */
export class IdempotencyKeyReusedError extends HttpError {
  override readonly code = 'idempotency_key_reused';
  readonly status = 422;
  readonly title = 'Idempotency key reused';
}

/** Too many attempts; try again after `retryAfterS`. */
export class TooManyRequestsError extends HttpError {
  override readonly code = 'too_many_requests';
  readonly status = 429;
  readonly title = 'Too many requests';
  override readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, retryAfterS: number) {
    super(message);
    this.headers = { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterS))) };
  }
}
