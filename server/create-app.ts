import express, { type Express } from 'express';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/open-database.js';
import { healthRoutes } from './health-routes.js';
import { errorHandler, notFoundHandler } from './problem-details.js';

export interface AppOptions {
  database: Database;
  log: Logger;
  version: string;
  readinessTimeoutMs: number;
}

/** The Express application: health endpoints now, the API and review UI as they arrive. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((_request, response, next) => {
    response.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    next();
  });
  app.use(healthRoutes(options));
  app.use(notFoundHandler);
  app.use(errorHandler(options.log));
  return app;
}
