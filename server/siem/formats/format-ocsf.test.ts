import { describe, expect, it } from 'vitest';
import { CATEGORIES, SEVERITIES } from '../../../core/policy-schema.js';
import type { FindingEventPayload, FindingOutboxEvent } from '../../../store/finding-event-payload.js';
import type { FindingState, Resolution } from '../../../store/schema.js';
import { OCSF_SEVERITY, OCSF_VERSION, formatOcsf } from './format-ocsf.js';
import type { JsonObject } from './json-value.js';
import { sampleOutboxEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '1.2.3' };

function ocsf(type: FindingOutboxEvent['type'], patch: Partial<FindingEventPayload> = {}): JsonObject {
  const event = sampleOutboxEvent(type);
  return formatOcsf({ ...event, payload: { ...event.payload, ...patch } }, PRODUCT);
}

const pick = (event: JsonObject, ...keys: string[]) => Object.fromEntries(keys.map((key) => [key, event[key]]));

describe('formatOcsf', () => {
  it('declares class 2006 Data Security Finding in category 2 Findings, OCSF 1.3.0', () => {
    const event = ocsf('finding.created');
    expect(pick(event, 'class_uid', 'class_name', 'category_uid', 'category_name')).toEqual({
      class_uid: 2006,
      class_name: 'Data Security Finding',
      category_uid: 2,
      category_name: 'Findings',
    });
    expect(event.metadata).toMatchObject({ version: OCSF_VERSION, product: { name: 'overshare', vendor_name: 'overshare', version: '1.2.3' } });
    expect(OCSF_VERSION).toBe('1.3.0');
  });

  it.each([
    ['finding.created', 'new', 1, 'Create'],
    ['finding.updated', 'in_review', 2, 'Update'],
    ['finding.updated', 'reopened', 2, 'Update'],
    ['finding.updated', 'resolved', 3, 'Close'],
    ['finding.purged', 'resolved', 3, 'Close'],
    ['finding.purged', 'new', 3, 'Close'],
  ] as const)('reports a %s event with state %s as activity %i %s, type_uid 2006 × 100 + activity', (type, state, id, name) => {
    const resolution = state === 'resolved' ? 'confirmed_leak' : null;
    const event = ocsf(type, { state, resolution });
    expect(pick(event, 'activity_id', 'activity_name', 'type_uid', 'type_name')).toEqual({
      activity_id: id,
      activity_name: name,
      type_uid: 200600 + id,
      type_name: `Data Security Finding: ${name}`,
    });
  });

  it('maps every severity to its OCSF severity_id and caption', () => {
    expect(SEVERITIES.map((severity) => OCSF_SEVERITY[severity].id)).toEqual([1, 2, 3, 4, 5]);
    for (const severity of SEVERITIES) {
      expect(pick(ocsf('finding.created', { severity }), 'severity_id', 'severity')).toEqual({
        severity_id: OCSF_SEVERITY[severity].id,
        severity: OCSF_SEVERITY[severity].name,
      });
    }
    expect(OCSF_SEVERITY.info.name).toBe('Informational');
  });

  it.each([
    ['new', null, 1, 'New'],
    ['in_review', null, 2, 'In Progress'],
    ['reopened', null, 1, 'New'],
    ['resolved', 'confirmed_leak', 4, 'Resolved'],
    ['resolved', 'false_positive', 3, 'Suppressed'],
    ['resolved', 'authorized', 3, 'Suppressed'],
    ['resolved', 'accepted_risk', 3, 'Suppressed'],
    ['resolved', 'duplicate', 3, 'Suppressed'],
    ['resolved', 'out_of_scope', 3, 'Suppressed'],
  ] as [FindingState, Resolution | null, number, string][])('maps state %s with resolution %s to status %i %s', (state, resolution, id, name) => {
    const event = ocsf('finding.updated', { state, resolution });
    expect(pick(event, 'status_id', 'status')).toEqual({ status_id: id, status: name });
    expect(event.status_detail).toBe(resolution ?? undefined);
  });

  it.each([
    ['retention', 'Deleted when its retention period ended'],
    ['erasure', 'Deleted on an erasure request'],
  ] as const)('closes a finding purged for %s with status Other "Purged" and says why', (purgeReason, detail) => {
    const event = ocsf('finding.purged', { purgeReason });
    expect(pick(event, 'status_id', 'status', 'status_detail')).toEqual({ status_id: 99, status: 'Purged', status_detail: detail });
    expect(event.unmapped).toMatchObject({ purge_reason: purgeReason });
  });

  it('puts times in milliseconds since the epoch', () => {
    const event = ocsf('finding.created');
    expect(event.time).toBe(Date.parse('2025-03-14T09:26:53.589Z'));
    expect(event.start_time).toBe(Date.parse('2025-03-13T18:04:11.000Z'));
    expect(event.finding_info).toMatchObject({ created_time: 1741944413589, modified_time: 1741944413589 });
  });

  it('gives every finding category a data classification, takeover included', () => {
    for (const category of CATEGORIES) expect(ocsf('finding.created', { category }).data_security).toHaveProperty('category_id', expect.any(Number));
    expect(CATEGORIES).toContain('takeover');
    expect(ocsf('finding.created', { category: 'takeover' }).data_security).toMatchObject({ category_id: 6, category: 'Security' });
  });

  it('carries the masked evidence as the data security pattern match', () => {
    expect(ocsf('finding.created').data_security).toMatchObject({ pattern_match: 'AK********LE', category_id: 6, category: 'Security' });
  });

  it('leaves out what the finding does not have instead of sending nulls', () => {
    const event = ocsf('finding.created', { postUrl: null, explain: null, postPublishedAt: null, ruleIds: [] });
    expect(JSON.stringify(event)).not.toContain('null');
    expect(event).not.toHaveProperty('start_time');
    expect(event.finding_info).not.toHaveProperty('src_url');
    expect(event.finding_info).not.toHaveProperty('analytic');
    expect(event.observables).toHaveLength(1);
  });

  it('names the account by handle and ids only, with no owner name', () => {
    const event = ocsf('finding.created', { account: { ...sampleOutboxEvent('finding.created').payload.account, ownerEmployeeId: null, ownerDepartment: null } });
    expect(event.actor).toEqual({
      user: {
        uid: '0b4f7d1e-3c2a-4e8b-9f60-5a1d2c3b4e5f',
        name: 'анна_σοφία',
        account: { uid: '0b4f7d1e-3c2a-4e8b-9f60-5a1d2c3b4e5f', name: 'анна_σοφία', type_id: 99, type: 'mastodon' },
      },
    });
  });
});
