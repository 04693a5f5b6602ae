import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../../../core/errors.js';

/**
 * Standard Webhooks 1.0 symmetric signatures (https://www.standardwebhooks.com/): the secret is
 * `whsec_` + base64 of 24 to 64 random bytes, and `webhook-signature` holds `v1,<base64 of
 * HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}")>`, space-separated when several
 * secrets sign (rotation). Receivers may use `verifyWebhookSignature` as the reference check.
 */

const SECRET_PREFIX = 'whsec_';
// The spec's bounds on a symmetric key: at least 192 bits, at most 512.
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const GENERATED_KEY_BYTES = 32;

/** Receivers refuse a `webhook-timestamp` further than this from their clock (seconds), against replays. */
export const WEBHOOK_TIMESTAMP_TOLERANCE_S = 5 * 60;

/** The three headers that authenticate one webhook attempt. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  /** Unix seconds of this attempt (not of the event), as decimal text. */
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new secret for one endpoint: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(GENERATED_KEY_BYTES).toString('base64')}`;
}

/**
 * The HMAC key inside a `whsec_<base64>` secret (the prefix may be left out). Throws ConfigError,
 * which never shows the secret, when it is not base64 of 24 to 64 bytes.
 */
export function webhookSigningKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer.from(…, 'base64') skips junk silently; a mistyped secret must fail loudly instead.
  const isBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/u.test(encoded);
  const key = Buffer.from(encoded, 'base64');
  if (!isBase64 || key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new ConfigError(
      `The webhook secret is not a Standard Webhooks secret: expected "whsec_" followed by base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes. ` +
        'Generate a new one (generateWebhookSecret) and give it to the receiver.',
    );
  }
  return key;
}

/** What to sign: the event id (printable ASCII, no `.` or space), the attempt's unix seconds and the exact body bytes sent. */
export interface WebhookSigningInput {
  id: string;
  timestampS: number;
  body: string | Buffer;
  /** One secret, or several during a rotation (each adds a signature). */
  secrets: readonly string[];
}

/** The Standard Webhooks headers for one attempt; throws ConfigError for a bad secret, TypeError for an id with a `.`, a space or non-ASCII. */
export function signWebhook(input: WebhookSigningInput): WebhookSignatureHeaders {
  // The signed content is dot-delimited: an id with a dot could be shifted into the timestamp.
  if (!/^[\x21-\x2d\x2f-\x7e]+$/u.test(input.id)) throw new TypeError('a webhook id must be printable ASCII without dots or spaces');
  if (!Number.isSafeInteger(input.timestampS) || input.timestampS < 0) throw new TypeError('a webhook timestamp must be whole unix seconds');
  const signatures = input.secrets.map((secret) => `v1,${hmacBase64(webhookSigningKey(secret), input.id, String(input.timestampS), input.body)}`);
  return { 'webhook-id': input.id, 'webhook-timestamp': String(input.timestampS), 'webhook-signature': signatures.join(' ') };
}

/** A received request to check: its headers (any case) and its raw body, before any JSON parsing. */
export interface WebhookVerificationInput {
  secret: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: string | Buffer;
  /** The receiver's clock; default now. */
  now?: Date;
  /** Default WEBHOOK_TIMESTAMP_TOLERANCE_S (300). */
  toleranceS?: number;
}

/** Valid with the authenticated id and timestamp, or invalid with a reason fit for a 401 answer. */
export type WebhookVerification = { isValid: true; id: string; timestampS: number } | { isValid: false; reason: string };

/**
 * Checks one delivery the Standard Webhooks way: all three headers present, timestamp within
 * `toleranceS` of `now` either side, and at least one `v1` signature in the space-separated list
 * equal (constant-time) to the HMAC of `{id}.{timestamp}.{body}`. Throws ConfigError only for a bad secret.
 */
export function verifyWebhookSignature(input: WebhookVerificationInput): WebhookVerification {
  const key = webhookSigningKey(input.secret);
  const header = headerReader(input.headers);
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    return { isValid: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  }
  if (!/^\d{1,15}$/u.test(timestamp)) return { isValid: false, reason: 'webhook-timestamp is not unix seconds' };
  const timestampS = Number(timestamp);
  const nowS = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const toleranceS = input.toleranceS ?? WEBHOOK_TIMESTAMP_TOLERANCE_S;
  if (Math.abs(nowS - timestampS) > toleranceS) {
    return { isValid: false, reason: `webhook-timestamp is more than ${toleranceS} s from the receiver's clock` };
  }
  const expected = Buffer.from(hmacBase64(key, id, timestamp, input.body));
  const matches = signatures.split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') return false;
    const candidate = Buffer.from(entry.slice(comma + 1));
    // Lengths are public (every v1 signature is 44 characters); only the content needs constant time.
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  return matches ? { isValid: true, id, timestampS } : { isValid: false, reason: 'no v1 signature matches' };
}

function hmacBase64(key: Buffer, id: string, timestamp: string, body: string | Buffer): string {
  // The body is signed as the exact bytes on the wire, never re-serialised.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

function headerReader(headers: WebhookVerificationInput['headers']): (name: string) => string | undefined {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return (name) => {
    const value = lower.get(name);
    const text = typeof value === 'string' ? value : value?.join(' ');
    return text === undefined || text.trim() === '' ? undefined : text.trim();
  };
}
