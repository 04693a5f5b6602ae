import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Actor } from './actor.js';
import { actorReference } from './actor.js';
import type { AnyApiRoute, RouteContext } from './api-route.js';
import type { ApiServices } from './api-services.js';
import { ForbiddenError, UnauthenticatedError } from './http-errors.js';
import { withIdempotency } from './idempotency.js';
import { parseInput } from './parse-input.js';

const UNSAFE_METHODS = new Set(['post', 'patch', 'put', 'delete']);

/** `/findings/{id}` → `/findings/:id`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/gu, ':$1');
}

/**
 * Mounts every route on one router: the caller is authenticated and checked against the route's
 * permission before any input is read; cookie sessions must echo their CSRF token on unsafe
 * methods; input is validated by the route's schemas; POST and PATCH honour `Idempotency-Key`.
 */
export function mountRoutes(routes: readonly AnyApiRoute[], services: ApiServices): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](expressPath(route.path), async (request: Request, response: Response) => {
      const actor = route.permission === 'public' ? undefined : await authorise(route, request, services);
      // Set before the input is read, so the access log names the caller of a refused request too.
      response.locals.actor = actor;
      const context: RouteContext<unknown, unknown, unknown> = {
        params: parseInput(route.params, request.params, 'params'),
        query: parseInput(route.query, request.query, 'query'),
        body: parseInput(route.body, request.body, 'body'),
        actor: actor ?? ANONYMOUS,
        ip: request.socket.remoteAddress,
        services,
        request,
        response,
      };
      const run = async () => {
        const body = (await route.handle(context)) as unknown;
        if (services.checkReplies && route.response && !response.headersSent) checkReply(route, body);
        return { status: route.status ?? 200, body };
      };
      const key = request.get('idempotency-key');
      const reply =
        key !== undefined && actor && route.storesReplies !== false && (route.method === 'post' || route.method === 'patch')
          ? await withIdempotency(services, { actor: actorReference(actor), key, method: route.method, path: request.baseUrl + request.path, query: request.query, body: request.body as unknown }, run)
          : { ...(await run()), isReplay: false };
      if (response.headersSent) return;
      if (reply.isReplay) response.set('Idempotent-Replayed', 'true');
      if (reply.status === 204) response.status(204).end();
      else response.status(reply.status).json(reply.body);
    });
  }
  return router;
}

/** Nobody: what a public route's handler sees as its actor. */
const ANONYMOUS: Actor = { type: 'user', id: '', name: 'anonymous', role: 'siem', permissions: new Set() };

async function authorise(route: AnyApiRoute, request: Request, services: ApiServices): Promise<Actor> {
  const actor = await services.authenticate(request);
  if (!actor) throw new UnauthenticatedError('Sign in (POST /api/v1/auth/login) or send an API key as `Authorization: Bearer osk_…`.');
  if (actor.csrfToken !== undefined && UNSAFE_METHODS.has(route.method) && !isSameToken(request.get('x-csrf-token'), actor.csrfToken)) {
    throw new ForbiddenError('The X-CSRF-Token header is missing or wrong: send the csrfToken that GET /api/v1/auth/session returns.');
  }
  if (route.permission !== 'public' && !actor.permissions.has(route.permission)) {
    throw new ForbiddenError(
      `${route.method.toUpperCase()} ${route.path} needs the ${route.permission} permission, which the ${actor.role} role` +
        `${actor.type === 'api_key' ? ' or this key’s scopes' : ''} does not grant.`,
    );
  }
  return actor;
}

function isSameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A reply that does not match its documented schema is a bug: fail loudly (only when services.checkReplies). */
function checkReply(route: AnyApiRoute, body: unknown): void {
  const checked = route.response?.safeParse(body);
  if (checked && !checked.success) {
    throw new Error(`${route.method.toUpperCase()} ${route.path} replied outside its schema: ${JSON.stringify(checked.error.issues.slice(0, 5))}`);
  }
}
