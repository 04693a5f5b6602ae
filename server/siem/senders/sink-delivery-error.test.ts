import { describe, expect, it } from 'vitest';
import { isRetryable, PermanentError, TransientError } from '../../../core/errors.js';
import { PermanentSinkDeliveryError, RetryableSinkDeliveryError, SinkDeliveryError } from './sink-delivery-error.js';

describe('SinkDeliveryError', () => {
  it('builds a TransientError for a retryable failure, keeping every delivery fact', () => {
    const cause = new Error('socket');
    const error = SinkDeliveryError.from({ message: 'busy', retryable: true, deliveredCount: 2, status: 429, retryAfterMs: 7_000, cause });
    expect(error).toBeInstanceOf(RetryableSinkDeliveryError);
    expect(error).toBeInstanceOf(TransientError);
    expect(isRetryable(error)).toBe(true);
    expect(error).toMatchObject({ message: 'busy', retryable: true, deliveredCount: 2, status: 429, retryAfterMs: 7_000, cause, code: 'sink_delivery_retryable' });
  });

  it('builds a PermanentError for a permanent failure, without a retry delay', () => {
    const error = SinkDeliveryError.from({ message: 'bad token', retryable: false, deliveredCount: 0, status: 403, retryAfterMs: 60_000 });
    expect(error).toBeInstanceOf(PermanentSinkDeliveryError);
    expect(error).toBeInstanceOf(PermanentError);
    expect(isRetryable(error)).toBe(false);
    expect(error).toMatchObject({ retryable: false, deliveredCount: 0, status: 403, retryAfterMs: undefined, code: 'sink_delivery_permanent' });
  });

  it('matches both kinds with instanceof, and nothing else', () => {
    expect(SinkDeliveryError.from({ message: 'x', retryable: true, deliveredCount: 0 })).toBeInstanceOf(SinkDeliveryError);
    expect(SinkDeliveryError.from({ message: 'x', retryable: false, deliveredCount: 0 })).toBeInstanceOf(SinkDeliveryError);
    expect(new TransientError('x')).not.toBeInstanceOf(SinkDeliveryError);
    expect(new PermanentError('x')).not.toBeInstanceOf(SinkDeliveryError);
    expect('x').not.toBeInstanceOf(SinkDeliveryError);
  });
});
