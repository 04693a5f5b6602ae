import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, PermanentError, TransientError } from '../../../core/errors.js';
import { createAddressGuard } from '../../../crawler/net/address-guard.js';
import { startHecReceiver, type HecReceiver } from '../../../test/support/hec-receiver.js';
import { makeTestCertificates } from '../../../test/support/make-test-certificates.js';
import { SinkDeliveryError } from './sink-delivery-error.js';
import type { SinkMessage, SinkSender } from './sink-sender.js';
import { createSplunkHecSender, type SplunkHecSenderOptions } from './splunk-hec-sender.js';

const TOKEN = '8a1f7e52-3c4d-4e5f-9a0b-1c2d3e4f5a6b';
const localGuard = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] });

const events = (count: number, from = 1): SinkMessage[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `evt-${from + index}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 123 + index)),
    body: JSON.stringify({ id: `evt-${from + index}`, category: 'secret', text: 'ΕΜΠΙΣΤΕΥΤΙΚΟ' }),
  }));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(tls?: { cert: string; key: string }): Promise<HecReceiver> {
  const started = await startHecReceiver({ token: TOKEN, ...(tls === undefined ? {} : { tls }) });
  cleanups.push(() => started.stop());
  return started;
}

function sender(options: Partial<SplunkHecSenderOptions> & Pick<SplunkHecSenderOptions, 'url'>): SinkSender {
  const created = createSplunkHecSender({ token: TOKEN, guard: localGuard, ...options });
  cleanups.push(() => created.close());
  return created;
}

async function failureOf(promise: Promise<unknown>): Promise<SinkDeliveryError> {
  const error = await promise.then(() => expect.unreachable('the batch was delivered'), (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SinkDeliveryError);
  return error as SinkDeliveryError;
}

describe('createSplunkHecSender', () => {
  it('sends the whole batch in one request as ordered envelopes with time in seconds and the parsed event', async () => {
    const target = await receiver();
    const batch = events(3);
    await sender({ url: target.url, host: 'overshare-1.example.com' }).send(batch);
    expect(target.requestCount()).toBe(1);
    expect(target.events).toEqual(batch.map((message, index) => ({
      time: [1767225600.123, 1767225600.124, 1767225600.125][index],
      host: 'overshare-1.example.com',
      source: 'overshare',
      sourcetype: 'overshare:finding',
      event: JSON.parse(message.body) as unknown,
    })));
  });

  it('sends a body that is not JSON, such as a CEF line, as a string event', async () => {
    const target = await receiver();
    const cef = 'CEF:0|overshare|overshare|1|finding.created|Key on whiteboard|8|externalId=evt-1';
    await sender({ url: `${target.url}/`, index: 'security', sourcetype: 'cef' }).send([{ id: 'evt-1', timestamp: new Date(0), body: cef }]);
    expect(target.events).toEqual([{ time: 0, source: 'overshare', sourcetype: 'cef', index: 'security', event: cef }]);
  });

  it('splits a batch larger than maxRequestBytes into ordered requests', async () => {
    const target = await receiver();
    const batch = events(10);
    await sender({ url: target.url, maxRequestBytes: 600 }).send(batch);
    expect(target.requestCount()).toBeGreaterThan(2);
    expect(target.events.map((envelope) => (envelope.event as { id: string }).id)).toEqual(batch.map((message) => message.id));
  });

  it('reports 503 Server is busy as retryable with Retry-After, counting the requests delivered before it', async () => {
    const target = await receiver();
    target.respondWith(503, { after: 1, retryAfter: '30' });
    const batch = events(10);
    const error = await failureOf(sender({ url: target.url, maxRequestBytes: 600 }).send(batch));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryable: true, status: 503, retryAfterMs: 30_000 });
    expect(error.message).toContain('"Server is busy" (code 9)');
    // Exactly the events of the first request, which the receiver accepted.
    expect(target.events.length).toBeGreaterThan(0);
    expect(error.deliveredCount).toBe(target.events.length);
    expect(target.events.map((envelope) => (envelope.event as { id: string }).id)).toEqual(batch.slice(0, error.deliveredCount).map((message) => message.id));
  });

  it('retries a 500 and a refused connection', async () => {
    const target = await receiver();
    const hec = sender({ url: target.url });
    target.respondWith(500);
    expect(await failureOf(hec.send(events(2)))).toMatchObject({ retryable: true, status: 500, deliveredCount: 0 });
    await target.stop();
    const down = await failureOf(hec.send(events(2)));
    expect(down).toMatchObject({ retryable: true, status: undefined, deliveredCount: 0 });
    expect(down.message).toContain('ECONNREFUSED');
    await target.restart();
    await hec.send(events(2));
    expect(target.events).toHaveLength(2);
  });

  it('reports a wrong token as permanent, saying to check the token and never showing it', async () => {
    const target = await receiver();
    const wrongToken = 'ffffffff-0000-1111-2222-333333333333';
    const error = await failureOf(sender({ url: target.url, token: wrongToken }).send(events(2)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ retryable: false, status: 403, deliveredCount: 0 });
    expect(error.message).toContain('"Invalid token" (code 4)');
    expect(error.message).toContain('check the HEC token');
    expect(error.message).not.toContain(wrongToken);
  });

  it('masks the token if the answer echoes it', async () => {
    const target = await receiver();
    target.respondWith(401, { body: { text: `Unknown token Splunk ${TOKEN}`, code: 4 } });
    const error = await failureOf(sender({ url: target.url }).send(events(1)));
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('Splunk ***');
  });

  it('reports data HEC refuses as invalid as permanent', async () => {
    const target = await receiver();
    const error = await failureOf(sender({ url: target.url }).send([...events(1), { id: 'evt-2', timestamp: new Date(), body: '' }]));
    expect(error).toMatchObject({ retryable: false, status: 400, deliveredCount: 0 });
    expect(error.message).toContain('"Event field cannot be blank" (code 13)');
    expect(error.message).toContain('event 1 of the failed request');
    expect(target.events).toEqual([]);
  });

  it('never connects to a loopback address through a default guard', async () => {
    const target = await receiver();
    const error = await failureOf(sender({ url: target.url, guard: createAddressGuard({ allowedPrivateHosts: [] }) }).send(events(1)));
    expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
    expect(error.message).toContain('refused by the address guard: loopback address 127.0.0.1');
    expect(target.requestCount()).toBe(0);
  });

  it('delivers over HTTPS when the configured CA signed the certificate, and refuses permanently when not', async () => {
    const certificates = makeTestCertificates(['splunk.test'], ['127.0.0.1']);
    const target = await receiver(certificates);
    await sender({ url: target.url, ca: certificates.ca }).send(events(1));
    const error = await failureOf(sender({ url: target.url, ca: certificates.otherCa }).send(events(1, 2)));
    expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
    expect(error.message).toContain('check the CA certificate configured for the sink');
    expect(target.events).toHaveLength(1);
  });

  it('refuses a malformed URL or token when created, with ConfigError', () => {
    expect(() => createSplunkHecSender({ url: 'splunk.example.com:8088', token: TOKEN, guard: localGuard })).toThrow(ConfigError);
    expect(() => createSplunkHecSender({ url: 'https://splunk.example.com:8088', token: '', guard: localGuard })).toThrow(ConfigError);
    expect(() => createSplunkHecSender({ url: 'https://splunk.example.com:8088', token: `${TOKEN}\r\nX-Evil: 1`, guard: localGuard })).toThrow(ConfigError);
  });
});
