import { ConfigError } from '../../../core/errors.js';
import type { AddressGuard } from '../../../crawler/net/address-guard.js';
import { createGuardedAgents } from '../../../crawler/net/guarded-agents.js';
import { guardedPost, type PostResponse } from './guarded-post.js';
import { isRetryableStatus } from './is-retryable-status.js';
import { networkDeliveryError } from './network-delivery-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { signWebhook, webhookSigningKey, type WebhookSignatureHeaders } from './sign-webhook.js';
import { shownSinkUrl } from './shown-sink-url.js';
import { SinkDeliveryError } from './sink-delivery-error.js';
import type { SinkMessage, SinkSender } from './sink-sender.js';

/** Where and how to POST events as Standard Webhooks. */
export interface WebhookSenderOptions {
  /** The receiver's http(s) URL; it must answer 2xx itself (redirects are failures). */
  url: string;
  /** `whsec_…` secret; several during a rotation, each adding a signature. */
  secret: string | readonly string[];
  /** Every connection passes this guard (SSRF protection, Standard Webhooks §SSRF). */
  guard: AddressGuard;
  /** TCP connect plus TLS handshake, in milliseconds; default 5_000. */
  connectTimeoutMs?: number;
  /** One request from start to end of the answer, in milliseconds; default 15_000 (the spec suggests 15–30 s). */
  timeoutMs?: number;
  /** PEM CA certificate(s) trusted instead of the system's, for a receiver with a private CA. */
  ca?: string;
  /** Default `overshare-webhooks/1`. */
  userAgent?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 15_000;
// A receiver's answer body is not used; read a little for keep-alive, then stop.
const MAX_RESPONSE_BYTES = 16 * 1024;
// Below Node's and most servers' 5 s keep-alive timeout, so a pooled socket is not reused just as the receiver closes it.
const IDLE_SOCKET_MS = 4_000;

/**
 * A sender that POSTs each event of a batch as its own Standard Webhooks request, in order, with
 * `content-type: application/json`, the body exactly `message.body`, `webhook-id` = `message.id`
 * and a fresh `webhook-timestamp` per attempt. It stops at the first failure: 2xx is delivered;
 * 408, 429, 5xx, timeouts and network failures are retryable (with Retry-After); anything else is
 * permanent. `deliveredCount` is the number of requests answered 2xx. Throws ConfigError at once
 * for a malformed URL or secret.
 */
export function createWebhookSender(options: WebhookSenderOptions): SinkSender {
  const url = parseSinkUrl(options.url);
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0) throw new ConfigError('A webhook sink needs a signing secret; generate one with generateWebhookSecret().');
  // Fails now, not at the first delivery, and never shows the secret.
  for (const secret of secrets) webhookSigningKey(secret);
  const agents = createGuardedAgents(options.guard, { keepAlive: true, idleTimeoutMs: IDLE_SOCKET_MS });
  const action = `Webhook delivery to ${shownSinkUrl(url)}`;

  const postOne = (message: SinkMessage, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<PostResponse> =>
    guardedPost(url, {
      guard: options.guard,
      agents,
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': options.userAgent ?? 'overshare-webhooks/1', accept: '*/*' },
      body: message.body,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(signal === undefined ? {} : { signal }),
    });

  return {
    async send(batch, signal) {
      for (const [index, message] of batch.entries()) {
        const context = { action, deliveredCount: index, batchSize: batch.length, signal };
        if (signal?.aborted === true) throw networkDeliveryError(signal.reason, context);
        const headers = signedHeaders(message, secrets, action, index);
        let response: PostResponse;
        try {
          response = await postOne(message, { ...headers }, signal);
        } catch (error) {
          throw networkDeliveryError(error, context);
        }
        if (response.status < 200 || response.status > 299) throw statusError(response, action, index, batch.length);
      }
    },
    close() {
      agents.destroy();
      return Promise.resolve();
    },
  };
}

// Signed per attempt: the timestamp is the attempt's, so a retry hours later is not refused as a replay.
function signedHeaders(message: SinkMessage, secrets: readonly string[], action: string, deliveredCount: number): WebhookSignatureHeaders {
  try {
    return signWebhook({ id: message.id, timestampS: Math.floor(Date.now() / 1000), body: message.body, secrets });
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'it cannot be signed';
    throw SinkDeliveryError.from({ message: `${action} failed: event ${JSON.stringify(message.id)} cannot be sent, ${detail}.`, retryable: false, deliveredCount, cause: error });
  }
}

function statusError(response: PostResponse, action: string, deliveredCount: number, batchSize: number): SinkDeliveryError {
  const { status } = response;
  const retryable = isRetryableStatus(status);
  const progress = `${deliveredCount} of ${batchSize} events were delivered first.`;
  return SinkDeliveryError.from({
    message: `${action} failed: the receiver answered ${status}; ${adviceFor(status)} ${progress}`,
    retryable,
    deliveredCount,
    status,
    ...(retryable ? { retryAfterMs: parseRetryAfter(response.headers['retry-after']) } : {}),
  });
}

function adviceFor(status: number): string {
  if (status === 429) return 'it is rate limiting, delivery will be retried later.';
  if (isRetryableStatus(status)) return 'the receiver is failing or busy, delivery will be retried.';
  if (status >= 300 && status <= 399) return 'webhooks do not follow redirects, set the sink URL to the final address.';
  if (status === 401 || status === 403) return 'it refused the signature or the sender, check that the receiver has this sink\'s current signing secret.';
  if (status === 404) return 'check the sink URL.';
  if (status === 410) return 'the receiver no longer wants these events, disable the sink or change its URL.';
  if (status === 413) return 'the event is larger than the receiver accepts, raise its limit.';
  return 'the receiver rejected the event, check its logs and the sink configuration.';
}

function parseSinkUrl(text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new ConfigError('The webhook URL is not an http(s) URL; give the receiver\'s full URL, e.g. https://siem.example.com/overshare.');
  }
  return url;
}
