import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ConfigError, TransientError } from '../../../core/errors.js';
import type { AddressGuard } from '../../../crawler/net/address-guard.js';
import { networkDeliveryError } from './network-delivery-error.js';
import { SinkDeliveryError } from './sink-delivery-error.js';
import type { SinkMessage, SinkSender } from './sink-sender.js';

/**
 * Syslog over TCP or TLS (RFC 5425 transport, RFC 6587 octet counting) on one persistent
 * connection, reopened after any failure.
 *
 * The limit of the protocol: syslog has no application acknowledgement. "Accepted" here means
 * every frame was written and flushed to the operating system (the `socket.write` callback) with
 * the connection still up. Bytes flushed just before the receiver crashes or the network drops
 * can still be lost without an error; sinks that need confirmed delivery should use webhooks or
 * Splunk HEC.
 */

/** Where and how to send syslog frames. */
export interface SyslogSenderOptions {
  /** The receiver's host name or IP address. */
  host: string;
  port: number;
  transport: 'tcp' | 'tls';
  /** Every connection passes this guard: the host is checked, names resolve through `guard.lookup`. */
  guard: AddressGuard;
  /**
   * Turns one event into one complete octet-counted frame (`MSG-LEN SP SYSLOG-MSG`, RFC 6587 §3.4.1),
   * e.g. `formatSyslogFrame` from server/siem/formats; a frame whose length prefix is wrong is refused.
   */
  frame: (message: SinkMessage) => Buffer;
  /** TLS: PEM CA certificate(s) trusted instead of the system's. */
  ca?: string;
  /** TLS: the name the certificate must carry (and SNI); default `host` when it is a name. */
  servername?: string;
  /** TCP connect plus TLS handshake, in milliseconds; default 5_000. */
  connectTimeoutMs?: number;
  /** Writing one batch until flushed, in milliseconds; default 30_000. */
  timeoutMs?: number;
  /**
   * Told when the connection opens and when it closes (by either side, with the socket error if
   * any), for logs and metrics: the moment a SIEM connection drops is worth recording.
   */
  onConnectionChange?: (change: SyslogConnectionChange) => void;
}

/** The connection to the receiver opened, or closed (with the error that closed it, if any). */
export type SyslogConnectionChange = { state: 'connected' } | { state: 'closed'; error?: Error };

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 30_000;
// Lets the kernel notice a receiver that vanished without closing (power loss, dropped route).
const KEEP_ALIVE_DELAY_MS = 30_000;

/** The batch's frames, and the failure that stopped framing early (its index is the count before it). */
interface FramedBatch {
  frames: Buffer[];
  failure?: SinkDeliveryError;
}

/**
 * A sender that writes each batch as consecutive octet-counted frames on one connection, with
 * backpressure, and resolves once all of them are flushed. Sends are serialised. A failed batch
 * closes the connection and reports how many frames were flushed before the failure; the next
 * send reconnects. TLS verifies the certificate (rejectUnauthorized, TLS 1.2 at least). Throws
 * ConfigError at once for a bad port or options.
 */
export function createSyslogSender(options: SyslogSenderOptions): SinkSender {
  validate(options);
  const bareHost = options.host.replace(/^\[|\]$/gu, '');
  const action = `Syslog delivery to ${options.transport}://${bareHost.includes(':') ? `[${bareHost}]` : bareHost}:${options.port}`;
  let current: Socket | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  const connection = async (): Promise<Socket> => {
    // One turn of the event loop lets a close the receiver already sent be seen before reuse.
    await new Promise((resolve) => setImmediate(resolve));
    if (current !== undefined && !current.destroyed && current.writable) return current;
    current?.destroy();
    current = undefined;
    const socket = await connect(options);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    // Receivers send nothing; reading anyway is how a close from their side is noticed.
    socket.resume();
    let lastError: Error | undefined;
    socket.on('error', (error) => {
      lastError = error;
    });
    socket.once('close', () => {
      if (current === socket) current = undefined;
      options.onConnectionChange?.(lastError === undefined ? { state: 'closed' } : { state: 'closed', error: lastError });
    });
    current = socket;
    options.onConnectionChange?.({ state: 'connected' });
    return socket;
  };

  const sendNow = async (batch: readonly SinkMessage[], signal: AbortSignal | undefined): Promise<void> => {
    const { frames, failure } = frameBatch(batch, options.frame, action);
    if (frames.length > 0) {
      const context = { action, deliveredCount: 0, batchSize: batch.length, signal };
      if (signal?.aborted === true) throw networkDeliveryError(signal.reason, context);
      let socket: Socket;
      try {
        socket = await connection();
      } catch (error) {
        throw networkDeliveryError(error, context);
      }
      await writeFrames(socket, frames, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal).catch((error: unknown) => {
        socket.destroy();
        const flushed = error instanceof WriteFailure ? error.flushedCount : 0;
        throw networkDeliveryError(error instanceof WriteFailure ? error.cause : error, { ...context, deliveredCount: flushed });
      });
    }
    if (failure !== undefined) throw failure;
  };

  return {
    send(batch, signal) {
      const run = tail.then(() => sendNow(batch, signal));
      tail = run.catch(() => undefined);
      return run;
    },
    async close() {
      await tail;
      const socket = current;
      current = undefined;
      if (socket === undefined || socket.destroyed) return;
      // end() sends what is buffered, then FIN; a receiver that never closes its side is not waited for long.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => socket.destroy(), 1_000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
    },
  };
}

