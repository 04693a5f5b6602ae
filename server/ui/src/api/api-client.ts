import { ApiError, NETWORK_ERROR_STATUS, type ProblemItem } from './api-error.js';

/** The API's base path: the UI is served by the same `overshare serve` as the API. */
export const API_BASE = '/api/v1';

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | undefined;

/** Remembers the session's CSRF token: every unsafe request carries it as X-CSRF-Token. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called once when any request answers 401, so the app can show the sign-in page. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Sent as is with this Content-Type (the accounts CSV import). */
  rawBody?: { contentType: string; text: string };
  /** The finding version the change is based on: a 412 answers if someone changed it since. */
  ifMatch?: number;
  signal?: AbortSignal;
}

/** `path` under /api/v1 with `query` appended; repeated values become repeated parameters, empty ones are left out. */
export function apiUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) parameters.append(name, item);
    } else {
      parameters.append(name, String(value));
    }
  }
  const search = parameters.toString();
  return `${API_BASE}${path}${search === '' ? '' : `?${search}`}`;
}

/** Calls the REST API with the session cookie; resolves with the parsed JSON reply, or rejects with an ApiError. */
export async function apiRequest<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (options.rawBody) {
    headers['Content-Type'] = options.rawBody.contentType;
    body = options.rawBody.text;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(NETWORK_ERROR_STATUS, 'The server could not be reached', 'Check the connection and that overshare is running, then try again.');
  }
  if (response.status === 204) return undefined as T;
  if (response.ok) return (await response.json()) as T;
  const error = await problemOf(response);
  if (error.isUnauthenticated && path !== '/auth/login') onUnauthenticated?.();
  throw error;
}

async function problemOf(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('Retry-After'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  try {
    const problem = (await response.json()) as { title?: unknown; detail?: unknown; issues?: unknown };
    const problems = Array.isArray(problem.issues) ? (problem.issues as ProblemItem[]) : [];
    return new ApiError(
      response.status,
      typeof problem.title === 'string' ? problem.title : response.statusText,
      typeof problem.detail === 'string' ? problem.detail : undefined,
      problems,
      retryAfterSeconds,
    );
  } catch {
    return new ApiError(response.status, response.statusText || `HTTP ${response.status}`, undefined, [], retryAfterSeconds);
  }
}
