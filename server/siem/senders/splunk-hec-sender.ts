import { ConfigError } from '../../../core/errors.js';
import type { AddressGuard } from '../../../crawler/net/address-guard.js';
import { createGuardedAgents } from '../../../crawler/net/guarded-agents.js';
import { guardedPost, type PostResponse } from './guarded-post.js';
import { isRetryableStatus } from './is-retryable-status.js';
import { networkDeliveryError } from './network-delivery-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { shownSinkUrl } from './shown-sink-url.js';
import { SinkDeliveryError } from './sink-delivery-error.js';
import type { SinkMessage, SinkSender } from './sink-sender.js';

/** Where and how to send events to a Splunk HTTP Event Collector. */
export interface SplunkHecSenderOptions {
  /** The HEC base URL, e.g. `https://splunk.example.com:8088`; `/services/collector/event` is appended unless the path already names a collector endpoint. */
  url: string;
  /** The HEC token (sent as `Authorization: Splunk <token>`, never shown in errors). */
  token: string;
  /** Every connection passes this guard. */
  guard: AddressGuard;
  /** The `host` field of each event; omitted when absent (Splunk then uses the sender's address). */
  host?: string;
  /** Default `overshare`. */
  source?: string;
  /** Default `overshare:finding`. */
  sourcetype?: string;
  /** The index to write to; default the token's default index. */
  index?: string;
  /** PEM CA certificate(s) trusted instead of the system's (Splunk's own certificates are often privately issued). */
  ca?: string;
  /** TCP connect plus TLS handshake, in milliseconds; default 5_000. */
  connectTimeoutMs?: number;
  /** One request from start to end of the answer, in milliseconds; default 30_000. */
  timeoutMs?: number;
  /** A batch is split into requests of at most this many bytes (an oversized single event goes alone); default 1_000_000. */
  maxRequestBytes?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REQUEST_BYTES = 1_000_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const IDLE_SOCKET_MS = 4_000;
const COLLECTOR_PATH = '/services/collector/event';

/** Splunk's answer body: `{"text":"Success","code":0}` or an error with its code. */
interface HecAnswer {
  text?: string;
  code?: number;
  invalidEventNumber?: number;
}

/**
 * A sender that POSTs a batch to HEC as newline-separated event envelopes
 * (`{"time": seconds with ms, "host"?, "source", "sourcetype", "index"?, "event": <body parsed as JSON,
 * or the body text when it is not JSON>}`), in requests of at most `maxRequestBytes`, in order.
 * 2xx is delivered; 429, 5xx (503 "server busy", code 9), 408 and network failures are retryable
 * with Retry-After; a bad token (401/403) or invalid data (400) is permanent. `deliveredCount`
 * counts the events of requests answered 2xx. Throws ConfigError at once for a bad URL or token.
 */
export function createSplunkHecSender(options: SplunkHecSenderOptions): SinkSender {
  const url = collectorUrl(options.url);
  if (options.token === '' || !/^[\x21-\x7e]+$/u.test(options.token)) {
    throw new ConfigError('The Splunk HEC token is empty or has spaces or control characters; copy the token from Splunk (Settings › Data inputs › HTTP Event Collector).');
  }
  const agents = createGuardedAgents(options.guard, { keepAlive: true, idleTimeoutMs: IDLE_SOCKET_MS });
  const action = `Splunk HEC delivery to ${shownSinkUrl(url)}`;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;

  const post = (body: string, signal: AbortSignal | undefined): Promise<PostResponse> =>
    guardedPost(url, {
      guard: options.guard,
      agents,
      headers: { authorization: `Splunk ${options.token}`, 'content-type': 'application/json', 'user-agent': 'overshare-hec/1', accept: 'application/json' },
      body,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(signal === undefined ? {} : { signal }),
    });

  return {
    async send(batch, signal) {
      let delivered = 0;
      for (const request of splitRequests(batch.map((message) => envelopeLine(message, options)), maxRequestBytes)) {
        const context = { action, deliveredCount: delivered, batchSize: batch.length, signal };
        if (signal?.aborted === true) throw networkDeliveryError(signal.reason, context);
        let response: PostResponse;
        try {
          response = await post(request.join('\n'), signal);
        } catch (error) {
          throw networkDeliveryError(error, context);
        }
        if (response.status < 200 || response.status > 299) throw hecError(response, action, delivered, batch.length, options.token);
        delivered += request.length;
      }
    },
    close() {
      agents.destroy();
      return Promise.resolve();
    },
  };
}

function collectorUrl(text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new ConfigError('The Splunk HEC URL is not an http(s) URL; give the collector\'s base URL, e.g. https://splunk.example.com:8088.');
  }
  if (!url.pathname.includes('/services/collector')) url.pathname = `${url.pathname.replace(/\/+$/u, '')}${COLLECTOR_PATH}`;
  return url;
}

