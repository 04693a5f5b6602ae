import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingsRepository } from '../store/repositories/findings-repository.js';
import { startSinkDelivery, type SinkDelivery } from '../server/siem/sink-delivery.js';
import { connectSink } from '../server/siem/connect-sink.js';
import { authRoutes } from '../server/api/routes/auth-routes.js';
import { eventsRoutes } from '../server/api/routes/events-routes.js';
import { sinksRoutes } from '../server/api/routes/sinks-routes.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { startHecReceiver, type HecReceiver } from './support/hec-receiver.js';
import { makeTestCertificates } from './support/make-test-certificates.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';
import { startSyslogReceiver, type SyslogReceiver } from './support/syslog-receiver.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('a fixed test secret of 32 bytes!').toString('base64')}`;
const HEC_TOKEN = '11111111-2222-3333-4444-555555555555';

describe('SIEM delivery to real receivers', () => {
  let harness: ApiHarness;
  let admin: ApiClient;
  let webhook: WebhookReceiver;
  let syslog: SyslogReceiver;
  let hec: HecReceiver;
  let delivery: SinkDelivery;
  let clock = Date.now();

  beforeAll(async () => {
    harness = await startApiHarness({ routes: [...authRoutes({ sessionMaxAgeMs: 3_600_000 }), ...eventsRoutes, ...sinksRoutes] });
    admin = await harness.as('admin');
    const certificates = makeTestCertificates(['syslog.test'], ['127.0.0.1']);
    webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    syslog = await startSyslogReceiver({ tls: { cert: certificates.cert, key: certificates.key } });
    hec = await startHecReceiver({ token: HEC_TOKEN });
    const sinks = [
      { kind: 'webhook', name: 'hooks', url: webhook.url, secret: WEBHOOK_SECRET, format: 'ocsf' },
      { kind: 'syslog', name: 'arcsight', host: '127.0.0.1', port: syslog.port, transport: 'tls', ca: certificates.ca },
      { kind: 'splunk_hec', name: 'splunk', url: hec.url, token: HEC_TOKEN, format: 'ecs' },
    ];
    for (const sink of sinks) expect((await admin.post('/api/v1/sinks', sink)).status).toBe(201);
    clock = Date.now();
    delivery = startSinkDelivery(
      {
        db: harness.db,
        log: harness.services.log,
        settings: { pollMs: 10, batchSize: 4, disableAfterMs: 3_600_000, backoffBaseMs: 1_000, maxBackoffMs: 4_000 },
        connect: (sink) => connectSink(sink, { secrets: harness.services.secrets, guard: harness.services.addressGuard, product: { name: 'overshare', vendor: 'overshare', version: '0.0.0-test' } }),
        now: () => new Date(clock),
      },
      false,
    );
  });

  afterAll(async () => {
    await delivery.stop();
    await Promise.all([webhook.stop(), syslog.stop(), hec.stop()]);
    await harness.close();
  });

  async function allEventIds(): Promise<string[]> {
    const rows = await harness.db.selectFrom('finding_events').select('id').orderBy('seq').execute();
    return rows.map((row) => row.id);
  }

  /** Runs delivery rounds, moving the clock on past any backoff, until every enabled sink has taken every event. */
  async function drain(): Promise<void> {
    const last = await harness.db.selectFrom('finding_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();
    for (let round = 0; round < 100; round += 1) {
      clock += 5_000;
      await delivery.runOnce();
      const behind = await harness.db.selectFrom('sinks').select('name').where('is_enabled', '=', true).where('cursor_seq', '<', last.seq).execute();
      if (behind.length === 0) return;
    }
    throw new Error('delivery did not catch up in 100 rounds');
  }

  function syslogEventIds(): string[] {
    return syslog.messages.map((message) => /cs6=([0-9a-f-]{36})/u.exec(message)?.[1] ?? 'unparsed');
  }

  it('delivers every event to every sink in order, once per id, across a receiver outage', async () => {
    const account = await seedAccount(harness.db);
    for (let index = 0; index < 6; index += 1) await seedFinding(harness.db, { account, evidence: { source: 'text', text: `CONFIDENTIAL memo ${index}` } });
    await drain();
    expect(webhook.received.map((hook) => hook.id)).toEqual(await allEventIds());

    await webhook.stop();
    const finding = await seedFinding(harness.db, { account, evidence: { source: 'text', text: 'while the webhook receiver is down' } });
    await new FindingsRepository(harness.db).record({
      postId: finding.post_id,
      accountId: account.id,
      ruleIds: ['marking-confidential'],
      category: 'marking',
      severity: 'critical',
      score: 97,
      scoreBreakdown: { base: 97 },
      evidence: finding.evidence,
    });
    for (let index = 0; index < 5; index += 1) await seedFinding(harness.db, { account, evidence: { source: 'text', text: `later secret ${index}` } });
    for (let round = 0; round < 3; round += 1) {
      clock += 5_000;
      await delivery.runOnce();
    }
    const failing = (await admin.get('/api/v1/sinks/hooks')).body;
    expect(failing.consecutive_failures).toBeGreaterThan(0);
    expect(failing.last_error).toMatch(/127\.0\.0\.1/u);
    expect(failing.is_enabled).toBe(true);

    await webhook.restart();
    await drain();
    const ids = await allEventIds();
    expect(ids).toHaveLength(13);
    expect(webhook.received.map((hook) => hook.id)).toEqual(ids);
    expect(webhook.rejections).toEqual([]);
    expect(syslogEventIds()).toEqual(ids);
    expect(syslog.framingErrors).toEqual([]);
    expect(hec.events.map((envelope) => (envelope.event as { event: { id: string } }).event.id)).toEqual(ids);
    const ocsf = JSON.parse(webhook.received[0]?.body ?? '{}') as { class_uid: number; finding_info: { uid: string } };
    expect(ocsf.class_uid).toBe(2006);
    expect(webhook.received.some((hook) => hook.body.includes('while the webhook'))).toBe(false);

    const log = (await admin.get('/api/v1/sinks/hooks/deliveries')).body.items as Array<{ outcome: string }>;
    expect(log.some((entry) => entry.outcome === 'failed')).toBe(true);
    expect(log[0]?.outcome).toBe('delivered');
  });

  it('waits as long as Retry-After asks after a 429, then delivers', async () => {
    webhook.respondWith(429, { retryAfter: '120' });
    const before = webhook.received.length;
    await seedFinding(harness.db);
    clock += 1_000;
    await delivery.runOnce();
    const sink = (await admin.get('/api/v1/sinks/hooks')).body;
    expect(sink.last_error).toMatch(/429/u);
    expect(new Date(sink.next_attempt_at).getTime() - clock).toBeGreaterThanOrEqual(119_000);
    clock += 60_000;
    await delivery.runOnce();
    expect(webhook.received.length).toBe(before);
    clock += 61_000;
    await delivery.runOnce();
    expect(webhook.received.length).toBe(before + 1);
  });

  it('redelivers from a cursor on request, with the same event ids', async () => {
    const ids = await allEventIds();
    const all = (await admin.get('/api/v1/events?limit=1000')).body as { next_cursor: string };
    expect(all.next_cursor).toBeTruthy();
    const firstPage = (await admin.get('/api/v1/events?limit=2')).body as { next_cursor: string };
    const before = webhook.received.length;
    const rewound = await admin.post('/api/v1/sinks/hooks/redeliver', { after: firstPage.next_cursor });
    expect(rewound.status).toBe(200);
    await drain();
    expect(webhook.received.slice(before).map((hook) => hook.id)).toEqual(ids.slice(2));
    const audit = await harness.db.selectFrom('audit_log').selectAll().where('action', '=', 'sink.redelivery_requested').execute();
    expect(audit).toHaveLength(1);
  });

  it('disables a sink that keeps failing past the limit, and enabling it resumes delivery', async () => {
    const dead = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    const created = await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'flaky', url: dead.url, secret: WEBHOOK_SECRET, start: 'now' });
    expect(created.status).toBe(201);
    await dead.stop();
    await seedFinding(harness.db);
    for (let round = 0; round < 3; round += 1) {
      clock += 20 * 60_000;
      await delivery.runOnce();
    }
    expect((await admin.get('/api/v1/sinks/flaky')).body.is_enabled).toBe(true);
    clock += 3_600_000;
    await delivery.runOnce();
    const disabled = (await admin.get('/api/v1/sinks/flaky')).body;
    expect(disabled.is_enabled).toBe(false);
    expect(disabled.disabled_reason).toMatch(/^failing since .*enable the sink again\.$/u);

    await dead.restart();
    await admin.patch('/api/v1/sinks/flaky', { is_enabled: true });
    await drain();
    expect(dead.received.map((hook) => hook.id)).toEqual((await allEventIds()).slice(-1));
    await dead.stop();
    expect((await admin.delete('/api/v1/sinks/flaky')).status).toBe(204);
  });

  it('refuses a sink aimed at a private address unless the guard allows it', async () => {
    const refused = await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'internal', url: 'http://10.1.2.3/hook' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.issues)).toMatch(/10\.1\.2\.3.*SINK_ALLOWED_PRIVATE_HOSTS/u);
    const metadata = await admin.post('/api/v1/sinks', { kind: 'splunk_hec', name: 'meta', url: 'http://169.254.169.254', token: 'abcdefgh12' });
    expect(metadata.status).toBe(400);
  });

  it('stores sink secrets sealed, never as given, and never returns them', async () => {
    const rows = await harness.db.selectFrom('sinks').select(['name', 'secret_encrypted']).execute();
    for (const row of rows) {
      expect(row.secret_encrypted ?? '').not.toContain(HEC_TOKEN);
      expect(row.secret_encrypted ?? '').not.toContain(WEBHOOK_SECRET.slice(6));
    }
    const listed = JSON.stringify((await admin.get('/api/v1/sinks')).body);
    expect(listed).not.toContain(HEC_TOKEN);
    expect(listed).not.toContain(WEBHOOK_SECRET.slice(6));
    const generated = await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'generated', url: webhook.url });
    expect(generated.body.secret).toMatch(/^whsec_/u);
    expect(JSON.stringify((await admin.get('/api/v1/sinks/generated')).body)).not.toContain(generated.body.secret);
    // Its secret is not the receiver's: left enabled, it would fail every later delivery round.
    expect((await admin.delete('/api/v1/sinks/generated')).status).toBe(204);
  });

  it('gets past an event the receiver refuses for good only when told to skip it, and audits the skip', async () => {
    const before = webhook.received.length;
    await seedFinding(harness.db);
    await seedFinding(harness.db);
    webhook.respondWith(413);
    clock += 5_000;
    await delivery.runOnce();
    const stuck = (await admin.get('/api/v1/sinks/hooks')).body;
    expect(stuck.last_error).toMatch(/413/u);
    expect(webhook.received.length).toBe(before);
    const skipped = await admin.post('/api/v1/sinks/hooks/skip', { events: 1 });
    expect(skipped.status).toBe(200);
    await drain();
    const ids = await allEventIds();
    expect(webhook.received.slice(before).map((hook) => hook.id)).toEqual(ids.slice(-1));
    const audit = await harness.db.selectFrom('audit_log').selectAll().where('action', '=', 'sink.events_skipped').execute();
    expect(audit[0]?.details).toMatchObject({ skipped: 1, eventIds: [ids.at(-2)] });
    expect((await admin.post('/api/v1/sinks/hooks/skip', { events: 1 })).status).toBe(400);
  });

  it('keeps a redelivery asked for while a batch is in flight: the batch cannot write its cursor over it', async () => {
    const sink = await harness.db.selectFrom('sinks').selectAll().where('name', '=', 'hooks').executeTakeFirstOrThrow();
    const { SinksRepository } = await import('../store/repositories/sinks-repository.js');
    const repository = new SinksRepository(harness.db);
    const claimed = await repository.claimDue('other-server', new Date(clock + 60_000), new Date(clock + 180_000));
    expect(claimed?.id).toBeDefined();
    expect((await admin.post('/api/v1/sinks/hooks/redeliver', {})).status).toBe(200);
    const isKept = await repository.recordAttempt(
      'other-server',
      { sinkId: sink.id, firstSeq: 1, lastSeq: sink.cursor_seq, eventCount: 1, deliveredCount: 1, outcome: 'delivered', durationMs: 1, attemptedAt: new Date(clock) },
      { cursorSeq: sink.cursor_seq, isFailure: false, nextAttemptAt: new Date(clock), releaseLease: true },
    );
    expect(isKept).toBe(false);
    expect((await harness.db.selectFrom('sinks').select('cursor_seq').where('id', '=', sink.id).executeTakeFirstOrThrow()).cursor_seq).toBe(0);
    await drain();
  });

  it('shows sink URLs without their path or query, and never keeps a reply that holds a secret for replays', async () => {
    const created = await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'slack-like', url: `${webhook.url}/T000/B000/SECRETPATHTOKEN?sig=SECRETQUERY`, start: 'now' }, { headers: { 'idempotency-key': 'create-slack-like' } });
    expect(created.status).toBe(201);
    const shown = JSON.stringify([(await admin.get('/api/v1/sinks/slack-like')).body, await harness.db.selectFrom('audit_log').select('details').where('action', '=', 'sink.created').execute()]);
    expect(shown).not.toContain('SECRETPATHTOKEN');
    expect(shown).not.toContain('SECRETQUERY');
    const stored = await harness.db.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain('whsec_');
    const bad = await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'bad-secret', url: webhook.url, secret: `whsec_${'A'.repeat(33)}` });
    expect(bad.status).toBe(400);
  });

  it('drains a backlog larger than a batch in one round, batch after batch, not one batch per poll', async () => {
    const late = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    expect((await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'late', url: late.url, secret: WEBHOOK_SECRET })).status).toBe(201);
    const ids = await allEventIds();
    expect(ids.length).toBeGreaterThan(3 * 4);
    clock += 1_000;
    await delivery.runOnce();
    expect(late.received.map((hook) => hook.id)).toEqual(ids);
    expect((await admin.delete('/api/v1/sinks/late')).status).toBe(204);
    await late.stop();
  });

  it('refuses a feed cursor it did not issue, and gives next_cursor on an empty page', async () => {
    for (const after of ['garbage', Buffer.from('ev1.-5').toString('base64url'), Buffer.from('ev1.1e3').toString('base64url')]) {
      const refused = await admin.get(`/api/v1/events?after=${after}`);
      expect(refused.status, after).toBe(400);
      expect(refused.body.issues[0].path).toBe('query.after');
    }
    const last = (await admin.get('/api/v1/events?limit=1000')).body as { next_cursor: string; has_more: boolean };
    const empty = await admin.get(`/api/v1/events?after=${last.next_cursor}`);
    expect(empty.body).toEqual({ events: [], next_cursor: last.next_cursor, has_more: false });
  });
});

