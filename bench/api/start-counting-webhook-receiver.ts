import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../server/siem/senders/sign-webhook.js';

/** A Standard Webhooks receiver that verifies every request and keeps only ids and arrival times. */
export interface CountingWebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`. */
  url: string;
  /** Verified event ids in arrival order. */
  readonly ids: string[];
  /** Wall-clock arrival time of each verified id, in epoch milliseconds (sub-millisecond). */
  readonly arrivedAtMs: Map<string, number>;
  /** Requests refused (bad signature or method); a fair run has none. */
  rejected(): number;
  stop(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 that answers 204 to a POST whose signature `verifyWebhookSignature`
 * accepts and 401 otherwise. It stores no bodies, so it costs the sender's benchmark as little as
 * a receiver that checks signatures can.
 */
export async function startCountingWebhookReceiver(secret: string): Promise<CountingWebhookReceiver> {
  const ids: string[] = [];
  const arrivedAtMs = new Map<string, number>();
  let rejected = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const verification = verifyWebhookSignature({ secret, headers: request.headers, body: Buffer.concat(chunks) });
      if (request.method !== 'POST' || !verification.isValid) {
        rejected += 1;
        response.writeHead(401).end();
        return;
      }
      ids.push(verification.id);
      arrivedAtMs.set(verification.id, performance.timeOrigin + performance.now());
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/hook`,
    ids,
    arrivedAtMs,
    rejected: () => rejected,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
