import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../core/errors.js';
import { retryWithBackoff } from './retry-with-backoff.js';

describe('retryWithBackoff', () => {
  it('retries transient failures with doubling, jittered waits and then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
      () => {
        calls += 1;
        return calls < 4 ? Promise.reject(new TransientError('busy')) : Promise.resolve('ok');
      },
      { retries: 5, baseMs: 8, maxWaitMs: 1_000, random: () => 0.5, onRetry: ({ waitMs }) => waits.push(waitMs) },
    );
    expect(result).toBe('ok');
    // Equal jitter: half the step fixed, half random (0.5 here): 8→6, 16→12, 32→24.
    expect(waits).toEqual([6, 12, 24]);
  });

  it('waits exactly as long as the server asked', async () => {
    const waits: number[] = [];
    let calls = 0;
    await retryWithBackoff(
      () => (++calls === 1 ? Promise.reject(new TransientError('429', { retryAfterMs: 30 })) : Promise.resolve(1)),
      { retries: 2, baseMs: 1, maxWaitMs: 1_000, onRetry: ({ waitMs }) => waits.push(waitMs) },
    );
    expect(waits).toEqual([30]);
  });

  it('gives up at once when the server asks for a wait beyond the maximum, keeping its retryAfterMs', async () => {
    let calls = 0;
    const error = await retryWithBackoff(
      () => {
        calls += 1;
        return Promise.reject(new TransientError('429', { retryAfterMs: 3_600_000 }));
      },
      { retries: 5, baseMs: 1, maxWaitMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(3_600_000);
  });

  it('never retries a permanent error', async () => {
    let calls = 0;
    const error = await retryWithBackoff(
      () => {
        calls += 1;
        return Promise.reject(new PermanentError('no'));
      },
      { retries: 5, baseMs: 1, maxWaitMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(PermanentError);
  });

  it('throws the last transient error when retries run out', async () => {
    let calls = 0;
    const error = await retryWithBackoff(
      () => Promise.reject(new TransientError(`attempt ${++calls}`)),
      { retries: 2, baseMs: 1, maxWaitMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(3);
    expect((error as Error).message).toBe('attempt 3');
  });

  it('stops waiting when the scan is cancelled', async () => {
    const controller = new AbortController();
    const pending = retryWithBackoff(() => Promise.reject(new TransientError('busy')), {
      retries: 3,
      baseMs: 60_000,
      maxWaitMs: 120_000,
      signal: controller.signal,
    });
    controller.abort(new Error('scan cancelled'));
    await expect(pending).rejects.toThrow('scan cancelled');
  });
});
