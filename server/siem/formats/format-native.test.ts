import { describe, expect, it } from 'vitest';
import { formatNative } from './format-native.js';
import { sampleCoverageEvent, sampleOutboxEvent } from './sample-outbox-event.js';

describe('formatNative', () => {
  it('carries id, type, time and the finding, and leaves out the outbox sequence number', () => {
    const event = sampleOutboxEvent('finding.updated');
    const native = formatNative(event);
    expect(Object.keys(native)).toEqual(['id', 'type', 'occurred_at', 'finding']);
    expect(native).toMatchObject({ id: event.id, type: 'finding.updated', occurred_at: '2025-03-14T11:02:40.120Z' });
    expect(JSON.stringify(native)).not.toContain('"seq"');
  });

  it('sorts the finding keys at every depth and keeps array order', () => {
    const native = formatNative(sampleOutboxEvent('finding.created'));
    expect(Object.keys(native.finding)).toEqual([...Object.keys(native.finding)].sort());
    expect(Object.keys(native.finding.score_breakdown as object)).toEqual(['allowlist', 'base', 'context', 'ocrConfidence', 'proximity', 'validators']);
    expect(native.finding.rule_ids).toEqual(['secret-aws-access-key-id', 'marking-confidential']);
  });

  it('keeps nulls the payload holds and names fields in snake_case like the REST API', () => {
    expect(formatNative(sampleOutboxEvent('finding.created')).finding).toMatchObject({ resolution: null, assignee_id: null, resolution_expires_at: null });
  });

  it('carries a coverage event’s gap under `coverage`, in snake_case with sorted keys and its nulls', () => {
    const native = formatNative(sampleCoverageEvent('coverage.gap'));
    expect(Object.keys(native)).toEqual(['id', 'type', 'occurred_at', 'coverage']);
    expect(native).toMatchObject({ type: 'coverage.gap', occurred_at: '2025-03-15T06:00:04.250Z' });
    expect(Object.keys(native.coverage)).toEqual([
      'account',
      'caught_up_posts',
      'detected_at',
      'ended_at',
      'failures',
      'gap_id',
      'last_error',
      'reason',
      'started_at',
      'uncovered_until',
    ]);
    expect(native.coverage).toMatchObject({ gap_id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', reason: 'login_wall', ended_at: null, caught_up_posts: null });
    expect(native.coverage.account).toMatchObject({ handle: 'анна_σοφία', owner_employee_id: 'E-10423' });
  });
});
