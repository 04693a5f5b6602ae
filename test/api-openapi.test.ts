import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../server/api/api-routes.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

describe('/api/openapi.json', () => {
  let harness: ApiHarness;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    harness = await startApiHarness();
    const response = await fetch(`${harness.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Record<string, unknown>;
  });
  afterAll(async () => {
    await harness.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route once, with a unique operation id and its permission', () => {
    const paths = document.paths as Record<string, Record<string, { operationId: string; 'x-permission'?: string; security?: unknown[] }>>;
    const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    const routes = apiRoutes({ sessionMaxAgeMs: 3_600_000 });
    expect(operations).toHaveLength(routes.length);
    expect(new Set(operations.map((entry) => entry.operation.operationId)).size).toBe(routes.length);
    for (const route of routes) {
      const operation = paths[`/api/v1${route.path}`]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      if (route.permission === 'public') expect(operation?.security).toEqual([]);
      else expect(operation?.['x-permission']).toBe(route.permission);
    }
  });

  it('offers no Idempotency-Key on the user routes whose reply holds a password, and keeps it on the others', () => {
    type Operation = { parameters: Array<{ name: string; in: string }> };
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const hasKey = (path: string, method: string) => paths[path]?.[method]?.parameters.some((parameter) => parameter.name === 'Idempotency-Key');
    expect(hasKey('/api/v1/users', 'post')).toBe(false);
    expect(hasKey('/api/v1/users/{id}/password', 'post')).toBe(false);
    expect(hasKey('/api/v1/users/{id}', 'patch')).toBe(true);
  });

  it('documents the findings summary with the list’s filters but not its order or page', () => {
    type Operation = { parameters: Array<{ name: string }>; responses: Record<string, unknown> };
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const names = (path: string) => paths[path]?.get?.parameters.map((parameter) => parameter.name) ?? [];
    const listFilters = names('/api/v1/findings').filter((name) => !['sort', 'order', 'cursor', 'limit'].includes(name));
    expect(listFilters.length).toBeGreaterThan(5);
    expect(names('/api/v1/findings/summary')).toEqual(listFilters);
    expect(paths['/api/v1/findings/summary']?.get?.responses['200']).toBeDefined();
  });

  it('documents the query parameters the routes validate, e.g. the event feed’s cursor and format', () => {
    const events = (document.paths as Record<string, Record<string, { parameters: Array<{ name: string; in: string; schema: { enum?: string[] } }> }>>)['/api/v1/events']?.get;
    const byName = new Map(events?.parameters.map((parameter) => [parameter.name, parameter]));
    expect(byName.get('after')?.in).toBe('query');
    expect(byName.get('format')?.schema.enum).toEqual(['native', 'ocsf', 'ecs']);
    expect(byName.get('limit')).toBeDefined();
  });
});
