import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/**
 * The review UI's Content-Security-Policy: scripts, styles and connections from our own origin
 * only, images also from blob: and data: (the evidence images), no frames, no plugins, no inline
 * script. Post and OCR text are rendered as text; this is the second line of defence.
 */
export const REVIEW_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the review UI, seen from the compiled server (dist/server → dist/ui). */
export const BUILT_UI_DIRECTORY = fileURLToPath(new URL('../ui', import.meta.url));

/** Paths the UI never owns: they 404 as the API does rather than answering with the app. */
const NOT_UI = /^\/(api|metrics|health)(\/|$)/u;

/**
 * Serves the built review UI: hashed assets cached for a year, and index.html (never cached) for
 * every other GET that asks for HTML, so that links into the app (/findings/…) load it. Without a
 * build it answers 503 saying how to build it.
 */
export function reviewUiRouter(directory: string = BUILT_UI_DIRECTORY): Router {
  const router = express.Router();
  const indexFile = path.join(directory, 'index.html');
  router.use((request, response, next) => {
    if (NOT_UI.test(request.path)) {
      next();
      return;
    }
    response.set('Content-Security-Policy', REVIEW_UI_CSP);
    next();
  });
  router.use(
    '/assets',
    express.static(path.join(directory, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      setHeaders: (response) => response.removeHeader('Cache-Control'),
    }),
  );
  router.get(/.*/u, (request, response, next) => {
    if (NOT_UI.test(request.path) || request.path.startsWith('/assets/') || !request.accepts('html')) {
      next();
      return;
    }
    if (!existsSync(indexFile)) {
      response
        .status(503)
        .type('text/plain')
        .send(`The review UI is not built (${indexFile} is missing): run \`npm run build\`, then restart overshare. The API under /api/v1 works without it.\n`);
      return;
    }
    response.set('Cache-Control', 'no-store');
    response.sendFile(indexFile);
  });
  return router;
}
