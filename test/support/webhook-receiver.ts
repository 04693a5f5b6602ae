import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { verifyWebhookSignature } from '../../server/siem/senders/sign-webhook.js';
import { listenRestartable } from './listen-restartable.js';

/** One webhook the receiver verified and accepted. */
export interface ReceivedWebhook {
  id: string;
  body: string;
  timestampS: number;
  headers: IncomingHttpHeaders;
}

/** Answers the receiver gives instead of accepting, planned by a test. */
export interface PlannedAnswer {
  status: number;
  /** Sent as the Retry-After header, e.g. `7` or an HTTP-date. */
  retryAfter?: string;
}

/** A real Standard Webhooks receiver on 127.0.0.1 that verifies every request with `verifyWebhookSignature`. */
export interface WebhookReceiver {
  readonly port: number;
  /** `http://127.0.0.1:<port>/hook`, or https when started with `tls`. */
  readonly url: string;
  /** Verified and accepted webhooks, in arrival order (a redelivery appears twice). */
  readonly received: ReceivedWebhook[];
  /** Why each refused request failed verification, in order (each was answered 401). */
  readonly rejections: string[];
  /** Requests seen, whatever their fate. */
  requestCount(): number;
  /** Answers the next `count` verified requests (default 1) with `status`, after first accepting `after` more (default 0). */
  respondWith(status: number, options?: { count?: number; retryAfter?: string; after?: number }): void;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

/** How to start a receiver: its secret, its timestamp tolerance (as in verifyWebhookSignature), and optionally HTTPS. */
export interface WebhookReceiverOptions {
  secret: string;
  toleranceS?: number;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string };
}

/** Starts a receiver that accepts (204) only POSTs signed with `secret`. */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const rejections: string[] = [];
  const plan: Array<PlannedAnswer | 'accept'> = [];
  let requests = 0;
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const verification = verifyWebhookSignature({
        secret: options.secret,
        headers: request.headers,
        body,
        ...(options.toleranceS === undefined ? {} : { toleranceS: options.toleranceS }),
      });
      if (request.method !== 'POST' || !verification.isValid) {
        rejections.push(verification.isValid ? `method ${request.method ?? ''}` : verification.reason);
        response.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
        return;
      }
      const planned = plan.shift();
      if (planned !== undefined && planned !== 'accept') {
        response.writeHead(planned.status, planned.retryAfter === undefined ? {} : { 'retry-after': planned.retryAfter }).end();
        return;
      }
      received.push({ id: verification.id, body: body.toString('utf8'), timestampS: verification.timestampS, headers: request.headers });
      response.writeHead(204).end();
    });
  };
  const server = options.tls === undefined ? createServer(handler) : createHttpsServer(options.tls, handler);
  const listener = await listenRestartable(server);
  return {
    port: listener.port,
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${listener.port}/hook`,
    received,
    rejections,
    requestCount: () => requests,
    respondWith(status, { count = 1, retryAfter, after = 0 } = {}) {
      for (let index = 0; index < after; index += 1) plan.push('accept');
      for (let index = 0; index < count; index += 1) plan.push(retryAfter === undefined ? { status } : { status, retryAfter });
    },
    stop: () => listener.stop(),
    restart: () => listener.restart(),
  };
}
