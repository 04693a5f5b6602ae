import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../test/support/api-harness.js';
import { seedAccount, seedFinding } from '../../test/support/seed-findings.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { CoverageRepository } from '../../store/repositories/coverage-repository.js';
import { authRoutes } from '../api/routes/auth-routes.js';
import { sinksRoutes } from '../api/routes/sinks-routes.js';
import { connectSink } from './connect-sink.js';
import { startSinkDelivery, type SinkDelivery } from './sink-delivery.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('another fixed test secret, 32 b!').toString('base64')}`;

describe('sink delivery of coverage events', () => {
  let harness: ApiHarness;
  let webhook: WebhookReceiver;
  let delivery: SinkDelivery;

  beforeAll(async () => {
    harness = await startApiHarness({ routes: [...authRoutes({ sessionMaxAgeMs: 3_600_000 }), ...sinksRoutes] });
    webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    const admin = await harness.as('admin');
    expect((await admin.post('/api/v1/sinks', { kind: 'webhook', name: 'hooks', url: webhook.url, secret: WEBHOOK_SECRET, format: 'native' })).status).toBe(201);
    delivery = startSinkDelivery(
      {
        db: harness.db,
        log: harness.services.log,
        settings: { pollMs: 10, batchSize: 10, disableAfterMs: 3_600_000 },
        connect: (sink) => connectSink(sink, { secrets: harness.services.secrets, guard: harness.services.addressGuard, product: { name: 'overshare', vendor: 'overshare', version: '0.0.0-test' } }),
      },
      false,
    );
  });

  afterAll(async () => {
    await delivery.stop();
    await webhook.stop();
    await harness.close();
  });

  it('delivers a coverage gap between finding events to a webhook, signed, in outbox order', async () => {
    const account = await seedAccount(harness.db);
    await seedFinding(harness.db, { account });
    const gap = await harness.db.transaction().execute(async (trx) => {
      const { gap: opened } = await CoverageRepository.recordFailure(trx, account, { reason: 'parse_failure', error: 'no feed items in the page', at: new Date() });
      return opened;
    });
    await seedFinding(harness.db, { account });

    await delivery.runOnce();

    const outbox = await harness.db.selectFrom('finding_events').select(['id', 'type']).orderBy('seq').execute();
    expect(outbox.map((event) => event.type)).toEqual(['finding.created', 'coverage.gap', 'finding.created']);
    expect(webhook.rejections).toEqual([]);
    expect(webhook.received.map((hook) => hook.id)).toEqual(outbox.map((event) => event.id));
    const delivered = JSON.parse(webhook.received[1]?.body ?? '{}') as { type: string; coverage: Record<string, unknown> };
    expect(delivered.type).toBe('coverage.gap');
    expect(delivered.coverage).toMatchObject({ gap_id: gap.id, reason: 'parse_failure', last_error: 'no feed items in the page', ended_at: null });
    expect(delivered.coverage.account).toMatchObject({ id: account.id, handle: account.handle });
  });
});
