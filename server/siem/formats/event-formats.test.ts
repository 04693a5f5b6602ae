import { describe, expect, it } from 'vitest';
import { EVENT_FORMATS, formatEvent, isEventFormat } from './event-formats.js';
import { formatEcs } from './format-ecs.js';
import { formatNative } from './format-native.js';
import { formatEcsCoverage } from './format-ecs-coverage.js';
import { formatOcsfCoverage } from './format-ocsf-coverage.js';
import { formatOcsf } from './format-ocsf.js';
import { sampleCoverageEvent, sampleOutboxEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '9.9.9' };

describe('formatEvent', () => {
  it('dispatches each format to its formatter', () => {
    const event = sampleOutboxEvent('finding.updated');
    expect(formatEvent(event, 'native', PRODUCT)).toEqual(formatNative(event));
    expect(formatEvent(event, 'ocsf', PRODUCT)).toEqual(formatOcsf(event, PRODUCT));
    expect(formatEvent(event, 'ecs', PRODUCT)).toEqual(formatEcs(event, PRODUCT));
  });

  it('dispatches a coverage event to the coverage formatter of each format', () => {
    const event = sampleCoverageEvent('coverage.gap');
    expect(formatEvent(event, 'native', PRODUCT)).toEqual(formatNative(event));
    expect(formatEvent(event, 'ocsf', PRODUCT)).toEqual(formatOcsfCoverage(event, PRODUCT));
    expect(formatEvent(event, 'ecs', PRODUCT)).toEqual(formatEcsCoverage(event, PRODUCT));
  });

  it('gives output that survives a JSON round trip unchanged', () => {
    for (const format of EVENT_FORMATS) {
      for (const event of [sampleOutboxEvent('finding.purged'), sampleCoverageEvent('coverage.restored')]) {
        const formatted = formatEvent(event, format, PRODUCT);
        expect(JSON.parse(JSON.stringify(formatted))).toEqual(formatted);
      }
    }
  });

  it('names the product version it was given', () => {
    expect(JSON.stringify(formatEvent(sampleOutboxEvent('finding.created'), 'ocsf', PRODUCT))).toContain('"version":"9.9.9"');
  });
});

describe('isEventFormat', () => {
  it('accepts the three formats and nothing else', () => {
    expect(EVENT_FORMATS.filter(isEventFormat)).toEqual(['native', 'ocsf', 'ecs']);
    for (const value of ['cef', 'OCSF', '', undefined, 3]) expect(isEventFormat(value)).toBe(false);
  });
});
