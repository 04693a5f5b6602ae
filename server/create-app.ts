import express, { type Express } from 'express';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/open-database.js';
import type { AnyApiRoute } from './api/api-route.js';
import type { ApiServices } from './api/api-services.js';
import { mountRoutes } from './api/mount-routes.js';
import { openApiDocument } from './api/openapi-document.js';
import { healthRoutes } from './health-routes.js';
import { errorHandler, notFoundHandler } from './problem-details.js';
import { reviewUiRouter } from './review-ui-router.js';

export interface AppOptions {
  database: Database;
  log: Logger;
  version: string;
  readinessTimeoutMs: number;
  /** The REST API: its services and routes. Without it only the health endpoints answer. */
  api?: { services: ApiServices; routes: readonly AnyApiRoute[] };
  /** Middleware run first on every request (access log, metrics). */
  before?: readonly express.RequestHandler[];
  /** Routers mounted at the root after health (e.g. `/metrics`). */
  extraRouters?: readonly express.Router[];
  /** The review UI's built files (dist/ui), served at `/` beside the API. Left out, there is no UI. */
  ui?: { directory?: string };
}

/** The Express application: health endpoints, the REST API under `/api/v1`, its OpenAPI document and the review UI. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  for (const middleware of options.before ?? []) app.use(middleware);
  app.use((_request, response, next) => {
    response.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
    });
    next();
  });
  app.use(healthRoutes(options));
  for (const router of options.extraRouters ?? []) app.use(router);
  if (options.api) {
    const { services, routes } = options.api;
    const document = openApiDocument(routes, options.version);
    app.get('/api/openapi.json', (_request, response) => {
      response.json(document);
    });
    app.use('/api/v1/accounts/import', express.text({ type: ['text/csv', 'text/plain'], limit: '5mb' }));
    app.use('/api', express.json({ limit: '1mb' }));
    app.use('/api/v1', mountRoutes(routes, services));
  }
  if (options.ui) app.use(reviewUiRouter(options.ui.directory));
  app.use(notFoundHandler);
  app.use(errorHandler(options.log));
  return app;
}
