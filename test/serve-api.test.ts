import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertCliBuilt, copyMigratedDataDir, runCli, startServe, type ServeProcess } from './support/run-cli.js';

const PASSWORD = 'correct horse battery staple';

describe('overshare serve with the API, metrics and access log', () => {
  let folder: string;
  let serve: ServeProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    assertCliBuilt();
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-serve-api-'));
    env = { OVERSHARE_DATA_DIR: path.join(folder, 'data'), LOG_LEVEL: 'info' };
    await copyMigratedDataDir(env.OVERSHARE_DATA_DIR!);
    const added = await runCli(['users', 'add', 'lead', '--role', 'admin', '--password-stdin'], { env, input: `${PASSWORD}\n`, timeoutMs: 90_000 });
    expect(added.code, added.stderr).toBe(0);
    serve = await startServe({ env });
  }, 240_000);

  afterAll(async () => {
    await serve?.stop('SIGTERM');
    await rm(folder, { recursive: true, force: true });
  });

  it('signs in, answers the API, refuses a private sink target, exports metrics and logs requests without secrets', async () => {
    const base = serve!.url;
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lead', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrf_token: csrf } = (await login.json()) as { csrf_token: string };
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };

    const findings = await fetch(`${base}/api/v1/findings?text=hunter2`, { headers });
    expect(findings.status).toBe(200);
    expect(await findings.json()).toEqual({ items: [], next_cursor: null });

    const sink = await fetch(`${base}/api/v1/sinks`, { method: 'POST', headers, body: JSON.stringify({ kind: 'webhook', name: 'local', url: 'http://127.0.0.1:9/hook' }) });
    expect(sink.status).toBe(400);
    expect(JSON.stringify(await sink.json())).toContain('SINK_ALLOWED_PRIVATE_HOSTS');

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE overshare_findings gauge$/mu);
    expect(text).toMatch(/overshare_http_requests_total\{[^}]*route="\/api\/v1\/findings"[^}]*status="200"/u);

    const openapi = await fetch(`${base}/api/openapi.json`);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');

    // Each request is logged when its reply finishes, and the child's stderr reaches us through a
    // pipe, so the last lines may arrive after the reply itself: wait for the last request's line.
    const readAccessLines = () => serve!.output().stderr.split('\n').filter((line) => line.includes('"module":"access"'));
    await vi.waitFor(() => expect(readAccessLines().some((line) => line.includes('/api/openapi.json'))).toBe(true), { timeout: 10_000, interval: 50 });
    const accessLines = readAccessLines();
    expect(accessLines.length).toBeGreaterThanOrEqual(4);
    const joined = accessLines.join('\n');
    expect(joined).toContain('/api/v1/findings');
    for (const secret of [cookie.split('=')[1]!, csrf, PASSWORD, 'hunter2']) expect(joined).not.toContain(secret);
  }, 120_000);
});
