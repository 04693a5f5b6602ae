import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, PermanentError, TransientError } from '../../../core/errors.js';
import { createAddressGuard } from '../../../crawler/net/address-guard.js';
import { listenRestartable } from '../../../test/support/listen-restartable.js';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/make-test-certificates.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { generateWebhookSecret } from './sign-webhook.js';
import { SinkDeliveryError } from './sink-delivery-error.js';
import type { SinkMessage, SinkSender } from './sink-sender.js';
import { createWebhookSender, type WebhookSenderOptions } from './webhook-sender.js';

const localGuard = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] });
const defaultGuard = createAddressGuard({ allowedPrivateHosts: [] });

const events = (count: number): SinkMessage[] =>
  Array.from({ length: count }, (_, index) => ({ id: `evt-${index + 1}`, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index)), body: JSON.stringify({ n: index + 1, text: 'ünïcode ✓' }) }));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(secret: string, tls?: { cert: string; key: string }): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver({ secret, ...(tls === undefined ? {} : { tls }) });
  cleanups.push(() => started.stop());
  return started;
}

function sender(options: Partial<WebhookSenderOptions> & Pick<WebhookSenderOptions, 'url' | 'secret'>): SinkSender {
  const created = createWebhookSender({ guard: localGuard, ...options });
  cleanups.push(() => created.close());
  return created;
}

