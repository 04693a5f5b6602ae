import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature, webhookSigningKey } from './sign-webhook.js';

// The test vector of the Standard Webhooks reference library (libraries/javascript/src/webhook.test.ts, "sign function works").
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP_S = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const SPEC_NOW = new Date(SPEC_TIMESTAMP_S * 1000);

const specHeaders = (signature = SPEC_SIGNATURE) => ({ 'webhook-id': SPEC_ID, 'webhook-timestamp': String(SPEC_TIMESTAMP_S), 'webhook-signature': signature });

describe('signWebhook', () => {
  it("produces the reference library's signature for its test vector", () => {
    expect(signWebhook({ id: SPEC_ID, timestampS: SPEC_TIMESTAMP_S, body: SPEC_BODY, secrets: [SPEC_SECRET] })).toEqual(specHeaders());
  });

  it('signs once per secret, space-separated, during a rotation', () => {
    const next = generateWebhookSecret();
    const signature = signWebhook({ id: SPEC_ID, timestampS: SPEC_TIMESTAMP_S, body: SPEC_BODY, secrets: [SPEC_SECRET, next] })['webhook-signature'];
    const [first, second] = signature.split(' ');
    expect(first).toBe(SPEC_SIGNATURE);
    expect(second).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/u);
    expect(verifyWebhookSignature({ secret: next, headers: specHeaders(signature), body: SPEC_BODY, now: SPEC_NOW }).isValid).toBe(true);
  });

  it('refuses an id with a dot, which could shift into the signed timestamp', () => {
    expect(() => signWebhook({ id: 'a.1', timestampS: 1, body: '', secrets: [SPEC_SECRET] })).toThrow(TypeError);
    expect(() => signWebhook({ id: 'evt 1', timestampS: 1, body: '', secrets: [SPEC_SECRET] })).toThrow(TypeError);
    expect(() => signWebhook({ id: 'evt-1', timestampS: 1, body: '', secrets: [SPEC_SECRET] })).not.toThrow();
  });
});

describe('generateWebhookSecret', () => {
  it('makes whsec_ secrets of 32 random bytes, different each time', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/u);
    expect(webhookSigningKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('webhookSigningKey', () => {
  it('accepts the secret with or without its whsec_ prefix', () => {
    expect(webhookSigningKey(SPEC_SECRET)).toEqual(webhookSigningKey(SPEC_SECRET.slice('whsec_'.length)));
  });

  it('refuses a short, long or non-base64 secret with ConfigError that does not show it', () => {
    const short = `whsec_${Buffer.alloc(16, 7).toString('base64')}`;
    const long = `whsec_${Buffer.alloc(65, 7).toString('base64')}`;
    const garbled = 'whsec_not base64 at all!!';
    for (const secret of [short, long, garbled]) {
      let error: unknown;
      try {
        webhookSigningKey(secret);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain(secret.slice(6));
      expect((error as Error).message).toContain('generateWebhookSecret');
    }
  });
});

describe('verifyWebhookSignature', () => {
  const verify = (overrides: { headers?: Record<string, string | undefined>; body?: string; now?: Date; secret?: string } = {}) =>
    verifyWebhookSignature({ secret: overrides.secret ?? SPEC_SECRET, headers: overrides.headers ?? specHeaders(), body: overrides.body ?? SPEC_BODY, now: overrides.now ?? SPEC_NOW });

  it('accepts the reference vector, with the authenticated id and timestamp', () => {
    expect(verify()).toEqual({ isValid: true, id: SPEC_ID, timestampS: SPEC_TIMESTAMP_S });
  });

  it('reads header names in any case and the body as raw bytes', () => {
    const headers = { 'Webhook-Id': SPEC_ID, 'WEBHOOK-TIMESTAMP': String(SPEC_TIMESTAMP_S), 'Webhook-Signature': SPEC_SIGNATURE };
    expect(verifyWebhookSignature({ secret: SPEC_SECRET, headers, body: Buffer.from(SPEC_BODY), now: SPEC_NOW }).isValid).toBe(true);
  });

  it('refuses a body changed by one space', () => {
    expect(verify({ body: '{"test":2432232314}' })).toEqual({ isValid: false, reason: 'no v1 signature matches' });
  });

  it('refuses the right signature checked with another secret', () => {
    expect(verify({ secret: generateWebhookSecret() }).isValid).toBe(false);
  });

  it('refuses a changed id or timestamp, which are signed too', () => {
    expect(verify({ headers: { ...specHeaders(), 'webhook-id': 'msg_other' } }).isValid).toBe(false);
    expect(verify({ headers: { ...specHeaders(), 'webhook-timestamp': String(SPEC_TIMESTAMP_S + 1) } }).isValid).toBe(false);
  });

  it('accepts when any one of several space-separated signatures matches, and ignores other versions', () => {
    const signature = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,${SPEC_SIGNATURE.slice(3)} ${SPEC_SIGNATURE}`;
    expect(verify({ headers: specHeaders(signature) }).isValid).toBe(true);
    expect(verify({ headers: specHeaders(`v2,${SPEC_SIGNATURE.slice(3)}`) }).isValid).toBe(false);
  });

  it('refuses a truncated signature', () => {
    expect(verify({ headers: specHeaders(SPEC_SIGNATURE.slice(0, 20)) }).isValid).toBe(false);
    expect(verify({ headers: specHeaders('v1,') }).isValid).toBe(false);
  });

  it('accepts a timestamp 5 minutes off either way and refuses one a second further', () => {
    const at = (seconds: number) => new Date((SPEC_TIMESTAMP_S + seconds) * 1000);
    expect(verify({ now: at(300) }).isValid).toBe(true);
    expect(verify({ now: at(-300) }).isValid).toBe(true);
    expect(verify({ now: at(301) })).toMatchObject({ isValid: false, reason: expect.stringContaining('300 s') as string });
    expect(verify({ now: at(-301) }).isValid).toBe(false);
  });

  it('refuses a missing header or a timestamp that is not unix seconds', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(verify({ headers: { ...specHeaders(), [name]: undefined } })).toMatchObject({ isValid: false, reason: expect.stringContaining('missing') as string });
    }
    expect(verify({ headers: { ...specHeaders(), 'webhook-timestamp': '1614265330.5' } }).isValid).toBe(false);
  });
});
