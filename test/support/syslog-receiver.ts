import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { listenRestartable } from './listen-restartable.js';

/** Reassembles RFC 6587 octet-counted frames (`MSG-LEN SP SYSLOG-MSG`) from a TCP byte stream. */
export interface OctetCountingParser {
  /** Feeds the next chunk; may complete no frame, one, or several. */
  push(chunk: Buffer): void;
  /** Bytes received that do not complete a frame yet. */
  pending(): number;
}

// RFC 6587 §3.4.1: MSG-LEN = NONZERO-DIGIT *DIGIT. Nine digits is far beyond any real message.
const MAX_LENGTH_DIGITS = 9;

/**
 * A parser that calls `onFrame` with each complete SYSLOG-MSG, however the stream was split into
 * chunks, and `onError` (then ignores the rest of the stream) when the framing is broken, since
 * octet counting cannot resynchronise.
 */
export function createOctetCountingParser(onFrame: (message: Buffer) => void, onError: (reason: string) => void): OctetCountingParser {
  let buffer: Buffer = Buffer.alloc(0);
  let isBroken = false;
  return {
    push(chunk) {
      if (isBroken) return;
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        const prefixEnd = space === -1 ? buffer.length : space;
        const prefix = buffer.subarray(0, Math.min(prefixEnd, MAX_LENGTH_DIGITS + 1)).toString('latin1');
        const isBadPrefix = prefix.length > MAX_LENGTH_DIGITS || !/^\d*$/u.test(prefix) || prefix.startsWith('0') || (space === 0);
        if (isBadPrefix) {
          isBroken = true;
          onError(`bad MSG-LEN ${JSON.stringify(prefix)}`);
          return;
        }
        if (space === -1) return;
        const length = Number(prefix);
        if (buffer.length < space + 1 + length) return;
        onFrame(buffer.subarray(space + 1, space + 1 + length));
        buffer = buffer.subarray(space + 1 + length);
      }
    },
    pending: () => buffer.length,
  };
}

/** A real syslog receiver over TCP or TLS on 127.0.0.1, recording every framed message. */
export interface SyslogReceiver {
  readonly port: number;
  /** Each SYSLOG-MSG (without its length prefix) as UTF-8, in arrival order across connections. */
  readonly messages: string[];
  /** One reason per connection whose framing broke (that connection was closed). */
  readonly framingErrors: string[];
  connectionCount(): number;
  /** Resolves once at least `count` messages arrived; rejects after `timeoutMs` (default 5_000) saying how many did. */
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

/** Starts a receiver; with `tls` it speaks TLS with this PEM certificate and key. */
export async function startSyslogReceiver(options: { tls?: { cert: string; key: string } } = {}): Promise<SyslogReceiver> {
  const messages: string[] = [];
  const framingErrors: string[] = [];
  const waiters = new Set<() => void>();
  const onConnection = (socket: Socket) => {
    const parser = createOctetCountingParser(
      (message) => {
        messages.push(message.toString('utf8'));
        for (const waiter of waiters) waiter();
      },
      (reason) => {
        framingErrors.push(reason);
        socket.destroy();
      },
    );
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    // A client that goes away mid-frame is not the receiver's problem.
    socket.on('error', () => undefined);
  };
  const server = options.tls === undefined ? createServer(onConnection) : createTlsServer({ ...options.tls, minVersion: 'TLSv1.2' }, onConnection);
  // A failed handshake (a client that distrusts our certificate) is expected in tests.
  server.on('tlsClientError', () => undefined);
  const listener = await listenRestartable(server);
  return {
    port: listener.port,
    messages,
    framingErrors,
    connectionCount: () => listener.connectionCount(),
    waitForMessages(count, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} syslog messages within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => listener.stop(),
    restart: () => listener.restart(),
  };
}
