import { Router } from 'express';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/open-database.js';
import { sendProblem } from './problem-details.js';

export interface HealthOptions {
  database: Database;
  version: string;
  readinessTimeoutMs: number;
  log: Logger;
}

/**
 * `/healthz` answers while the process runs (liveness); `/readyz` answers 200 only while the
 * database answers within `readinessTimeoutMs` (readiness), and 503 problem+json otherwise.
 */
export function healthRoutes(options: HealthOptions): Router {
  const router = Router();
  const startedAt = Date.now();

  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', version: options.version, uptimeS: Math.round((Date.now() - startedAt) / 1000) });
  });

  router.get('/readyz', async (_request, response) => {
    const began = performance.now();
    try {
      await options.database.ping(options.readinessTimeoutMs);
      response.json({
        status: 'ready',
        checks: {
          database: { status: 'up', kind: options.database.kind, latencyMs: Math.round(performance.now() - began) },
        },
      });
    } catch (error) {
      options.log.warn({ err: error }, 'readiness check failed');
      sendProblem(
        response,
        {
          type: 'https://overshare.invalid/problems/not_ready',
          title: 'Not ready',
          status: 503,
          // Unauthenticated: the cause (which names the database) goes to the log, not the caller.
          detail: 'The database did not answer; the reason is in the server log.',
          checks: { database: { status: 'down', kind: options.database.kind } },
        },
        { 'Retry-After': '5' },
      );
    }
  });

  return router;
}
