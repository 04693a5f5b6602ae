import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_UI_CSP, reviewUiRouter } from './review-ui-router.js';

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

describe('the review UI router', () => {
  let folder: string;
  let built: { url: string; server: Server };
  let missing: { url: string; server: Server };

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-ui-router-'));
    await mkdir(path.join(folder, 'assets'));
    await writeFile(path.join(folder, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(folder, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = express();
    app.use((_request, response, next) => {
      response.set('Cache-Control', 'no-store');
      next();
    });
    app.use(reviewUiRouter(folder));
    app.use((_request, response) => response.status(404).json({ title: 'Not found' }));
    built = await listen(app);
    const bare = express();
    bare.use(reviewUiRouter(path.join(folder, 'nothing-here')));
    missing = await listen(bare);
  });

  afterAll(async () => {
    built.server.close();
    missing.server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers any app address with index.html, the CSP and no caching', async () => {
    for (const address of ['/', '/findings', '/findings/0b1c-2d?state=new', '/settings/keys']) {
      const response = await fetch(`${built.url}${address}`, { headers: { accept: 'text/html' } });
      expect(response.status, address).toBe(200);
      expect(await response.text()).toContain('<title>app</title>');
      expect(response.headers.get('content-security-policy')).toBe(REVIEW_UI_CSP);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(REVIEW_UI_CSP).toContain("script-src 'self'");
    expect(REVIEW_UI_CSP).not.toContain('unsafe-inline');
  });

  it('caches hashed assets for a year and 404s assets that do not exist', async () => {
    const asset = await fetch(`${built.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/u);
    const absent = await fetch(`${built.url}/assets/index-gone.js`, { headers: { accept: 'text/html' } });
    expect(absent.status).toBe(404);
  });

  it('leaves the API, metrics and health addresses, and non-HTML requests, to the routes after it', async () => {
    for (const address of ['/api/v1/nothing', '/api', '/metrics', '/health/live']) {
      const response = await fetch(`${built.url}${address}`, { headers: { accept: 'text/html' } });
      expect(response.status, address).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
    }
    const json = await fetch(`${built.url}/findings`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
  });

  it('says how to build the UI when its files are missing', async () => {
    const response = await fetch(`${missing.url}/findings`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });
});