function validate(options: SyslogSenderOptions): void {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
    throw new ConfigError(`The syslog port ${options.port} is not a TCP port; give a number from 1 to 65535 (6514 is usual for TLS).`);
  }
  if (options.host.trim() === '') throw new ConfigError('The syslog sink has no host; give the receiver\'s host name or IP address.');
  if (options.transport === 'tcp' && (options.ca !== undefined || options.servername !== undefined)) {
    throw new ConfigError('The syslog sink has TLS settings (ca, servername) but plain TCP transport; choose transport tls or drop them.');
  }
}

function connect(options: SyslogSenderOptions): Promise<Socket> {
  const host = options.host.replace(/^\[|\]$/gu, '');
  // Node skips `lookup` for an IP literal, so literals are checked here.
  options.guard.checkHost(host);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise<Socket>((resolve, reject) => {
    const base = { host, port: options.port, lookup: options.guard.lookup };
    const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
    const socket: Socket = options.transport === 'tls'
      ? tlsConnect({ ...base, rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(options.ca === undefined ? {} : { ca: options.ca }), ...(servername === undefined ? {} : { servername }) })
      : netConnect(base);
    const timer = setTimeout(() => {
      socket.destroy(new TransientError(`the receiver did not accept a connection within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once(options.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** Frames in batch order, stopping at the first message the framer fails on or frames badly. */
function frameBatch(batch: readonly SinkMessage[], frame: (message: SinkMessage) => Buffer, action: string): FramedBatch {
  const frames: Buffer[] = [];
  for (const [index, message] of batch.entries()) {
    let bytes: Buffer | undefined;
    let problem: string | undefined;
    try {
      bytes = frame(message);
      problem = octetCountingProblem(bytes);
    } catch (error) {
      problem = `the framer failed: ${error instanceof Error ? error.message : 'unknown error'}`;
    }
    if (bytes === undefined || problem !== undefined) {
      const failure = SinkDeliveryError.from({
        message: `${action} failed: event ${JSON.stringify(message.id)} cannot be framed (${problem ?? 'no frame'}); this is a bug in the syslog formatter. ${index} of ${batch.length} events were delivered first.`,
        retryable: false,
        deliveredCount: index,
      });
      return { frames, failure };
    }
    frames.push(bytes);
  }
  return { frames };
}

// A wrong MSG-LEN would desynchronise the receiver for every later message on the connection.
function octetCountingProblem(frame: Buffer): string | undefined {
  const space = frame.indexOf(0x20);
  const prefix = frame.subarray(0, Math.max(space, 0)).toString('latin1');
  if (space < 1 || space > 9 || !/^[1-9]\d*$/u.test(prefix)) return 'it does not start with an octet count';
  const declared = Number(prefix);
  const actual = frame.length - space - 1;
  return declared === actual ? undefined : `its octet count says ${declared} bytes but ${actual} follow`;
}

/** A write that failed after `flushedCount` frames were flushed. */
class WriteFailure extends Error {
  override readonly cause: unknown;
  readonly flushedCount: number;

  constructor(cause: unknown, flushedCount: number) {
    super('writing syslog frames failed', { cause });
    this.cause = cause;
    this.flushedCount = flushedCount;
  }
}

/**
 * Writes frames in order, pausing on backpressure until `drain`; resolves when every write
 * callback has fired without error and the socket is still open. Rejects with WriteFailure.
 */
function writeFrames(socket: Socket, frames: readonly Buffer[], timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let flushed = 0;
    let isSettled = false;
    const finish = (error?: unknown) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      socket.off('error', finish);
      socket.off('close', onClose);
      socket.off('drain', writeMore);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(new WriteFailure(error, flushed));
    };
    const onClose = () => finish(new TransientError('the receiver closed the connection'));
    const onAbort = () => finish(signal?.reason ?? new TransientError('the batch was cancelled'));
    const timer = setTimeout(() => finish(new TransientError(`the receiver did not take the batch within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', finish);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    function writeMore(): void {
      while (next < frames.length && !isSettled) {
        const frame = frames[next] as Buffer;
        next += 1;
        const hasRoom = socket.write(frame, (error) => {
          if (error !== undefined && error !== null) {
            finish(error);
            return;
          }
          flushed += 1;
          if (flushed === frames.length) finish(socket.destroyed ? new TransientError('the connection closed as the batch was flushed') : undefined);
        });
        if (!hasRoom) {
          socket.once('drain', writeMore);
          return;
        }
      }
    }
    if (signal?.aborted === true) onAbort();
    else writeMore();
  });
}
