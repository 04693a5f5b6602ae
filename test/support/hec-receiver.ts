import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listenRestartable } from './listen-restartable.js';

/**
 * A real Splunk HTTP Event Collector stand-in on 127.0.0.1: `POST /services/collector/event` with
 * `Authorization: Splunk <token>`, newline-separated JSON event envelopes, and Splunk's answers
 * (`{"text":…,"code":…}`) for success, missing or wrong tokens, and invalid data.
 */

/** One event envelope as HEC received it. */
export interface HecEnvelope {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
}

/** An answer planned by a test instead of Splunk's own. */
export interface PlannedHecAnswer {
  status: number;
  /** Default for 503: `{"text":"Server is busy","code":9}`. */
  body?: Record<string, unknown>;
  retryAfter?: string;
}

/** The receiver and its records. */
export interface HecReceiver {
  readonly port: number;
  /** The base URL, `http(s)://127.0.0.1:<port>`, as a user would configure it. */
  readonly url: string;
  /** Accepted envelopes in arrival order. */
  readonly events: HecEnvelope[];
  /** Requests seen, whatever their fate. */
  requestCount(): number;
  /** Answers the next `count` authorised requests (default 1) with this status, after first accepting `after` (default 0). */
  respondWith(status: number, options?: { count?: number; after?: number; body?: Record<string, unknown>; retryAfter?: string }): void;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

const HEC_PATHS = new Set(['/services/collector', '/services/collector/event', '/services/collector/event/1.0']);
const BUSY = { text: 'Server is busy', code: 9 };

/** Starts a receiver accepting `token`; with `tls` it serves HTTPS with this PEM certificate and key. */
export async function startHecReceiver(options: { token: string; tls?: { cert: string; key: string } }): Promise<HecReceiver> {
  const events: HecEnvelope[] = [];
  const plan: Array<PlannedHecAnswer | 'accept'> = [];
  let requests = 0;
  const answer = (response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
  };
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://receiver').pathname;
      if (request.method !== 'POST' || !HEC_PATHS.has(path)) {
        answer(response, 404, { text: 'The requested URL was not found on this server.', code: 404 });
        return;
      }
      const authorization = request.headers.authorization;
      if (authorization === undefined) return answer(response, 401, { text: 'Token is required', code: 2 });
      const token = /^Splunk (\S+)$/u.exec(authorization)?.[1];
      if (token === undefined) return answer(response, 401, { text: 'Invalid authorization', code: 3 });
      if (token !== options.token) return answer(response, 403, { text: 'Invalid token', code: 4 });
      const planned = plan.shift();
      if (planned !== undefined && planned !== 'accept') {
        answer(response, planned.status, planned.body ?? (planned.status === 503 ? BUSY : { text: 'Planned failure', code: 8 }), planned.retryAfter === undefined ? {} : { 'retry-after': planned.retryAfter });
        return;
      }
      const parsed = parseEnvelopes(Buffer.concat(chunks).toString('utf8'));
      if ('error' in parsed) return answer(response, 400, parsed.error);
      events.push(...parsed.envelopes);
      answer(response, 200, { text: 'Success', code: 0 });
    });
  };
  const server = options.tls === undefined ? createServer(handler) : createHttpsServer(options.tls, handler);
  const listener = await listenRestartable(server);
  return {
    port: listener.port,
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${listener.port}`,
    events,
    requestCount: () => requests,
    respondWith(status, { count = 1, after = 0, body, retryAfter } = {}) {
      for (let index = 0; index < after; index += 1) plan.push('accept');
      for (let index = 0; index < count; index += 1) plan.push({ status, ...(body === undefined ? {} : { body }), ...(retryAfter === undefined ? {} : { retryAfter }) });
    },
    stop: () => listener.stop(),
    restart: () => listener.restart(),
  };
}

/**
 * Envelopes one per line, checked like HEC does; the whole request is refused at the first bad
 * one (this stand-in indexes nothing of a refused request).
 */
function parseEnvelopes(text: string): { envelopes: HecEnvelope[] } | { error: Record<string, unknown> } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return { error: { text: 'No data', code: 5 } };
  const envelopes: HecEnvelope[] = [];
  for (const [index, line] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { error: { text: 'Invalid data format', code: 6, 'invalid-event-number': index } };
    }
    if (typeof value !== 'object' || value === null || !('event' in value)) {
      return { error: { text: 'Event field is required', code: 12, 'invalid-event-number': index } };
    }
    if (value.event === '' || value.event === null) return { error: { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': index } };
    envelopes.push(value);
  }
  return { envelopes };
}
