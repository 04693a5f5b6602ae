import http, { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import puppeteer from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/support/capturing-logger.js';
import { createAddressGuard } from './address-guard.js';
import { startGuardedProxy, type GuardedProxy } from './guarded-proxy.js';

interface RecordingServer {
  origin: string;
  port: number;
  requests: Array<{ url: string; headers: IncomingHttpHeaders }>;
  connections(): number;
}

const servers: Server[] = [];

async function startServer(host: string, handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<RecordingServer> {
  const requests: RecordingServer['requests'] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    handler(request, response);
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return { origin: `http://${host}:${port}`, port, requests, connections: () => connections };
}

/** One request through the proxy in absolute form, as Chrome sends plain http. */
function viaProxy(proxy: GuardedProxy, url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const proxyUrl = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: proxyUrl.hostname, port: proxyUrl.port, path: url, headers: { host: new URL(url).host, ...headers }, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** A CONNECT tunnel through the proxy: its status, and the socket when it opened. */
function tunnel(proxy: GuardedProxy, authority: string): Promise<{ status: number; socket: Socket; body: string }> {
  const proxyUrl = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: proxyUrl.hostname, port: proxyUrl.port, method: 'CONNECT', path: authority, agent: false });
    request.on('connect', (response: IncomingMessage, socket: Socket, head: Buffer) => {
      const status = response.statusCode ?? 0;
      if (status === 200) {
        resolve({ status, socket, body: '' });
        return;
      }
      const chunks: Buffer[] = [head];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => resolve({ status, socket, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Speaks HTTP/1.0 over an open tunnel and returns everything the server sent. */
function getOverTunnel(socket: Socket, host: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(`GET /through-tunnel HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
  });
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('startGuardedProxy', () => {
  let proxy: GuardedProxy;
  let lines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const logger = capturingLogger('warn');
    lines = logger.lines;
    const guard = createAddressGuard({
      allowedPrivateHosts: ['127.0.0.1'],
      resolve: (name) => Promise.resolve(name === 'public.test' ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.2', family: 4 }]),
    });
    proxy = await startGuardedProxy({ guard, log: logger.log, connectTimeoutMs: 2_000 });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('forwards an absolute-form request to an allowlisted server, without hop-by-hop headers', async () => {
    const server = await startServer('127.0.0.1', (request, response) => {
      response.writeHead(200, {
        'content-type': 'text/plain',
        'x-upstream': 'yes',
        'set-cookie': ['a=1', 'b=2'],
        connection: 'x-upstream-hop',
        'x-upstream-hop': 'secret',
        'proxy-authenticate': 'Basic',
      });
      response.end(`you asked for ${request.url ?? ''}`);
    });
    const answer = await viaProxy(proxy, `${server.origin}/page?q=1`, {
      'proxy-authorization': 'Basic c2VjcmV0',
      connection: 'x-private-hop',
      'x-private-hop': 'secret',
      'x-end-to-end': 'kept',
    });
    expect(answer).toMatchObject({ status: 200, body: 'you asked for /page?q=1' });
    expect(answer.headers).toMatchObject({ 'x-upstream': 'yes', 'set-cookie': ['a=1', 'b=2'] });
    expect([answer.headers['x-upstream-hop'], answer.headers['proxy-authenticate']]).toEqual([undefined, undefined]);
    const seen = server.requests[0]?.headers;
    expect(seen).toMatchObject({ 'x-end-to-end': 'kept', host: new URL(server.origin).host });
    expect([seen?.['proxy-authorization'], seen?.['x-private-hop']]).toEqual([undefined, undefined]);
  });

  it('marks its own refusals with a token no site can forge, and strips a site\'s header of that name', async () => {
    const hidden = await startServer('127.0.0.2', (_request, response) => response.end('hidden'));
    const refused = await viaProxy(proxy, `${hidden.origin}/`);
    const mark = refused.headers['x-overshare-refused'];
    expect(typeof mark).toBe('string');
    expect(proxy.refusalReason({ 'x-overshare-refused': mark as string })).toBe('loopback address 127.0.0.2');
    const forger = await startServer('127.0.0.1', (_request, response) => {
      response.writeHead(403, { 'x-overshare-refused': '%E0%A4%A' });
      response.end('forged');
    });
    const forged = await viaProxy(proxy, `${forger.origin}/`);
    expect(forged.status).toBe(403);
    expect(forged.headers['x-overshare-refused']).toBeUndefined();
    expect(proxy.refusalReason({ 'x-overshare-refused': '%E0%A4%A' })).toBeUndefined();
    expect(proxy.refusalReason({ 'x-overshare-refused': `${(mark as string).split(' ')[0] ?? ''} %E0%A4%A` })).toBe('refused by the address guard');
  });

  it('answers 403 naming the reason for a refused address, logs it and never connects', async () => {
    const hidden = await startServer('127.0.0.2', (_request, response) => response.end('hidden'));
    const before = proxy.refusedCount();
    const answer = await viaProxy(proxy, `${hidden.origin}/x.png`);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('loopback address 127.0.0.2');
    expect(proxy.refusedCount()).toBe(before + 1);
    expect(lines.at(-1)).toMatchObject({ msg: 'browser request refused', host: `127.0.0.2:${hidden.port}`, reason: 'loopback address 127.0.0.2' });
    // A name that resolves there is refused at lookup time, with the same 403.
    const byName = await viaProxy(proxy, `http://sneaky.test:${hidden.port}/`);
    expect(byName).toMatchObject({ status: 403 });
    expect(byName.body).toContain('sneaky.test resolves to loopback address 127.0.0.2');
    expect(hidden.connections()).toBe(0);
  });

  it('refuses a CONNECT tunnel to a refused address', async () => {
    const hidden = await startServer('127.0.0.2', (_request, response) => response.end('hidden'));
    const metadata = await tunnel(proxy, '169.254.169.254:443');
    expect(metadata).toMatchObject({ status: 403 });
    expect(metadata.body).toContain('link-local address 169.254.169.254');
    const byName = await tunnel(proxy, `sneaky.test:${hidden.port}`);
    expect(byName.status).toBe(403);
    const numeric = await tunnel(proxy, '0x7f.2:443');
    expect(numeric.body).toContain('loopback address 127.0.0.2');
    const bracketed = await tunnel(proxy, '[::ffff:127.0.0.2]:443');
    expect(bracketed.body).toContain('IPv4-mapped address ::ffff:7f00:2 (embeds loopback address 127.0.0.2)');
    expect(hidden.connections()).toBe(0);
  });

  it('tunnels only to ports 80 and 443 of a public host', async () => {
    const smtp = await tunnel(proxy, 'public.test:25');
    expect(smtp.status).toBe(403);
    expect(smtp.body).toContain('port 25 (tunnels go to ports 80 and 443 only)');
  });

  it('opens a CONNECT tunnel to an allowlisted host on any port', async () => {
    const server = await startServer('127.0.0.1', (request, response) => response.end(`tunnelled ${request.url ?? ''}`));
    const opened = await tunnel(proxy, `127.0.0.1:${server.port}`);
    expect(opened.status).toBe(200);
    const answer = await getOverTunnel(opened.socket, `127.0.0.1:${server.port}`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/u);
    expect(answer).toContain('tunnelled /through-tunnel');
  });

  it('survives clients and upstreams that drop their connections', async () => {
    const server = await startServer('127.0.0.1', (request, response) => {
      if (request.url === '/drop') {
        response.writeHead(200, { 'content-length': 1000 });
        response.write('partial');
        setTimeout(() => request.socket.destroy(), 20);
      } else {
        response.end('still here');
      }
    });
    await expect(viaProxy(proxy, `${server.origin}/drop`)).rejects.toThrow();
    const opened = await tunnel(proxy, `127.0.0.1:${server.port}`);
    opened.socket.destroy();
    const proxyUrl = new URL(proxy.url);
    const half = http.request({ host: proxyUrl.hostname, port: proxyUrl.port, path: `${server.origin}/slow`, agent: false });
    half.on('error', () => undefined);
    half.write('');
    half.destroy();
    await expect(viaProxy(proxy, `${server.origin}/after`)).resolves.toMatchObject({ status: 200, body: 'still here' });
  });

  it('refuses requests to itself and origin-form requests', async () => {
    await expect(viaProxy(proxy, `${proxy.url}/`)).resolves.toMatchObject({ status: 403 });
    const proxyUrl = new URL(proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: proxyUrl.hostname, port: proxyUrl.port, path: '/', agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(400);
  });
});

it('closes open tunnels on close()', async () => {
  const server = await startServer('127.0.0.1', (_request, response) => response.end('ok'));
  const proxy = await startGuardedProxy({ guard: createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] }), log: capturingLogger().log });
  const opened = await tunnel(proxy, `127.0.0.1:${server.port}`);
  const isClosed = new Promise<boolean>((resolve) => opened.socket.once('close', () => resolve(true)));
  await proxy.close();
  await expect(isClosed).resolves.toBe(true);
});

describe('Chromium behind the proxy', () => {
  it('loads an allowlisted page and none of the private addresses it points at', async () => {
    const hidden = await startServer('127.0.0.2', (_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end());
    const page = await startServer('127.0.0.1', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>fixture page</title><h1>Hello from the fixture</h1>
        <img id="hidden" src="http://127.0.0.2:${hidden.port}/x.png">
        <script>
          window.metadata = fetch('http://169.254.169.254/latest/meta-data/').then(() => 'reached', () => 'blocked');
        </script>`);
    });
    const { log, lines } = capturingLogger('warn');
    const proxy = await startGuardedProxy({ guard: createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] }), log });
    const browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--proxy-server=${proxy.url}`,
        '--proxy-bypass-list=<-loopback>',
      ],
    });
    try {
      const tab = await browser.newPage();
      const response = await tab.goto(`${page.origin}/`, { waitUntil: 'load', timeout: 15_000 });
      expect(response?.status()).toBe(200);
      // Strings, not functions: the project compiles without the DOM library.
      expect(await tab.evaluate('document.querySelector("h1").textContent')).toBe('Hello from the fixture');
      expect(await tab.evaluate('window.metadata')).toBe('blocked');
      expect(await tab.evaluate('document.getElementById("hidden").complete && document.getElementById("hidden").naturalWidth')).toBe(0);
    } finally {
      await browser.close();
      await proxy.close();
    }
    expect(hidden.connections()).toBe(0);
    expect(page.requests.map((request) => request.url)).toContain('/');
    const refusedHosts = lines.filter((line) => line.msg === 'browser request refused').map((line) => line.host);
    expect(refusedHosts).toEqual(expect.arrayContaining([`127.0.0.2:${hidden.port}`, '169.254.169.254']));
    expect(proxy.refusedCount()).toBeGreaterThanOrEqual(2);
  });
});
