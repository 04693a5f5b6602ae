import { describe, expect, it } from 'vitest';
import { COLLECTION_OUTCOMES } from '../../../core/coverage.js';
import { coverageSeverity, eventSeverity } from './event-severity.js';
import { sampleCoverageEvent, sampleOutboxEvent } from './sample-outbox-event.js';

describe('coverageSeverity', () => {
  it('rates a gap high when it does not close by itself while posts go unseen, medium otherwise', () => {
    const gap = sampleCoverageEvent('coverage.gap');
    const rated = COLLECTION_OUTCOMES.filter((outcome) => outcome !== 'ok').map((reason) => [reason, coverageSeverity({ ...gap, payload: { ...gap.payload, reason } })]);
    expect(Object.fromEntries(rated)).toEqual({
      login_wall: 'high',
      parse_failure: 'high',
      empty_feed: 'high',
      timeout: 'medium',
      server_error: 'medium',
      network: 'medium',
      rate_limited: 'medium',
      not_found: 'medium',
      other: 'medium',
    });
  });

  it('rates a restored gap info, or low when catch-up stopped at its depth and some posts were never read', () => {
    const restored = sampleCoverageEvent('coverage.restored');
    expect(coverageSeverity(restored)).toBe('low');
    expect(coverageSeverity({ ...restored, payload: { ...restored.payload, uncoveredUntil: null } })).toBe('info');
  });
});

describe('eventSeverity', () => {
  it('is the finding’s own severity for a finding event and the coverage rating for a coverage event', () => {
    const finding = sampleOutboxEvent('finding.created');
    expect(eventSeverity({ ...finding, payload: { ...finding.payload, severity: 'critical' } })).toBe('critical');
    expect(eventSeverity(sampleCoverageEvent('coverage.gap'))).toBe('high');
  });
});
