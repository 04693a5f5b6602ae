import { describe, expect, it } from 'vitest';
import type { CoverageEventPayload } from '../../../store/coverage-event-payload.js';
import type { CoverageEventType } from '../../../store/schema.js';
import { formatEcsCoverage } from './format-ecs-coverage.js';
import { ECS_VERSION } from './format-ecs.js';
import type { JsonObject } from './json-value.js';
import { sampleCoverageEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '1.2.3' };

function ecs(type: CoverageEventType, patch: Partial<CoverageEventPayload> = {}): JsonObject {
  const event = sampleCoverageEvent(type);
  return formatEcsCoverage({ ...event, payload: { ...event.payload, ...patch } }, PRODUCT);
}

// The ECS 8.11 fields coverage events may use outside their own `overshare` namespace.
const ECS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '@timestamp': [],
  ecs: ['version'],
  event: ['kind', 'category', 'type', 'action', 'outcome', 'id', 'dataset', 'module', 'severity', 'start', 'end', 'reason'],
  message: [],
  error: ['code', 'message'],
  user: ['id', 'name'],
  observer: ['vendor', 'product', 'version'],
  labels: ['platform', 'account_kind'],
  overshare: ['coverage'],
};

describe('formatEcsCoverage', () => {
  it.each(['coverage.gap', 'coverage.restored'] as const)('uses only ECS fields outside the overshare namespace (%s)', (type) => {
    const event = ecs(type);
    for (const [key, value] of Object.entries(event)) {
      expect(Object.keys(ECS_FIELDS)).toContain(key);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const member of Object.keys(value)) expect(ECS_FIELDS[key]).toContain(member);
      }
    }
    expect(event.ecs).toEqual({ version: ECS_VERSION });
  });

  it('makes an open gap an alert: a failed web read, with the reason and the latest error', () => {
    const event = ecs('coverage.gap');
    expect(event.event).toMatchObject({
      kind: 'alert',
      category: ['web'],
      type: ['error'],
      action: 'coverage-gap',
      outcome: 'failure',
      dataset: 'overshare.coverage',
      reason: 'login_wall',
      start: '2025-03-14T22:00:00.000Z',
      severity: 4,
    });
    expect(event.event).not.toHaveProperty('end');
    expect(event.error).toEqual({ code: 'login_wall', message: sampleCoverageEvent('coverage.gap').payload.lastError });
  });

  it('makes a restored gap a plain event: a successful web read that ends the span, with no error', () => {
    const event = ecs('coverage.restored');
    expect(event.event).toMatchObject({
      kind: 'event',
      category: ['web'],
      type: ['access'],
      action: 'coverage-restored',
      outcome: 'success',
      start: '2025-03-14T22:00:00.000Z',
      end: '2025-03-16T10:30:00.000Z',
      severity: 2,
    });
    expect(event).not.toHaveProperty('error');
    expect(ecs('coverage.restored', { uncoveredUntil: null }).event).toMatchObject({ severity: 1 });
  });

  it('names the user by the account handle and id, and keeps the whole gap under overshare.coverage', () => {
    const event = ecs('coverage.restored');
    expect(event.user).toEqual({ id: '0b4f7d1e-3c2a-4e8b-9f60-5a1d2c3b4e5f', name: 'анна_σοφία' });
    expect(event.overshare).toMatchObject({
      coverage: { gap_id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', failures: 9, caught_up_posts: 14, uncovered_until: '2025-03-15T02:30:00.000Z' },
    });
    expect(Object.keys(event.overshare as object)).toEqual(['coverage']);
    expect(JSON.stringify(ecs('coverage.gap'))).not.toContain('null');
  });
});
