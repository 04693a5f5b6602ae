import { describe, expect, it } from 'vitest';
import type { CoverageEventPayload } from '../../../store/coverage-event-payload.js';
import type { CoverageEventType } from '../../../store/schema.js';
import { formatOcsfCoverage } from './format-ocsf-coverage.js';
import { OCSF_VERSION } from './format-ocsf.js';
import type { JsonObject } from './json-value.js';
import { sampleCoverageEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '1.2.3' };

function ocsf(type: CoverageEventType, patch: Partial<CoverageEventPayload> = {}): JsonObject {
  const event = sampleCoverageEvent(type);
  return formatOcsfCoverage({ ...event, payload: { ...event.payload, ...patch } }, PRODUCT);
}

const pick = (event: JsonObject, ...keys: string[]) => Object.fromEntries(keys.map((key) => [key, event[key]]));

describe('formatOcsfCoverage', () => {
  it('declares class 2004 Detection Finding in category 2 Findings, OCSF 1.3.0, with the product as finding events name it', () => {
    const event = ocsf('coverage.gap');
    expect(pick(event, 'class_uid', 'class_name', 'category_uid', 'category_name')).toEqual({
      class_uid: 2004,
      class_name: 'Detection Finding',
      category_uid: 2,
      category_name: 'Findings',
    });
    expect(event.metadata).toMatchObject({ version: OCSF_VERSION, product: { name: 'overshare', vendor_name: 'overshare', version: '1.2.3' }, log_name: 'coverage' });
  });

  it.each([
    ['coverage.gap', 1, 'Create', 1, 'New'],
    ['coverage.restored', 3, 'Close', 4, 'Resolved'],
  ] as const)('reports %s as activity %i %s with status %i %s', (type, activityId, activity, statusId, status) => {
    expect(pick(ocsf(type), 'activity_id', 'activity_name', 'type_uid', 'type_name', 'status_id', 'status')).toEqual({
      activity_id: activityId,
      activity_name: activity,
      type_uid: 200400 + activityId,
      type_name: `Detection Finding: ${activity}`,
      status_id: statusId,
      status,
    });
  });

  it('folds both events of a gap together by the gap id, and tells them apart by event id and code', () => {
    const [opened, restored] = [ocsf('coverage.gap'), ocsf('coverage.restored')];
    const gapId = sampleCoverageEvent('coverage.gap').payload.gapId;
    expect([opened.metadata, restored.metadata]).toEqual([
      expect.objectContaining({ correlation_uid: gapId, event_code: 'coverage.gap', uid: sampleCoverageEvent('coverage.gap').id }),
      expect.objectContaining({ correlation_uid: gapId, event_code: 'coverage.restored', uid: sampleCoverageEvent('coverage.restored').id }),
    ]);
    expect([opened.finding_info, restored.finding_info]).toEqual([expect.objectContaining({ uid: gapId }), expect.objectContaining({ uid: gapId })]);
  });

  it('gives the uncovered span as start_time and, once restored, end_time, in milliseconds since the epoch', () => {
    const opened = ocsf('coverage.gap');
    expect(opened.start_time).toBe(Date.parse('2025-03-14T22:00:00.000Z'));
    expect(opened).not.toHaveProperty('end_time');
    const restored = ocsf('coverage.restored');
    expect(pick(restored, 'start_time', 'end_time')).toEqual({ start_time: Date.parse('2025-03-14T22:00:00.000Z'), end_time: Date.parse('2025-03-16T10:30:00.000Z') });
    expect(restored.finding_info).toMatchObject({ created_time: Date.parse('2025-03-15T06:00:04.250Z'), modified_time: Date.parse('2025-03-16T10:30:00.000Z') });
  });

  it('says why in status_detail and the latest error in finding_info.desc', () => {
    const event = ocsf('coverage.gap', { reason: 'parse_failure', lastError: 'no feed items found' });
    expect(event.status_detail).toBe('parse_failure');
    expect(event.finding_info).toMatchObject({ desc: 'no feed items found', types: ['coverage_gap'] });
  });

  it.each([
    ['coverage.gap', 'login_wall', 4, 'High'],
    ['coverage.gap', 'timeout', 3, 'Medium'],
    ['coverage.restored', 'login_wall', 2, 'Low'],
  ] as const)('rates %s (%s) as severity %i %s', (type, reason, id, name) => {
    expect(pick(ocsf(type, { reason }), 'severity_id', 'severity')).toEqual({ severity_id: id, severity: name });
  });

  it('rates a restored gap whose catch-up read everything as Informational', () => {
    expect(pick(ocsf('coverage.restored', { uncoveredUntil: null }), 'severity_id', 'severity')).toEqual({ severity_id: 1, severity: 'Informational' });
  });

  it('names the account as the affected resource, by handle and ids only, and sends no nulls', () => {
    const event = ocsf('coverage.gap');
    expect(event.resources).toEqual([expect.objectContaining({ uid: '0b4f7d1e-3c2a-4e8b-9f60-5a1d2c3b4e5f', name: 'анна_σοφία', type: 'Social Media Account' })]);
    expect(event.observables).toEqual([{ name: 'resources.name', type_id: 4, type: 'User Name', value: 'анна_σοφία' }]);
    expect(JSON.stringify(event)).not.toContain('null');
    expect(event.unmapped).toEqual({ reason: 'login_wall', failures: 1, account_kind: 'employee' });
  });

  it('carries the catch-up of a restored gap under unmapped', () => {
    expect(ocsf('coverage.restored').unmapped).toMatchObject({ failures: 9, caught_up_posts: 14, uncovered_until: '2025-03-15T02:30:00.000Z' });
  });
});
