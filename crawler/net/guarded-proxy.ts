import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { connect, isIP, type AddressInfo, type Socket } from 'node:net';
import { pipeline, type Duplex } from 'node:stream';
import type { Logger } from '../../core/logger.js';
import { RefusedAddressError, type AddressGuard } from './address-guard.js';
import { createGuardedAgents } from './guarded-agents.js';

/**
 * The forward proxy headless Chromium is launched behind (`--proxy-server=<url>` with
 * `--proxy-bypass-list=<-loopback>`), so every request a page makes, loopback included, meets the
 * address guard: plain http in absolute form is forwarded over a guarded connection, https and
 * wss arrive as CONNECT tunnels to a checked address.
 */

/** The guard the proxy applies and the logger its refusals go to. */
export interface GuardedProxyOptions {
  guard: AddressGuard;
  log: Logger;
  /** Milliseconds an upstream connection may take to open; default 10_000. */
  connectTimeoutMs?: number;
}

/** A running proxy. */
export interface GuardedProxy {
  /** `http://127.0.0.1:PORT`, for Chromium's `--proxy-server`. */
  url: string;
  /** Requests and tunnels refused by the guard since the start. */
  refusedCount(): number;
  /**
   * The reason this proxy refused a response, read from its REFUSED_HEADER, or undefined. Only
   * this proxy's own marks count: the header carries a random token per proxy, and a site's own
   * header of that name is stripped on the way through, so no page can pose as a refusal.
   */
  refusalReason(headers: Record<string, string>): string | undefined;
  /** Stops listening and destroys every client and upstream socket. */
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// A tunnel carries opaque bytes to any service on the port; Chrome opens one only for https and
// wss, which public sites serve on 443 (or 80). Other ports stay shut unless the host is allowlisted.
const TUNNEL_PORTS = new Set([80, 443]);
// RFC 9110 §7.6.1: meaningful for one connection only, never forwarded.
const HOP_BY_HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Starts the proxy on 127.0.0.1 at a random port; refused targets get 403 with the reason and a warning in the log. */
export async function startGuardedProxy(options: GuardedProxyOptions): Promise<GuardedProxy> {
  const { guard, log } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const agents = createGuardedAgents(guard);
  const sockets = new Set<Duplex>();
  let refused = 0;
  let ownHost = '';
  const refusalToken = randomBytes(16).toString('hex');

  const track = (socket: Duplex): void => {
    // Pooled upstream sockets come back for every reuse; one set of listeners is enough.
    if (sockets.has(socket)) return;
    sockets.add(socket);
    // An error on one connection (a tab closed mid-answer, a reset upstream) ends that connection only.
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };

  const refusal = (host: string, reason: string): Refusal => {
    refused += 1;
    log.warn({ host, reason }, 'browser request refused');
    return { text: `Refused by overshare's address guard: ${reason}\n`, reason, token: refusalToken };
  };

  const server = http.createServer();
  server.on('connection', track);
  server.on('clientError', (_error, socket: Duplex) => socket.destroy());

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = URL.canParse(request.url ?? '') ? new URL(request.url ?? '') : undefined;
    if (target?.host === ownHost) {
      refuse(response, refusal(ownHost, 'a request to the proxy itself'));
      return;
    }
    if (target === undefined) {
      plainAnswer(response, 400, 'This is a forward proxy: send absolute-form http:// URLs or CONNECT.\n');
      return;
    }
    try {
      guard.checkUrl(target);
    } catch (error) {
      refuse(response, refusal(target.host, error instanceof RefusedAddressError ? error.reason : 'unusable URL'));
      return;
    }
    const isHttps = target.protocol === 'https:';
    const hostname = target.hostname.replace(/^\[|\]$/gu, '');
    const upstream = (isHttps ? https : http).request({
      hostname,
      port: target.port === '' ? undefined : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: request.method ?? 'GET',
      headers: endToEndHeaders(request.headers),
      agent: isHttps ? agents.https : agents.http,
      lookup: guard.lookup,
      ...(isHttps && isIP(hostname) === 0 ? { servername: hostname } : {}),
    });
    upstream.on('socket', (socket) => {
      track(socket);
      limitConnectTime(socket, connectTimeoutMs, () => upstream.destroy());
    });
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
      pipeline(answer, response, () => undefined);
    });
    upstream.on('error', (error) => {
      if (response.headersSent) {
        response.destroy();
      } else if (error instanceof RefusedAddressError) {
        refuse(response, refusal(target.host, error.reason));
      } else {
        plainAnswer(response, 502, `The proxy could not reach ${target.host}.\n`);
      }
    });
    // The client going away ends the upstream exchange too.
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    // pipe, not pipeline: a failed upstream must not tear down the client socket before the 403/502 is written.
    request.on('error', () => upstream.destroy());
    request.pipe(upstream);
  });

  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    const target = parseAuthority(request.url ?? '');
    if (target === undefined) {
      rawAnswer(client, 400, 'CONNECT needs a host:port target.\n');
      return;
    }
    const shown = `${target.hostname}:${target.port}`;
    if (shown === ownHost) {
      rawAnswer(client, 403, refusal(shown, 'a tunnel to the proxy itself').text);
      return;
    }
    void openTunnel(target.hostname, target.port, client, head).catch((error: unknown) => {
      if (error instanceof RefusedAddressError) rawAnswer(client, 403, refusal(shown, error.reason).text);
      else rawAnswer(client, 502, `The proxy could not reach ${shown}.\n`);
    });
  });

  const openTunnel = async (hostname: string, port: number, client: Duplex, head: Buffer): Promise<void> => {
    guard.checkHost(hostname);
    const { address } = await guard.resolveChecked(hostname);
    if (!TUNNEL_PORTS.has(port) && !guard.isAllowlisted(hostname) && !guard.isAllowlisted(address)) {
      throw new RefusedAddressError(`${hostname}:${port}`, `port ${port} (tunnels go to ports 80 and 443 only)`);
    }
    if (client.destroyed) return;
    await new Promise<void>((resolve, reject) => {
      // Connects to the address the guard checked, never to the name (no second resolution).
      const upstream = connect({ host: address, port });
      track(upstream);
      limitConnectTime(upstream, connectTimeoutMs, () => upstream.destroy(new Error('connect timed out')));
      upstream.once('error', reject);
      upstream.once('connect', () => {
        upstream.off('error', reject);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        client.pipe(upstream);
        upstream.pipe(client);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        resolve();
      });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ownHost = `127.0.0.1:${port}`;

  return {
    url: `http://${ownHost}`,
    refusedCount: () => refused,
    refusalReason(headers) {
      const value = headers[REFUSED_HEADER];
      if (value === undefined || !value.startsWith(`${refusalToken} `)) return undefined;
      try {
        return decodeURIComponent(value.slice(refusalToken.length + 1));
      } catch {
        return 'refused by the address guard';
      }
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agents.destroy();
      await closed;
    },
  };
}

/** `host:port` of a CONNECT line, the host normalised as a URL would be (`0x7f.1` is `127.0.0.1`). */
function parseAuthority(authority: string): { hostname: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/u.exec(authority);
  if (match === null || !URL.canParse(`http://${match[1] ?? ''}/`)) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return undefined;
  return { hostname: new URL(`http://${match[1] ?? ''}/`).hostname.replace(/^\[|\]$/gu, ''), port };
}

function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    (typeof headers.connection === 'string' ? headers.connection : '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  // REFUSED_HEADER is ours: a site's header of that name never passes.
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP_HEADERS.has(name) && !named.has(name) && name !== REFUSED_HEADER),
  );
}

function limitConnectTime(socket: Socket, timeoutMs: number, onTimeout: () => void): void {
  if (!socket.connecting) return;
  const timer = setTimeout(onTimeout, timeoutMs);
  socket.once('connect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
}

interface Refusal {
  text: string;
  reason: string;
  token: string;
}

/** The header on a refusal, so the crawler can tell "the guard refused this page" from a site's own 403. */
export const REFUSED_HEADER = 'x-overshare-refused';

function refuse(response: ServerResponse, refusal: Refusal): void {
  plainAnswer(response, 403, refusal.text, { [REFUSED_HEADER]: `${refusal.token} ${encodeURIComponent(refusal.reason)}` });
}

function plainAnswer(response: ServerResponse, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close', ...extraHeaders });
  response.end(text);
}

function rawAnswer(client: Duplex, status: number, text: string): void {
  if (client.destroyed) return;
  const statusText = http.STATUS_CODES[status] ?? 'Error';
  client.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
