import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../core/errors.js';
import { renderTextImage } from '../../test/support/render-text-image.js';
import { createAddressGuard, RefusedAddressError } from './address-guard.js';
import { fetchMedia, MediaRejectedError, sniffImageType, type FetchMediaOptions } from './fetch-media.js';

interface Route {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  /** Writes forever after the head. */
  isEndless?: boolean;
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
const HTML = '<!doctype html><html><body>Not an image</body></html>';

let server: Server;
let origin = '';
const routes = new Map<string, Route>();
const requests: IncomingHttpHeaders[] = [];
let png: Buffer;
let jpeg: Buffer;

beforeAll(async () => {
  png = await renderTextImage({ lines: ['png'], width: 200, format: 'png' });
  jpeg = await renderTextImage({ lines: ['jpeg'], width: 200, format: 'jpeg' });
  server = createServer((request, response) => {
    requests.push(request.headers);
    const route = routes.get(request.url ?? '') ?? { status: 404, body: 'missing' };
    response.writeHead(route.status ?? 200, route.headers ?? {});
    if (route.isEndless !== true) {
      response.end(route.body);
      return;
    }
    const chunk = Buffer.alloc(16_384, 0x42);
    const pump = () => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/photo.png', { headers: { 'Content-Type': 'image/png', 'Set-Cookie': 'cdn=1' }, body: png });
  routes.set('/photo.jpg', { headers: { 'Content-Type': 'application/octet-stream' }, body: jpeg });
  routes.set('/untyped.jpg', { body: jpeg });
  routes.set('/mislabelled.png', { headers: { 'Content-Type': 'image/png' }, body: jpeg });
  routes.set('/page.jpg', { headers: { 'Content-Type': 'image/jpeg' }, body: HTML });
  routes.set('/vector.svg', { headers: { 'Content-Type': 'image/svg+xml' }, body: SVG });
  routes.set('/vector.png', { headers: { 'Content-Type': 'image/png' }, body: SVG });
  routes.set('/endless.html', { headers: { 'Content-Type': 'text/html' }, isEndless: true });
  routes.set('/endless.png', { headers: { 'Content-Type': 'image/png' }, isEndless: true });
  routes.set('/huge.png', { headers: { 'Content-Type': 'image/png', 'Content-Length': 10_000_000 }, body: Buffer.alloc(10_000_000) });
  routes.set('/busy.png', { status: 429, headers: { 'Retry-After': '7' }, body: 'slow down' });
  routes.set('/broken.png', { status: 503, body: 'down' });
  routes.set('/to-metadata.png', { status: 302, headers: { Location: 'http://169.254.169.254/latest/meta-data/' } });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const mediaOptions: FetchMediaOptions = {
  guard: createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] }),
  maxBytes: 1_000_000,
  timeoutMs: 5_000,
  maxRedirects: 3,
  userAgent: 'overshare-test/1',
};

async function rejection(pathname: string): Promise<unknown> {
  return fetchMedia(`${origin}${pathname}`, mediaOptions).then(
    () => expect.unreachable(`${pathname} was accepted`),
    (error: unknown) => error,
  );
}

describe('fetchMedia', () => {
  it('downloads a real PNG, asking for images and sending no cookie', async () => {
    const media = await fetchMedia(`${origin}/photo.png`, mediaOptions);
    expect(media).toEqual({ url: `${origin}/photo.png`, contentType: 'image/png', bytes: png });
    await fetchMedia(`${origin}/photo.png`, mediaOptions);
    expect(requests.at(-1)).toMatchObject({ accept: 'image/*' });
    expect(requests.map((headers) => headers.cookie).filter((cookie) => cookie !== undefined)).toEqual([]);
  });

  it('downloads a real JPEG served as octet-stream or untyped, typed by its bytes', async () => {
    await expect(fetchMedia(`${origin}/photo.jpg`, mediaOptions)).resolves.toMatchObject({ contentType: 'image/jpeg', bytes: jpeg });
    await expect(fetchMedia(`${origin}/untyped.jpg`, mediaOptions)).resolves.toMatchObject({ contentType: 'image/jpeg' });
    await expect(fetchMedia(`${origin}/mislabelled.png`, mediaOptions)).resolves.toMatchObject({ contentType: 'image/jpeg' });
  });

  it.each([
    ['/page.jpg', 'not-an-image'],
    ['/vector.png', 'not-an-image'],
    ['/vector.svg', 'content-type'],
    ['/endless.html', 'content-type'],
    ['/huge.png', 'too-large'],
    ['/endless.png', 'too-large'],
    ['/nothing-here.png', 'http-status'],
  ])('refuses %s as %s', async (pathname, reason) => {
    const error = await rejection(pathname);
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect(error).toMatchObject({ reason, url: `${origin}${pathname}` });
  });

  it('reports 429 as TransientError with the Retry-After wait, and 503 as TransientError', async () => {
    const busy = await rejection('/busy.png');
    expect(busy).toBeInstanceOf(TransientError);
    expect(busy).toMatchObject({ retryAfterMs: 7_000 });
    await expect(rejection('/broken.png')).resolves.toBeInstanceOf(TransientError);
  });

  it('refuses a redirect to the cloud metadata address', async () => {
    const error = await rejection('/to-metadata.png');
    expect(error).toBeInstanceOf(RefusedAddressError);
    expect(error).toMatchObject({ reason: 'link-local address 169.254.169.254' });
  });
});

describe('sniffImageType', () => {
  it.each([
    [Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'image/gif'],
    [Buffer.from('GIF87a\x01\x00\x01\x00', 'latin1'), 'image/gif'],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]), 'image/webp'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
  ])('knows %s as %s', (bytes, type) => {
    expect(sniffImageType(bytes)).toBe(type);
  });

  it.each([
    ['an SVG', Buffer.from(SVG)],
    ['an HTML page', Buffer.from(HTML)],
    ['a RIFF that is not WebP', Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WAVEfmt ')])],
    ['a PNG signature cut short', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ['nothing', Buffer.alloc(0)],
  ])('knows no image in %s', (_name, bytes) => {
    expect(sniffImageType(bytes)).toBeUndefined();
  });
});
