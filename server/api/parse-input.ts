import type { z } from 'zod';
import { InputValidationError, type InputIssue } from '../../core/errors.js';

/** Parses request input with its schema; every problem is listed with its path (`body.comment`, `query.limit`). */
export function parseInput<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  if (!schema) return (where === 'body' ? undefined : {}) as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: InputIssue[] = parsed.error.issues.map((issue) => ({
    path: [where, ...issue.path.map((part) => (typeof part === 'symbol' ? part.description ?? '' : `${part}`))].join('.'),
    message: issue.message,
  }));
  if (where === 'body' && value === undefined) {
    issues.push({ path: 'body', message: 'no JSON body was read: send one with Content-Type: application/json' });
  }
  throw new InputValidationError(`the request ${where}`, issues);
}
