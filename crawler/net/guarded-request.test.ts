import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../core/errors.js';
import { createAddressGuard, RefusedAddressError, type ResolvedAddress } from './address-guard.js';
import { guardedRequest, ResponseTooLargeError, type GuardedRequestOptions } from './guarded-request.js';

interface RecordingServer {
  port: number;
  url(pathname?: string): string;
  /** Headers of every request, in order. */
  requests: IncomingHttpHeaders[];
  /** TCP connections accepted, whether or not a request followed. */
  connections(): number;
}

const servers: Server[] = [];

async function startServer(host: string, handler: (request: IncomingMessage, response: ServerResponse) => void, port = 0): Promise<RecordingServer> {
  const requests: IncomingHttpHeaders[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    requests.push(request.headers);
    handler(request, response);
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  const origin = host.includes(':') ? `http://[${host}]:${bound}` : `http://${host}:${bound}`;
  return { port: bound, url: (pathname = '/') => `${origin}${pathname}`, requests, connections: () => connections };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const localGuard = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] });

function options(overrides: Partial<GuardedRequestOptions> = {}): GuardedRequestOptions {
  return { guard: localGuard, maxBytes: 1_000_000, timeoutMs: 5_000, maxRedirects: 5, userAgent: 'overshare-test/1', ...overrides };
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(
  () => expect.unreachable('the request succeeded'),
  (error: unknown) => error,
);

describe('guardedRequest', () => {
  it('reads an allowlisted local server, with our User-Agent and lower-case headers', async () => {
    const server = await startServer('127.0.0.1', (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain', 'X-Thing': 'yes' }).end('hello');
    });
    const response = await guardedRequest(server.url('/feed?page=2'), options());
    expect(response).toMatchObject({ url: server.url('/feed?page=2'), status: 200, body: Buffer.from('hello') });
    expect(response.headers).toMatchObject({ 'content-type': 'text/plain', 'x-thing': 'yes' });
    expect(server.requests[0]).toMatchObject({ 'user-agent': 'overshare-test/1', 'accept-encoding': 'gzip, deflate, br' });
  });

  it('refuses 127.0.0.1 when nothing is allowlisted, without connecting', async () => {
    const server = await startServer('127.0.0.1', (_request, response) => response.end('secret'));
    const error = await failureOf(guardedRequest(server.url(), options({ guard: createAddressGuard({ allowedPrivateHosts: [] }) })));
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect(server.connections()).toBe(0);
  });

  it('returns error statuses for the caller to judge', async () => {
    const server = await startServer('127.0.0.1', (request, response) => {
      response.writeHead(request.url === '/gone' ? 404 : 503).end('nope');
    });
    await expect(guardedRequest(server.url('/gone'), options())).resolves.toMatchObject({ status: 404, body: Buffer.from('nope') });
    await expect(guardedRequest(server.url('/busy'), options())).resolves.toMatchObject({ status: 503 });
  });

  describe('redirects', () => {
    it('follows a relative redirect and reports the final URL', async () => {
      const server = await startServer('127.0.0.1', (request, response) => {
        if (request.url === '/old') response.writeHead(301, { Location: '/new?x=1' }).end();
        else response.end(`at ${request.url ?? ''}`);
      });
      const response = await guardedRequest(server.url('/old'), options());
      expect(response).toMatchObject({ url: server.url('/new?x=1'), body: Buffer.from('at /new?x=1') });
    });

    it('refuses a redirect to the cloud metadata address', async () => {
      const server = await startServer('127.0.0.1', (_request, response) => {
        response.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' }).end();
      });
      const error = await failureOf(guardedRequest(server.url(), options()));
      expect(error).toBeInstanceOf(RefusedAddressError);
      expect(error).toMatchObject({ reason: 'link-local address 169.254.169.254', url: 'http://169.254.169.254/latest/meta-data/' });
    });

    it('refuses a redirect to [::1] and never contacts the server there', async () => {
      const inner = await startServer('::1', (_request, response) => response.end('inner secret'));
      const outer = await startServer('127.0.0.1', (_request, response) => {
        response.writeHead(307, { Location: inner.url('/admin') }).end();
      });
      const error = await failureOf(guardedRequest(outer.url(), options()));
      expect(error).toMatchObject({ reason: 'loopback address ::1' });
      expect(inner.connections()).toBe(0);
      // The same redirect with [::1] allowlisted does reach it: the server would have seen a request.
      const open = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1', '::1'] });
      await expect(guardedRequest(outer.url(), options({ guard: open }))).resolves.toMatchObject({ body: Buffer.from('inner secret') });
      expect(inner.connections()).toBe(1);
    });

    it('refuses a redirect to another scheme', async () => {
      const server = await startServer('127.0.0.1', (_request, response) => response.writeHead(302, { Location: 'file:///etc/passwd' }).end());
      await expect(guardedRequest(server.url(), options())).rejects.toMatchObject({ reason: 'scheme file:' });
    });

    it('stops after maxRedirects and names the count', async () => {
      let hops = 0;
      const server = await startServer('127.0.0.1', (_request, response) => {
        hops += 1;
        response.writeHead(302, { Location: `/hop/${hops}` }).end();
      });
      const error = await failureOf(guardedRequest(server.url(), options({ maxRedirects: 3 })));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toContain('redirected more than 3 times');
      expect(hops).toBe(4);
    });

    it('stops a redirect loop', async () => {
      const server = await startServer('127.0.0.1', (request, response) => {
        response.writeHead(302, { Location: request.url === '/a' ? '/b' : '/a' }).end();
      });
      const error = await failureOf(guardedRequest(server.url('/a'), options()));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toContain('loop');
      expect(server.requests).toHaveLength(2);
    });

    it('drops Authorization on a redirect to another origin, not on the same origin', async () => {
      const other = await startServer('127.0.0.1', (_request, response) => response.end('other'));
      const server = await startServer('127.0.0.1', (request, response) => {
        if (request.url === '/start') response.writeHead(302, { Location: '/same' }).end();
        else response.writeHead(302, { Location: other.url('/elsewhere') }).end();
      });
      await guardedRequest(server.url('/start'), options({ headers: { Authorization: 'Bearer t0ken' } }));
      expect(server.requests.map((headers) => headers.authorization)).toEqual(['Bearer t0ken', 'Bearer t0ken']);
      expect(other.requests[0]?.authorization).toBeUndefined();
    });
  });

  it('connects to exactly the address it checked, even when the name rebinds afterwards', async () => {
    const checked = await startServer('127.0.0.1', (_request, response) => response.end('checked'));
    const rebound = await startServer('127.0.0.2', (_request, response) => response.end('rebound'), checked.port);
    const answers: ResolvedAddress[][] = [[{ address: '127.0.0.1', family: 4 }], [{ address: '127.0.0.2', family: 4 }]];
    let lookups = 0;
    const guard = createAddressGuard({
      allowedPrivateHosts: ['127.0.0.1'],
      resolve: () => Promise.resolve(answers[Math.min(lookups++, 1)] ?? []),
    });
    const url = `http://rebind.test:${checked.port}/`;
    await expect(guardedRequest(url, options({ guard }))).resolves.toMatchObject({ body: Buffer.from('checked') });
    expect(lookups).toBe(1);
    // A later connection asks again and meets the rebound answer: refused, not connected.
    const fresh = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'], resolve: () => Promise.resolve(answers[1] ?? []) });
    await expect(guardedRequest(url, options({ guard: fresh }))).rejects.toMatchObject({ reason: 'rebind.test resolves to loopback address 127.0.0.2' });
    expect(rebound.connections()).toBe(0);
    // The rebound server does record connections when it is allowed: the zero above means something.
    const open = createAddressGuard({ allowedPrivateHosts: ['127.0.0.2'], resolve: () => Promise.resolve(answers[1] ?? []) });
    await expect(guardedRequest(url, options({ guard: open }))).resolves.toMatchObject({ body: Buffer.from('rebound') });
    expect(rebound.connections()).toBe(1);
  });

  it('reuses a kept-alive connection without a second lookup', async () => {
    const server = await startServer('127.0.0.1', (_request, response) => response.end('ok'));
    let lookups = 0;
    const guard = createAddressGuard({
      allowedPrivateHosts: ['127.0.0.1'],
      resolve: () => {
        lookups += 1;
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      },
    });
    const url = `http://pooled.test:${server.port}/`;
    await guardedRequest(url, options({ guard }));
    await guardedRequest(url, options({ guard }));
    expect([lookups, server.connections(), server.requests.length]).toEqual([1, 1, 2]);
  });

  it('never sends a cookie, neither one the server set nor one the caller passed', async () => {
    const server = await startServer('127.0.0.1', (_request, response) => {
      response.writeHead(200, { 'Set-Cookie': ['session=abc; Path=/', 'tracker=1'] }).end('ok');
    });
    const first = await guardedRequest(server.url(), options());
    await guardedRequest(server.url(), options({ headers: { Cookie: 'session=abc', 'X-Kept': '1' } }));
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(server.requests.map((headers) => headers.cookie)).toEqual([undefined, undefined]);
    expect(server.requests[1]?.['x-kept']).toBe('1');
  });

  describe('bodies', () => {
    it('decompresses gzip, deflate and br', async () => {
      const text = 'Zażółć gęślą jaźń '.repeat(50);
      const encoders: Record<string, (input: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
      const server = await startServer('127.0.0.1', (request, response) => {
        const encoding = (request.url ?? '/').slice(1);
        response.writeHead(200, { 'Content-Encoding': encoding }).end(encoders[encoding]?.(Buffer.from(text)));
      });
      for (const encoding of Object.keys(encoders)) {
        const response = await guardedRequest(server.url(`/${encoding}`), options());
        expect(response.body.toString('utf8')).toBe(text);
      }
    });

    it('stops a gzip bomb at maxBytes of decompressed output', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(100_000);
      const server = await startServer('127.0.0.1', (_request, response) => {
        response.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length }).end(bomb);
      });
      const error = await failureOf(guardedRequest(server.url(), options({ maxBytes: 1_000_000 })));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as Error).message).toContain('after decompression');
    });

    it('cuts an endless body at maxBytes', async () => {
      let isClosed = false;
      const server = await startServer('127.0.0.1', (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        const chunk = Buffer.alloc(16_384, 'a');
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', pump);
        };
        response.on('close', () => (isClosed = true));
        pump();
      });
      const error = await failureOf(guardedRequest(server.url(), options({ maxBytes: 200_000 })));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      await expect.poll(() => isClosed).toBe(true);
    });

    it('refuses a Content-Length over the cap without reading the body', async () => {
      // The body never comes: reading it would end in a timeout, not in ResponseTooLargeError.
      const server = await startServer('127.0.0.1', (_request, response) => {
        response.writeHead(200, { 'Content-Length': 50_000_000 });
        response.flushHeaders();
      });
      const error = await failureOf(guardedRequest(server.url(), options({ maxBytes: 1_000_000, timeoutMs: 10_000 })));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as Error).message).toContain('Content-Length 50000000');
    });
  });

  describe('failures', () => {
    it('times out a server that never answers as TransientError', async () => {
      const server = await startServer('127.0.0.1', () => undefined);
      const error = await failureOf(guardedRequest(server.url(), options({ timeoutMs: 300 })));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toContain('300 ms');
    });

    it('times out a body that stalls halfway as TransientError', async () => {
      const server = await startServer('127.0.0.1', (_request, response) => {
        response.writeHead(200, { 'Content-Length': 1000 });
        response.write('x'.repeat(500));
      });
      await expect(guardedRequest(server.url(), options({ timeoutMs: 300 }))).rejects.toBeInstanceOf(TransientError);
    });

    it('reports a refused connection as TransientError with its cause', async () => {
      const server = await startServer('127.0.0.1', () => undefined);
      const url = server.url();
      const closing = servers.pop();
      await new Promise((resolve) => closing?.close(resolve));
      const error = await failureOf(guardedRequest(url, options()));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    });

    it('reports a hang-up as TransientError', async () => {
      const server = await startServer('127.0.0.1', (request) => request.socket.destroy());
      const error = await failureOf(guardedRequest(server.url(), options()));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).cause).toMatchObject({ code: 'ECONNRESET' });
    });

    it("rejects with the caller's abort reason", async () => {
      const server = await startServer('127.0.0.1', () => undefined);
      const controller = new AbortController();
      const reason = new PermanentError('shutting down');
      setTimeout(() => controller.abort(reason), 50);
      await expect(guardedRequest(server.url(), options({ signal: controller.signal }))).rejects.toBe(reason);
    });
  });

  it('sends SNI for the host name and refuses a certificate it cannot verify', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'overshare-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=fixture.test',
        '-addext', 'subjectAltName=DNS:fixture.test', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      const names: string[] = [];
      const server = createTlsServer({
        key: readFileSync(path.join(dir, 'key.pem')),
        cert: readFileSync(path.join(dir, 'cert.pem')),
        SNICallback: (name, callback) => {
          names.push(name);
          callback(null);
        },
      }, (_request, response) => response.end('tls'));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const guard = createAddressGuard({ allowedPrivateHosts: ['fixture.test'], resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
      const error = await failureOf(guardedRequest(`https://fixture.test:${(server.address() as AddressInfo).port}/`, options({ guard })));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).cause).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(names).toEqual(['fixture.test']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
