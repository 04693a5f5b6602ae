import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from './actor.js';
import type { ApiServices } from './api-services.js';
import type { Permission } from './permissions.js';

type AnyObject = z.ZodType<Record<string, unknown>>;

/** What a route handler gets: validated input, the caller, the services, and Express for the rare raw reply. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  /** The caller's address as the socket saw it (no proxy headers are trusted). */
  ip: string | undefined;
  services: ApiServices;
  request: Request;
  response: Response;
}

/**
 * One API operation, described once: Express mounts it, zod validates its input, the OpenAPI
 * document is generated from it, and the role × route test walks it. `path` is OpenAPI style
 * (`/findings/{id}`), relative to `/api/v1`.
 */
export interface ApiRoute<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** What the caller must be allowed; `public` routes (login) need no caller at all. */
  permission: Permission | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The success body; null for 204 and for raw replies the handler writes itself. */
  response: z.ZodType<R> | null;
  /** 200 by default. */
  status?: 200 | 201 | 202 | 204;
  /** The request body's media type when it is not JSON (e.g. `text/csv`), for OpenAPI. */
  consumes?: string;
  /** A raw route writes its own reply (images, downloads); `produces` names its media type for OpenAPI. */
  produces?: string;
  /**
   * False for replies that must never be stored (a person's data export): `Idempotency-Key` is then
   * ignored, and not documented. Default true for POST and PATCH.
   */
  storesReplies?: false;
  /** Extra problem statuses worth documenting besides 400/401/403/404. */
  errors?: readonly number[];
  handle(context: RouteContext<P, Q, B>): Promise<R>;
}

/** Type-checks a route's handler against its schemas; returns the route unchanged. */
export function defineRoute<P extends Record<string, unknown> = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(
  route: ApiRoute<P, Q, B, R> & { params?: z.ZodType<P> & AnyObject },
): ApiRoute<P, Q, B, R> {
  return route;
}

/** Any route, for lists of routes of different shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list; each route was type-checked by defineRoute
export type AnyApiRoute = ApiRoute<any, any, any, any>;
