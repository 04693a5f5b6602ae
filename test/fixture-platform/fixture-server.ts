import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { PlatformName } from '../../crawler/platform-adapter.js';
import type { FixtureImage, FixtureNetwork } from './fixture-network.js';
import { escapeMarkup } from './platforms/escape-markup.js';

/**
 * The fixture platform server: every platform's public pages and APIs, rendered from one generated
 * network, on 127.0.0.1, with switches for the faults a real platform throws at a crawler.
 * Platform `p` lives under `/<p>`; its base URL is `${origin}/<p>`. Media is under `/media/`.
 */

/** A request as a platform fixture sees it: the path is relative to the platform's prefix. */
export interface FixtureRequest {
  method: string;
  /** Path after `/<platform>`, starting with `/` (`/s/acme`, `/api/v1/accounts/lookup`). */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The request body as text (POST), empty for GET. */
  body: string;
}

export interface FixtureResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** What a platform fixture may use to render. */
export interface FixtureHelpers {
  network: FixtureNetwork;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/<platform>`: the base URL adapters are given. */
  baseUrl: string;
  /** Absolute URL of an image of the network. */
  mediaUrl(image: Pick<FixtureImage, 'id' | 'variant'>): string;
}

/** One platform's pages. `handle` returns undefined for paths it does not serve (a 404). */
export interface PlatformFixture {
  platform: PlatformName;
  handle(request: FixtureRequest, helpers: FixtureHelpers): FixtureResponse | undefined;
  /** The platform's own login wall or captcha page, as a crawler would meet it. */
  loginWall(request: FixtureRequest, helpers: FixtureHelpers): FixtureResponse;
  /** A broken answer in the platform's format (truncated JSON, mangled HTML). */
  malformed(request: FixtureRequest, helpers: FixtureHelpers): FixtureResponse;
}

/** A fault switched on for a platform (or `*` for all), for the next `times` requests (default: until cleared). */
export type Fault =
  | { kind: 'rate-limit'; retryAfterSeconds: number; times?: number }
  /** 200 with X-RateLimit-Remaining: 0 and X-RateLimit-Reset `resetInSeconds` ahead, then 429s until then. */
  | { kind: 'rate-limit-reset'; resetInSeconds: number; times?: number }
  | { kind: 'server-error'; times?: number }
  | { kind: 'slow'; delayMs: number; times?: number }
  | { kind: 'login-wall'; times?: number }
  | { kind: 'malformed'; times?: number }
  /** 302 to a private address (the cloud metadata service by default). */
  | { kind: 'redirect-private'; location?: string; times?: number }
  /** The connection is closed without an answer. */
  | { kind: 'hang-up'; times?: number }
  /**
   * The normal answer with its markup changed the way a redesign would: in HTML every class name
   * and data-* attribute renamed (`v2-` prefix), in JSON the body wrapped as `{"data": …}`, in XML
   * feeds the items renamed; adapters then find no posts or cannot read the answer.
   */
  | { kind: 'markup-changed'; times?: number };

export interface RecordedRequest {
  platform: string;
  method: string;
  path: string;
  status: number;
  userAgent: string | undefined;
  cookie: string | undefined;
  /** Body bytes sent (as rendered, before any compression). */
  bytes: number;
}

export interface FixtureServer {
  origin: string;
  baseUrl(platform: PlatformName): string;
  network: FixtureNetwork;
  /** Every request answered, in order. */
  requests: RecordedRequest[];
  setFault(platform: PlatformName | '*', fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const HUGE_IMAGE_BYTES = 64 * 1024 * 1024;

/** Starts the server on 127.0.0.1 with a free port. */
export async function startFixtureServer(network: FixtureNetwork, fixtures: readonly PlatformFixture[]): Promise<FixtureServer> {
  const byPlatform = new Map(fixtures.map((fixture) => [fixture.platform as string, fixture]));
  const faults = new Map<string, Fault & { remaining: number }>();
  const requests: RecordedRequest[] = [];
  const imageCache = new Map<string, Buffer>();
  let origin = '';

  const helpersFor = (platform: string): FixtureHelpers => ({
    network,
    origin,
    baseUrl: `${origin}/${platform}`,
    mediaUrl: (image) => `${origin}/media/${image.variant === undefined ? '' : `${image.variant}-`}${image.id}.jpg`,
  });

  const takeFault = (platform: string): Fault | undefined => {
    for (const key of [platform, '*']) {
      const fault = faults.get(key);
      if (fault === undefined) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.delete(key);
      return fault;
    }
    return undefined;
  };

  const send = (request: IncomingMessage, response: ServerResponse, platform: string, answer: FixtureResponse): void => {
    requests.push({
      platform,
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      status: answer.status,
      userAgent: request.headers['user-agent'],
      cookie: request.headers.cookie,
      bytes: typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.length,
    });
    response.writeHead(answer.status, answer.headers ?? {});
    response.end(answer.body);
  };

  const serveMedia = async (request: IncomingMessage, response: ServerResponse, name: string): Promise<void> => {
    const record = (status: number) =>
      requests.push({ platform: 'media', method: request.method ?? 'GET', path: request.url ?? '/', status, userAgent: request.headers['user-agent'], cookie: request.headers.cookie, bytes: 0 });
    if (name.startsWith('huge-')) {
      record(200);
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      // Streams until the client gives up (or 64 MiB): a cap must stop reading, not trust a header.
      const chunk = Buffer.alloc(64 * 1024, 0xff);
      for (let sent = 0; sent < HUGE_IMAGE_BYTES && !response.destroyed; sent += chunk.length) {
        if (!response.write(chunk)) await once(response, 'drain').catch(() => undefined);
      }
      response.end();
      return;
    }
    if (name.startsWith('fake-')) {
      record(200);
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      response.end('<!doctype html><html><body>not an image</body></html>');
      return;
    }
    if (name.startsWith('text-')) {
      const lines = network.image(name.slice('text-'.length))?.lines;
      if (lines === undefined) {
        record(404);
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('no such image');
        return;
      }
      // Rendered on every request, not cached: each is fetched about once, and there are thousands.
      const picture = await renderTextPicture(lines);
      record(200);
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(picture.length) });
      response.end(picture);
      return;
    }
    let bytes = imageCache.get(name);
    if (bytes === undefined) {
      const seed = Array.from(name).reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 255, 7);
      bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: seed, g: 255 - seed, b: 128 } } })
        .jpeg()
        .toBuffer();
      imageCache.set(name, bytes);
    }
    record(200);
    response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(bytes.length) });
    response.end(bytes);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', origin);
      const [, first = '', ...rest] = url.pathname.split('/');
      if (first === 'media') {
        await serveMedia(request, response, rest.join('/').replace(/\.[a-z]+$/u, ''));
        return;
      }
      const fixture = byPlatform.get(first);
      if (fixture === undefined) {
        send(request, response, first, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'no such platform' });
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const fixtureRequest: FixtureRequest = {
        method: request.method ?? 'GET',
        path: `/${rest.join('/')}`,
        query: url.searchParams,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const helpers = helpersFor(first);
      // A favicon is fetched by the browser on its own schedule, often after the tab that asked
      // for it is gone: it must not use up a fault meant for the next test's page.
      const fault = url.pathname.endsWith('.ico') ? undefined : takeFault(first);
      switch (fault?.kind) {
        case 'rate-limit':
          send(request, response, first, { status: 429, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: 'slow down' });
          return;
        case 'rate-limit-reset': {
          const reset = new Date(Date.now() + fault.resetInSeconds * 1_000).toISOString();
          send(request, response, first, { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: 'rate limited' });
          return;
        }
        case 'server-error':
          send(request, response, first, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error' });
          return;
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          break;
        case 'login-wall':
          send(request, response, first, fixture.loginWall(fixtureRequest, helpers));
          return;
        case 'malformed':
          send(request, response, first, fixture.malformed(fixtureRequest, helpers));
          return;
        case 'redirect-private':
          send(request, response, first, { status: 302, headers: { location: fault.location ?? 'http://169.254.169.254/latest/meta-data/' }, body: '' });
          return;
        case 'hang-up':
          request.socket.destroy();
          return;
        case 'markup-changed':
          break;
        case undefined:
          break;
      }
      const answer = fixture.handle(fixtureRequest, helpers) ?? { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
      if (!response.destroyed) send(request, response, first, fault?.kind === 'markup-changed' ? redesigned(answer) : answer);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`fixture server error: ${error instanceof Error ? error.message : 'unknown'}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    baseUrl: (platform) => `${origin}/${platform}`,
    network,
    requests,
    setFault(platform, fault) {
      faults.set(platform, { ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults() {
      faults.clear();
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** The answer as a redesigned platform would send it (see the `markup-changed` fault). */
function redesigned(answer: FixtureResponse): FixtureResponse {
  if (answer.status !== 200) return answer;
  // Bytes in a legacy charset go through latin1, which keeps every byte: the markup renamed is ASCII.
  const text = typeof answer.body === 'string' ? answer.body : answer.body.toString('latin1');
  const asBody = (changed: string) => (typeof answer.body === 'string' ? changed : Buffer.from(changed, 'latin1'));
  const type = Object.entries(answer.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (/json/u.test(type)) return { ...answer, body: asBody(`{"data":${text}}`) };
  if (/html/u.test(type)) {
    const changed = text
      .replace(/\bclass="([^"]*)"/gu, (_match, names: string) => `class="${names.split(/\s+/u).filter((name) => name !== '').map((name) => `v2-${name}`).join(' ')}"`)
      .replace(/\bdata-([\w-]+)=/gu, 'data-v2-$1=');
    return { ...answer, body: asBody(changed) };
  }
  if (/xml/u.test(type)) return { ...answer, body: asBody(text.replace(/<(\/?)(item|entry)\b/gu, '<$1v2-$2')) };
  return answer;
}

/**
 * A 640 × 360 screenshot-like JPEG: the lines in 22 px DejaVu Sans, dark on off-white. Drawn with
 * libvips' own text operation, not an SVG: an OCR engine in the same process blocks every image
 * loader but JPEG, PNG, WebP and GIF process-wide (ocr/decode-image.ts), SVG included.
 */
async function renderTextPicture(lines: readonly string[]): Promise<Buffer> {
  const markup = `<span foreground="#161616">${lines.map(escapeMarkup).join('\n')}</span>`;
  return sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 247, g: 245, b: 239 } } })
    .composite([{ input: { text: { text: markup, font: 'DejaVu Sans 22', dpi: 72, rgba: true, spacing: 11 } }, left: 40, top: 50 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