async function failureOf(promise: Promise<unknown>): Promise<SinkDeliveryError> {
  const error = await promise.then(() => expect.unreachable('the batch was delivered'), (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SinkDeliveryError);
  return error as SinkDeliveryError;
}

describe('createWebhookSender', () => {
  it('POSTs each event as its own signed request, in order, with the body unchanged', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const batch = events(5);
    await sender({ url: target.url, secret }).send(batch);
    expect(target.received.map(({ id, body }) => ({ id, body }))).toEqual(batch.map(({ id, body }) => ({ id, body })));
    expect(target.received[0]?.headers['content-type']).toBe('application/json');
    expect(target.rejections).toEqual([]);
  });

  it('is refused by a receiver holding another secret: permanent, 401, nothing delivered, secret not shown', async () => {
    const target = await receiver(generateWebhookSecret());
    const wrongSecret = generateWebhookSecret();
    const error = await failureOf(sender({ url: target.url, secret: wrongSecret }).send(events(3)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ retryable: false, status: 401, deliveredCount: 0 });
    expect(error.message).toContain('signing secret');
    expect(error.message).not.toContain(wrongSecret.slice(6));
    expect(target.rejections).toHaveLength(1);
    expect(target.requestCount()).toBe(1);
  });

  it('is accepted during a rotation when either of its secrets is the receiver\'s', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    await sender({ url: target.url, secret: [generateWebhookSecret(), secret] }).send(events(2));
    expect(target.received).toHaveLength(2);
  });

  it('stops at a 429 on the third event with retryAfterMs from Retry-After and 2 delivered', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    target.respondWith(429, { after: 2, retryAfter: '7' });
    const error = await failureOf(sender({ url: target.url, secret }).send(events(5)));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7_000, deliveredCount: 2 });
    expect(error.message).toContain('2 of 5 events were delivered');
    expect(target.received.map((webhook) => webhook.id)).toEqual(['evt-1', 'evt-2']);
    expect(target.requestCount()).toBe(3);
  });

  it('retries 5xx and 408 answers, with no retryAfterMs when the receiver gave none', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const webhooks = sender({ url: target.url, secret });
    for (const status of [500, 502, 503, 408]) {
      target.respondWith(status);
      const error = await failureOf(webhooks.send(events(1)));
      expect(error).toMatchObject({ retryable: true, status, deliveredCount: 0, retryAfterMs: undefined });
    }
  });

  it('treats other 4xx answers and redirects as permanent, saying what to fix', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const webhooks = sender({ url: target.url, secret });
    const advice: Record<number, string> = { 400: 'rejected the event', 404: 'check the sink URL', 410: 'disable the sink', 302: 'do not follow redirects' };
    for (const [status, text] of Object.entries(advice)) {
      target.respondWith(Number(status), { retryAfter: '60' });
      const error = await failureOf(webhooks.send(events(1)));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toMatchObject({ retryable: false, status: Number(status), retryAfterMs: undefined });
      expect(error.message).toContain(text);
    }
  });

  it("never shows the URL's path or query, where webhook URLs keep their secrets, in errors", async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    target.respondWith(500);
    const error = await failureOf(sender({ url: `${target.url}/T0/s3cr3t-path?token=s3cr3t-query`, secret }).send(events(1)));
    expect(error.message).toContain(`Webhook delivery to http://127.0.0.1:${target.port}/… failed`);
    expect(error.message).not.toContain('s3cr3t');
  });

  it('reports a receiver that is down as retryable, and delivers once it is back on the same port', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const webhooks = sender({ url: target.url, secret });
    await webhooks.send(events(1));
    await target.stop();
    const error = await failureOf(webhooks.send(events(2)));
    expect(error).toMatchObject({ retryable: true, deliveredCount: 0 });
    expect(error.message).toContain('ECONNREFUSED');
    await target.restart();
    await webhooks.send(events(2));
    expect(target.received.map((webhook) => webhook.id)).toEqual(['evt-1', 'evt-1', 'evt-2']);
  });

  it('resends on a fresh connection when a reused keep-alive connection is reset before any answer', async () => {
    // Drops every connection on its second request, as a receiver closing an idle connection just as it is reused would.
    const accepted: string[] = [];
    const requestsPerSocket = new WeakMap<object, number>();
    const dropping = await listenRestartable(createHttpServer((request, response) => {
      const count = (requestsPerSocket.get(request.socket) ?? 0) + 1;
      requestsPerSocket.set(request.socket, count);
      if (count > 1) {
        request.socket.destroy();
        return;
      }
      accepted.push(String(request.headers['webhook-id']));
      request.resume();
      response.writeHead(204).end();
    }));
    cleanups.push(() => dropping.stop());
    await sender({ url: `http://127.0.0.1:${dropping.port}/hook`, secret: generateWebhookSecret() }).send(events(3));
    expect(accepted).toEqual(['evt-1', 'evt-2', 'evt-3']);
    expect(dropping.connectionCount()).toBe(3);
  });

  it('gives up on a receiver that never answers after timeoutMs, retryably', async () => {
    // Reads the request and never answers.
    const silent = await listenRestartable(createServer((socket) => socket.resume()));
    cleanups.push(() => silent.stop());
    const url = `http://127.0.0.1:${silent.port}/hook`;
    const error = await failureOf(sender({ url, secret: generateWebhookSecret(), timeoutMs: 200 }).send(events(1)));
    expect(error).toMatchObject({ retryable: true, deliveredCount: 0 });
    expect(error.message).toContain('did not answer within 200 ms');
  });

  it('reports a cancelled batch as retryable with what was delivered before', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const controller = new AbortController();
    const webhooks = sender({ url: target.url, secret });
    await webhooks.send(events(1));
    controller.abort();
    const error = await failureOf(webhooks.send(events(3), controller.signal));
    expect(error).toMatchObject({ retryable: true, deliveredCount: 0 });
    expect(error.message).toContain('cancelled');
  });

  it('never connects to loopback or private addresses through a default guard', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const refused = [
      [target.url, 'loopback address 127.0.0.1'],
      ['http://10.1.2.3:8080/hook', 'private address 10.1.2.3'],
      ['http://localhost:8080/hook', 'loopback name localhost'],
    ] as const;
    for (const [url, reason] of refused) {
      const error = await failureOf(sender({ url, secret, guard: defaultGuard }).send(events(1)));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
      expect(error.message).toContain(`refused by the address guard: ${reason}`);
    }
    expect(target.requestCount()).toBe(0);
  });

  it('refuses a host name that resolves to a private address', async () => {
    const guard = createAddressGuard({ allowedPrivateHosts: [], resolve: () => Promise.resolve([{ address: '10.9.9.9', family: 4 }]) });
    const error = await failureOf(sender({ url: 'https://siem.example.com/hook', secret: generateWebhookSecret(), guard }).send(events(1)));
    expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
    expect(error.message).toContain('siem.example.com resolves to private address 10.9.9.9');
  });

  describe('over HTTPS', () => {
    let certificates: TestCertificates;
    beforeAll(() => {
      certificates = makeTestCertificates(['siem.test'], ['127.0.0.1']);
    });

    it('delivers to a receiver whose certificate the configured CA signed', async () => {
      const secret = generateWebhookSecret();
      const target = await receiver(secret, certificates);
      await sender({ url: target.url, secret, ca: certificates.ca }).send(events(2));
      expect(target.received).toHaveLength(2);
    });

    it('refuses a receiver certificate that the configured CA did not sign, permanently', async () => {
      const secret = generateWebhookSecret();
      const target = await receiver(secret, certificates);
      const error = await failureOf(sender({ url: target.url, secret, ca: certificates.otherCa }).send(events(2)));
      expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
      expect(error.message).toContain('check the CA certificate configured for the sink');
      expect(target.received).toEqual([]);
    });
  });

  it('refuses a malformed URL or secret when created, with ConfigError', () => {
    expect(() => createWebhookSender({ url: 'ftp://siem.example.com/', secret: generateWebhookSecret(), guard: localGuard })).toThrow(ConfigError);
    expect(() => createWebhookSender({ url: 'https://siem.example.com/', secret: 'whsec_c2hvcnQ=', guard: localGuard })).toThrow(ConfigError);
    expect(() => createWebhookSender({ url: 'https://siem.example.com/', secret: [], guard: localGuard })).toThrow(ConfigError);
  });

  it('refuses an event id that cannot be signed, after delivering the events before it', async () => {
    const secret = generateWebhookSecret();
    const target = await receiver(secret);
    const batch = [...events(1), { id: 'evt.2', timestamp: new Date(), body: '{}' }];
    const error = await failureOf(sender({ url: target.url, secret }).send(batch));
    expect(error).toMatchObject({ retryable: false, deliveredCount: 1 });
    expect(error.message).toContain('"evt.2"');
  });
});
