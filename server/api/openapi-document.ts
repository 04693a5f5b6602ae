import { z } from 'zod';
import type { AnyApiRoute } from './api-route.js';

type JsonSchema = Record<string, unknown>;

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input; `issues` lists every problem.',
  401: 'No valid session or API key.',
  403: 'The role or key scopes do not allow this, or the CSRF token is missing.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  412: 'Changed meanwhile (If-Match).',
  422: 'Cannot be processed.',
  429: 'Too many attempts; see Retry-After.',
};

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate requests
 * (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
export function openApiDocument(routes: readonly AnyApiRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      responses: responsesOf(route),
      ...(route.permission === 'public' ? { security: [] } : { 'x-permission': route.permission }),
    };
    if (route.body) {
      operation.requestBody = {
        // A body schema that accepts nothing at all (every field optional) makes the body optional.
        required: !route.body.safeParse(undefined).success,
        content: { [route.consumes ?? 'application/json']: { schema: toSchema(route.body, 'input') } },
      };
    }
    if ((route.method === 'post' || route.method === 'patch') && route.storesReplies !== false) {
      (operation.parameters as unknown[]).push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Retrying with the same key returns the first reply instead of acting twice (kept 24 hours).',
        schema: { type: 'string', maxLength: 255 },
      });
    }
    (paths[`/api/v1${route.path}`] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'overshare API', version, description: 'Findings, accounts, scans, triage and the SIEM event feed.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `osk_<prefix>_<secret>`.' },
        session: { type: 'apiKey', in: 'cookie', name: 'overshare_session', description: 'Unsafe methods also need X-CSRF-Token.' },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths,
  };
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const converted = toSchema(schema, 'input');
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((converted.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function responsesOf(route: AnyApiRoute): Record<string, unknown> {
  const status = route.status ?? 200;
  const success =
    status === 204
      ? { description: 'Done; no body.' }
      : route.response
        ? { description: 'Success.', content: { 'application/json': { schema: toSchema(route.response, 'output') } } }
        : { description: 'Success.', content: { [route.produces ?? 'application/octet-stream']: {} } };
  const problems = [400, ...(route.permission === 'public' ? [] : [401, 403]), ...(route.path.includes('{') ? [404] : []), ...(route.errors ?? [])];
  const responses: Record<string, unknown> = { [String(status)]: success };
  for (const code of problems) {
    responses[String(code)] = {
      description: STATUS_TEXT[code] ?? 'Error.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return responses;
}
