import { afterEach, describe, expect, it } from 'vitest';
import { startHecReceiver, type HecReceiver } from './hec-receiver.js';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const receivers: HecReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.stop();
});

async function start(): Promise<HecReceiver> {
  const receiver = await startHecReceiver({ token: TOKEN });
  receivers.push(receiver);
  return receiver;
}

async function post(receiver: HecReceiver, body: string, authorization: string | null = `Splunk ${TOKEN}`, path = '/services/collector/event') {
  const response = await fetch(`${receiver.url}${path}`, { method: 'POST', headers: authorization === null ? {} : { authorization }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') };
}

const line = (event: unknown) => JSON.stringify({ time: 1767225600.5, source: 'overshare', sourcetype: 'overshare:finding', event });

describe('HEC receiver', () => {
  it('accepts newline-separated envelopes with the right token and records them in order', async () => {
    const receiver = await start();
    expect(await post(receiver, `${line({ n: 1 })}\n${line({ n: 2 })}\n`)).toMatchObject({ status: 200, body: { text: 'Success', code: 0 } });
    expect(receiver.events.map((envelope) => envelope.event)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(receiver.events[0]).toMatchObject({ time: 1767225600.5, sourcetype: 'overshare:finding' });
  });

  it("answers a missing, malformed or wrong token with Splunk's codes and records nothing", async () => {
    const receiver = await start();
    expect(await post(receiver, line(1), null)).toMatchObject({ status: 401, body: { code: 2 } });
    expect(await post(receiver, line(1), `Bearer ${TOKEN}`)).toMatchObject({ status: 401, body: { code: 3 } });
    expect(await post(receiver, line(1), 'Splunk wrong-token')).toMatchObject({ status: 403, body: { text: 'Invalid token', code: 4 } });
    expect(receiver.events).toEqual([]);
  });

  it('refuses invalid JSON, a missing event field and an empty body with code 6, 12 and 5', async () => {
    const receiver = await start();
    expect(await post(receiver, `${line(1)}\n{"event": oops}`)).toMatchObject({ status: 400, body: { code: 6, 'invalid-event-number': 1 } });
    expect(await post(receiver, '{"time": 1}')).toMatchObject({ status: 400, body: { code: 12, 'invalid-event-number': 0 } });
    expect(await post(receiver, '')).toMatchObject({ status: 400, body: { code: 5 } });
    expect(receiver.events).toEqual([]);
  });

  it('answers 404 for a path that is not a collector endpoint', async () => {
    const receiver = await start();
    expect((await post(receiver, line(1), `Splunk ${TOKEN}`, '/services/other')).status).toBe(404);
  });

  it('answers planned 503 Server is busy with Retry-After, then accepts again', async () => {
    const receiver = await start();
    receiver.respondWith(503, { retryAfter: '30', after: 1 });
    expect((await post(receiver, line(1))).status).toBe(200);
    expect(await post(receiver, line(2))).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 }, retryAfter: '30' });
    expect((await post(receiver, line(3))).status).toBe(200);
    expect(receiver.events.map((envelope) => envelope.event)).toEqual([1, 3]);
  });

  it('refuses connections while stopped and accepts again on the same port after restart', async () => {
    const receiver = await start();
    await receiver.stop();
    await expect(post(receiver, line(1))).rejects.toThrow();
    await receiver.restart();
    expect((await post(receiver, line(1))).status).toBe(200);
  });
});
