import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../../core/policy-schema.js';
import type { FindingEventPayload, FindingOutboxEvent } from '../../../store/finding-event-payload.js';
import { ECS_SEVERITY, ECS_VERSION, formatEcs } from './format-ecs.js';
import type { JsonObject } from './json-value.js';
import { sampleOutboxEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '1.2.3' };

function ecs(type: FindingOutboxEvent['type'], patch: Partial<FindingEventPayload> = {}): JsonObject {
  const event = sampleOutboxEvent(type);
  return formatEcs({ ...event, payload: { ...event.payload, ...patch } }, PRODUCT);
}

// The ECS 8.x fields this format may use outside its own `overshare` namespace.
const ECS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '@timestamp': [],
  ecs: ['version'],
  event: ['kind', 'category', 'type', 'action', 'id', 'dataset', 'module', 'severity', 'risk_score', 'risk_score_norm', 'start', 'reason'],
  message: [],
  rule: ['id', 'name', 'category'],
  url: ['full'],
  user: ['id', 'name'],
  observer: ['vendor', 'product', 'version'],
  labels: ['platform', 'account_kind'],
  overshare: ['finding'],
};

describe('formatEcs', () => {
  it.each(['finding.created', 'finding.updated', 'finding.purged'] as const)('uses only ECS fields outside the overshare namespace (%s)', (type) => {
    const event = ecs(type, { state: 'resolved', resolution: 'duplicate', purgeReason: type === 'finding.purged' ? 'erasure' : undefined });
    for (const [key, value] of Object.entries(event)) {
      expect(Object.keys(ECS_FIELDS)).toContain(key);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const member of Object.keys(value)) expect(ECS_FIELDS[key]).toContain(member);
      }
    }
    expect(event.ecs).toEqual({ version: ECS_VERSION });
  });

  it('is an alert in the threat category, typed as an indicator', () => {
    expect(ecs('finding.created').event).toMatchObject({ kind: 'alert', category: ['threat'], type: ['indicator'], dataset: 'overshare.finding', module: 'overshare' });
  });

  it.each([
    ['finding.created', 'finding-created'],
    ['finding.updated', 'finding-updated'],
    ['finding.purged', 'finding-purged'],
  ] as const)('names a %s event by the action %s', (type, action) => {
    expect(ecs(type).event).toMatchObject({ action, id: sampleOutboxEvent(type).id });
  });

  it('maps every severity to event.severity 1 to 5 and carries the score as risk score', () => {
    expect(SEVERITIES.map((severity) => ECS_SEVERITY[severity])).toEqual([1, 2, 3, 4, 5]);
    for (const severity of SEVERITIES) {
      expect(ecs('finding.created', { severity, score: 42 }).event).toMatchObject({ severity: ECS_SEVERITY[severity], risk_score: 42, risk_score_norm: 42 });
    }
  });

  it('says why a purged finding was deleted in event.reason', () => {
    expect(ecs('finding.purged', { purgeReason: 'erasure' }).event).toMatchObject({ reason: 'erasure' });
    expect(ecs('finding.created').event).not.toHaveProperty('reason');
  });

  it('names the user by the account handle and id, never by its owner', () => {
    expect(ecs('finding.created').user).toEqual({ id: '0b4f7d1e-3c2a-4e8b-9f60-5a1d2c3b4e5f', name: 'анна_σοφία' });
  });

  it('leaves out the url, rule and nulls the finding does not have', () => {
    const event = ecs('finding.created', { postUrl: null, ruleIds: [], explain: null, postPublishedAt: null });
    expect(event).not.toHaveProperty('url');
    expect(event).not.toHaveProperty('rule');
    expect(JSON.stringify(event)).not.toContain('null');
  });

  it('keeps the whole finding, masked evidence included, under overshare.finding', () => {
    expect(ecs('finding.created').overshare).toMatchObject({
      finding: { id: '5f0c9a3e-8d21-4b7a-a6e4-1c2d3e4f5a6b', state: 'new', evidence: { source: 'ocr', text: 'AK********LE' }, rule_ids: ['secret-aws-access-key-id', 'marking-confidential'] },
    });
  });
});
