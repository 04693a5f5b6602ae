import { PermanentError, TransientError } from '../../../core/errors.js';

/**
 * The one error a SinkSender throws. It is a TransientError (retry with backoff) or a
 * PermanentError (fix the sink's configuration first), so the generic retry wrapper understands it,
 * and both carry the same delivery facts. `error instanceof SinkDeliveryError` matches either.
 */

/** What went wrong with one batch; messages name the target (redacted) and never hold a secret. */
export interface SinkDeliveryFailure {
  /** Says what went wrong and what to do about it. */
  message: string;
  retryable: boolean;
  /** How many of the batch's first messages were surely accepted before the failure (0 to batch length). */
  deliveredCount: number;
  /** The HTTP status the receiver answered with, when it answered. */
  status?: number;
  /** Wait at least this many milliseconds before the next attempt (from Retry-After); retryable failures only. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A delivery that may succeed later (receiver down, busy, rate limiting, network trouble). */
export class RetryableSinkDeliveryError extends TransientError {
  override readonly code = 'sink_delivery_retryable';
  readonly retryable = true as const;
  readonly deliveredCount: number;
  readonly status: number | undefined;

  constructor(failure: Omit<SinkDeliveryFailure, 'retryable'>) {
    super(failure.message, { cause: failure.cause, retryAfterMs: failure.retryAfterMs });
    this.deliveredCount = failure.deliveredCount;
    this.status = failure.status;
  }
}

/** A delivery that will fail the same way until the sink's configuration changes (wrong secret, token, CA, URL). */
export class PermanentSinkDeliveryError extends PermanentError {
  override readonly code = 'sink_delivery_permanent';
  readonly retryable = false as const;
  readonly deliveredCount: number;
  readonly status: number | undefined;
  readonly retryAfterMs: undefined = undefined;

  constructor(failure: Omit<SinkDeliveryFailure, 'retryable' | 'retryAfterMs'>) {
    super(failure.message, { cause: failure.cause });
    this.deliveredCount = failure.deliveredCount;
    this.status = failure.status;
  }
}

/** Either kind of sink delivery failure; narrow with `retryable` or `instanceof`. */
export type SinkDeliveryError = RetryableSinkDeliveryError | PermanentSinkDeliveryError;

/** `instanceof SinkDeliveryError` is true for both kinds; `SinkDeliveryError.from(failure)` builds the right one. */
export const SinkDeliveryError = {
  [Symbol.hasInstance](value: unknown): value is SinkDeliveryError {
    return value instanceof RetryableSinkDeliveryError || value instanceof PermanentSinkDeliveryError;
  },
  from(failure: SinkDeliveryFailure): SinkDeliveryError {
    if (failure.retryable) return new RetryableSinkDeliveryError(failure);
    // A permanent failure has no "retry after": it waits for a configuration change, not for time.
    return new PermanentSinkDeliveryError({ message: failure.message, deliveredCount: failure.deliveredCount, status: failure.status, cause: failure.cause });
  },
};
