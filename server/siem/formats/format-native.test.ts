import { describe, expect, it } from 'vitest';
import { formatNative } from './format-native.js';
import { sampleOutboxEvent } from './sample-outbox-event.js';

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
});
