import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../test/support/api-harness.js';
import { seedFinding } from '../../test/support/seed-findings.js';
import { ConflictError } from './http-errors.js';
import { withIdempotency } from './idempotency.js';

describe('Idempotency-Key', () => {
  // One server and database for the file: every test uses its own keys.
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await startApiHarness();
  });
  afterAll(async () => harness.close());
  afterEach(() => {
    harness.setNow(undefined);
  });

  const scope = (key: string) => ({ actor: 'user:tester', key, method: 'post', path: '/api/v1/things', query: {}, body: { n: 1 } });

  it('stores the path without its query string, yet tells apart requests that differ only in the query', async () => {
    const reviewer = await harness.as('reviewer');
    const finding = await seedFinding(harness.db);
    const path = `/api/v1/findings/${finding.id}/transition`;
    const headers = { 'idempotency-key': `q-${finding.id}` };
    const first = await reviewer.post(`${path}?who=jane.doe%40corp.example`, { to: 'in_review' }, { headers });
    expect(first.status).toBe(200);
    const stored = await harness.db.selectFrom('idempotency_keys').selectAll().where('key', '=', headers['idempotency-key']).executeTakeFirstOrThrow();
    expect(stored.path).toBe(path);
    expect(JSON.stringify(stored)).not.toContain('jane.doe');
    const otherQuery = await reviewer.post(`${path}?who=john.roe%40corp.example`, { to: 'in_review' }, { headers });
    expect(otherQuery.status).toBe(422);
    const sameQuery = await reviewer.post(`${path}?who=jane.doe%40corp.example`, { to: 'in_review' }, { headers });
    expect([sameQuery.status, sameQuery.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
  });

  it('answers 409 to a retry while the first request is running', async () => {
    let finish = () => {};
    const running = withIdempotency(harness.services, scope('running'), () => new Promise((resolve) => (finish = () => resolve({ status: 201, body: { n: 1 } }))));
    await expect.poll(async () => (await harness.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'running').execute()).length).toBe(1);
    await expect(withIdempotency(harness.services, scope('running'), () => Promise.resolve({ status: 201, body: { n: 2 } }))).rejects.toThrow(ConflictError);
    finish();
    expect((await running).status).toBe(201);
  });

  it('runs a retry again when the first request left its claim unfinished for more than 60 seconds (a crashed server)', async () => {
    const start = new Date();
    harness.setNow(start);
    // The first request never finishes, as if its server had died mid-request.
    let finishFirst = () => {};
    const first = withIdempotency(harness.services, scope('crashed'), () => new Promise((resolve) => (finishFirst = () => resolve({ status: 201, body: { n: 1 } }))));
    await expect.poll(async () => (await harness.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'crashed').execute()).length).toBe(1);

    harness.setNow(new Date(start.getTime() + 61_000));
    const retry = await withIdempotency(harness.services, scope('crashed'), () => Promise.resolve({ status: 201, body: { n: 2 } }));
    expect(retry).toEqual({ status: 201, body: { n: 2 }, isReplay: false });

    // The first one finishing late does not overwrite the reply the retry stored.
    finishFirst();
    await first;
    const replay = await withIdempotency(harness.services, scope('crashed'), () => Promise.resolve({ status: 500, body: null }));
    expect(replay).toEqual({ status: 201, body: { n: 2 }, isReplay: true });
  });
});
