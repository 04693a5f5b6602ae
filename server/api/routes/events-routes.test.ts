import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiClient, type ApiHarness } from '../../../test/support/api-harness.js';
import { seedAccount, seedFinding } from '../../../test/support/seed-findings.js';
import { CoverageRepository } from '../../../store/repositories/coverage-repository.js';
import { authRoutes } from './auth-routes.js';
import { eventsRoutes } from './events-routes.js';

describe('GET /api/v1/events with coverage events', () => {
  let harness: ApiHarness;
  let auditor: ApiClient;
  let gapId = '';

  beforeAll(async () => {
    // The harness checks every reply against the route's documented schema.
    harness = await startApiHarness({ routes: [...authRoutes({ sessionMaxAgeMs: 3_600_000 }), ...eventsRoutes] });
    auditor = await harness.as('auditor');
    const account = await seedAccount(harness.db);
    await seedFinding(harness.db, { account });
    gapId = await harness.db.transaction().execute(async (trx) => {
      const { gap } = await CoverageRepository.recordFailure(trx, account, { reason: 'login_wall', error: 'login wall', at: new Date('2030-01-01T00:00:00Z') });
      return gap.id;
    });
    await seedFinding(harness.db, { account });
    await harness.db.transaction().execute((trx) =>
      CoverageRepository.recordRestored(trx, account, { at: new Date('2030-01-02T00:00:00Z'), publishedAt: [new Date('2030-01-01T12:00:00Z')], uncoveredUntil: null, coveredSince: new Date('2030-01-01T00:00:00Z') }),
    );
  });

  afterAll(async () => {
    await harness.close();
  });

  it('returns coverage events in outbox order among finding events, natively', async () => {
    const reply = await auditor.get('/api/v1/events?format=native');
    expect(reply.status).toBe(200);
    const { events } = reply.body as { events: Array<{ type: string; coverage?: Record<string, unknown> }> };
    expect(events.map((event) => event.type)).toEqual(['finding.created', 'coverage.gap', 'finding.created', 'coverage.restored']);
    expect(events[1]?.coverage).toMatchObject({ gap_id: gapId, reason: 'login_wall', ended_at: null });
    expect(events[3]?.coverage).toMatchObject({ gap_id: gapId, ended_at: '2030-01-02T00:00:00.000Z', caught_up_posts: 1 });
  });

  it('gives coverage events their own OCSF class and ECS dataset', async () => {
    const ocsf = ((await auditor.get('/api/v1/events?format=ocsf')).body as { events: Array<{ class_uid: number; activity_id: number; metadata: { correlation_uid: string } }> }).events;
    expect(ocsf.map((event) => [event.class_uid, event.activity_id])).toEqual([
      [2006, 1],
      [2004, 1],
      [2006, 1],
      [2004, 3],
    ]);
    expect(ocsf[3]?.metadata.correlation_uid).toBe(gapId);
    const ecs = ((await auditor.get('/api/v1/events?format=ecs')).body as { events: Array<{ event: { kind: string; dataset: string } }> }).events;
    expect(ecs.map((event) => [event.event.dataset, event.event.kind])).toEqual([
      ['overshare.finding', 'alert'],
      ['overshare.coverage', 'alert'],
      ['overshare.finding', 'alert'],
      ['overshare.coverage', 'event'],
    ]);
  });

  it('pages through coverage and finding events alike with the cursor', async () => {
    const first = (await auditor.get('/api/v1/events?limit=2')).body as { events: Array<{ type: string }>; next_cursor: string; has_more: boolean };
    expect([first.events.map((event) => event.type), first.has_more]).toEqual([['finding.created', 'coverage.gap'], true]);
    const second = (await auditor.get(`/api/v1/events?limit=2&after=${first.next_cursor}`)).body as { events: Array<{ type: string }>; has_more: boolean };
    expect([second.events.map((event) => event.type), second.has_more]).toEqual([['finding.created', 'coverage.restored'], false]);
  });
});
