import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../server/siem/senders/sign-webhook.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

// Signed by hand, independently of signWebhook, so the receiver's check is tested on its own.
function signedPost(receiver: WebhookReceiver, secret: string, id: string, body: string, timestampS = Math.floor(Date.now() / 1000)): Promise<Response> {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64');
  return fetch(receiver.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestampS), 'webhook-signature': `v1,${signature}` },
    body,
  });
}

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.stop();
});

async function start(secret: string): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver({ secret });
  receivers.push(receiver);
  return receiver;
}

describe('webhook receiver', () => {
  it('accepts correctly signed webhooks with 204 and records them in order', async () => {
    const secret = generateWebhookSecret();
    const receiver = await start(secret);
    expect((await signedPost(receiver, secret, 'evt-1', '{"n":1}')).status).toBe(204);
    expect((await signedPost(receiver, secret, 'evt-2', '{"n":2}')).status).toBe(204);
    expect(receiver.received.map(({ id, body }) => ({ id, body }))).toEqual([{ id: 'evt-1', body: '{"n":1}' }, { id: 'evt-2', body: '{"n":2}' }]);
  });

  it('answers 401 to a request signed with another secret and records only the rejection', async () => {
    const receiver = await start(generateWebhookSecret());
    expect((await signedPost(receiver, generateWebhookSecret(), 'evt-1', '{}')).status).toBe(401);
    expect(receiver.received).toEqual([]);
    expect(receiver.rejections).toEqual(['no v1 signature matches']);
  });

  it('answers 401 to an unsigned request and to a replay from 10 minutes ago', async () => {
    const secret = generateWebhookSecret();
    const receiver = await start(secret);
    expect((await fetch(receiver.url, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await signedPost(receiver, secret, 'evt-1', '{}', Math.floor(Date.now() / 1000) - 600)).status).toBe(401);
    expect(receiver.received).toEqual([]);
    expect(receiver.rejections).toHaveLength(2);
  });

  it('answers planned statuses with Retry-After after accepting the requests before them', async () => {
    const secret = generateWebhookSecret();
    const receiver = await start(secret);
    receiver.respondWith(429, { retryAfter: '7', after: 1, count: 2 });
    expect((await signedPost(receiver, secret, 'evt-1', '{}')).status).toBe(204);
    const limited = await signedPost(receiver, secret, 'evt-2', '{}');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await signedPost(receiver, secret, 'evt-2', '{}')).status).toBe(429);
    expect((await signedPost(receiver, secret, 'evt-2', '{}')).status).toBe(204);
    expect(receiver.received.map((webhook) => webhook.id)).toEqual(['evt-1', 'evt-2']);
    expect(receiver.requestCount()).toBe(4);
  });

  it('refuses connections while stopped and accepts again on the same port after restart', async () => {
    const secret = generateWebhookSecret();
    const receiver = await start(secret);
    const { url } = receiver;
    await receiver.stop();
    await expect(signedPost(receiver, secret, 'evt-1', '{}')).rejects.toThrow();
    await receiver.restart();
    expect(receiver.url).toBe(url);
    expect((await signedPost(receiver, secret, 'evt-1', '{}')).status).toBe(204);
  });
});