/** One envelope as a JSON line; JSON.stringify never emits a raw line break, so lines cannot run together. */
function envelopeLine(message: SinkMessage, options: SplunkHecSenderOptions): string {
  return JSON.stringify({
    // Epoch seconds with millisecond precision, the form HEC documents for `time`.
    time: message.timestamp.getTime() / 1000,
    ...(options.host === undefined ? {} : { host: options.host }),
    source: options.source ?? 'overshare',
    sourcetype: options.sourcetype ?? 'overshare:finding',
    ...(options.index === undefined ? {} : { index: options.index }),
    event: parsedBody(message.body),
  });
}

// A JSON format is indexed as fields; a CEF line or other text is still delivered, as a string event.
function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** Consecutive groups of lines, each within `maxBytes` joined by newlines, except a single line larger than that. */
function splitRequests(lines: readonly string[], maxBytes: number): string[][] {
  const requests: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line);
    if (current.length > 0 && bytes + 1 + size > maxBytes) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    bytes += (current.length > 0 ? 1 : 0) + size;
    current.push(line);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function hecError(response: PostResponse, action: string, deliveredCount: number, batchSize: number, token: string): SinkDeliveryError {
  const { status } = response;
  const answer = readAnswer(response.body, token);
  const retryable = isRetryableStatus(status);
  const said = answer.text === undefined ? '' : ` "${answer.text}"${answer.code === undefined ? '' : ` (code ${answer.code})`}`;
  return SinkDeliveryError.from({
    message: `${action} failed: HEC answered ${status}${said}; ${adviceFor(status, answer)} ${deliveredCount} of ${batchSize} events were delivered first.`,
    retryable,
    deliveredCount,
    status,
    ...(retryable ? { retryAfterMs: parseRetryAfter(response.headers['retry-after']) } : {}),
  });
}

// HEC's error codes: https://docs.splunk.com/Documentation/Splunk/latest/Data/TroubleshootHTTPEventCollector
function adviceFor(status: number, answer: HecAnswer): string {
  if (status === 503 || answer.code === 9) return 'Splunk is busy or its queues are full, delivery will be retried.';
  if (isRetryableStatus(status)) return 'delivery will be retried.';
  if (status === 401 || status === 403 || (answer.code !== undefined && answer.code >= 1 && answer.code <= 4)) {
    return answer.code === 1 ? 'the token is disabled; enable it in Splunk.' : 'check the HEC token configured for the sink (missing, mistyped or revoked).';
  }
  if (answer.code === 7) return 'check that the index exists and the token may write to it.';
  if (answer.code === 10 || answer.code === 11) return 'the token has indexer acknowledgement on, which this sender does not use; turn acknowledgement off for the token.';
  if (status === 400) {
    const where = answer.invalidEventNumber === undefined ? '' : ` (event ${answer.invalidEventNumber} of the failed request)`;
    return `Splunk refused the data as invalid${where}; this is a bug in the event format, check the formatter.`;
  }
  if (status === 404) return 'check the HEC URL and that HTTP Event Collector is enabled.';
  if (status === 413) return 'the request is larger than Splunk accepts; lower maxRequestBytes or raise max_content_length.';
  if (status >= 300 && status <= 399) return 'HEC requests do not follow redirects; set the sink URL to the collector itself.';
  return 'check the sink configuration and Splunk\'s logs.';
}

function readAnswer(body: Buffer, token: string): HecAnswer {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  const text = typeof record.text === 'string' ? printable(record.text).replaceAll(token, '***') : undefined;
  const code = typeof record.code === 'number' ? record.code : undefined;
  const invalidEventNumber = typeof record['invalid-event-number'] === 'number' ? record['invalid-event-number'] : undefined;
  return { ...(text === undefined ? {} : { text }), ...(code === undefined ? {} : { code }), ...(invalidEventNumber === undefined ? {} : { invalidEventNumber }) };
}

// The answer comes from the network: keep it short and on one line before it goes into a message.
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').slice(0, 200);
}
