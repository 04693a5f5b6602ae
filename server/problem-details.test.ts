import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, TransientError } from '../core/errors.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { errorHandler, notFoundHandler } from './problem-details.js';
import { startServer, type RunningServer } from './start-server.js';

describe('problem+json error mapping', () => {
  const { log, lines } = capturingLogger();
  let server: RunningServer | undefined;

  afterEach(async () => {
    await server?.close(1_000);
    server = undefined;
  });

  async function serveThrowing(error: unknown): Promise<string> {
    const app = express();
    app.use(express.json({ limit: '1kb' }));
    app.post('/boom', () => {
      throw error;
    });
    app.use(notFoundHandler);
    app.use(errorHandler(log));
    server = await startServer(app, '127.0.0.1', 0, log);
    return `${server.url}/boom`;
  }

  async function post(url: string, body = '{}') {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    return { response, problem: (await response.json()) as Record<string, unknown> };
  }

  it('maps invalid input to 400 with every issue listed', async () => {
    const url = await serveThrowing(new InputValidationError('account', [{ path: 'handle', message: 'is required' }]));
    const { response, problem } = await post(url);
    expect(response.status).toBe(400);
    expect(problem).toMatchObject({ status: 400, type: expect.stringMatching(/input_validation$/u) as unknown, issues: [{ path: 'handle', message: 'is required' }] });
  });

  it('maps a missing thing to 404 naming it', async () => {
    const { response, problem } = await post(await serveThrowing(new NotFoundError('finding', 'f-1')));
    expect(response.status).toBe(404);
    expect(problem.detail).toBe('finding "f-1" was not found');
  });

  it('maps a passing failure to 503 with Retry-After in whole seconds', async () => {
    const { response } = await post(await serveThrowing(new TransientError('busy', { retryAfterMs: 2_500 })));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('answers a bug with a generic 500 that does not leak its message, and logs it once', async () => {
    const before = lines.length;
    const { response, problem } = await post(await serveThrowing(new Error('password=hunter2 in a stack')));
    expect(response.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    const logged = lines.slice(before).filter((line) => line.msg === 'unexpected error while answering a request');
    expect(logged).toHaveLength(1);
  });

  it('answers a body that is not JSON with 400, not 500', async () => {
    const { response, problem } = await post(await serveThrowing(new Error('unreached')), '{"broken');
    expect(response.status).toBe(400);
    expect(problem.detail).toBe('The request body is not valid JSON.');
  });

  it('answers a body over the size limit with 413', async () => {
    const { response } = await post(await serveThrowing(new Error('unreached')), JSON.stringify({ pad: 'x'.repeat(4_096) }));
    expect(response.status).toBe(413);
  });
});
