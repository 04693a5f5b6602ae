import { describe, expect, it } from 'vitest';
import { EVENT_FORMATS, formatEvent, isEventFormat } from './event-formats.js';
import { formatEcs } from './format-ecs.js';
import { formatNative } from './format-native.js';
import { formatOcsf } from './format-ocsf.js';
import { sampleOutboxEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '9.9.9' };

describe('formatEvent', () => {
  it('dispatches each format to its formatter', () => {
    const event = sampleOutboxEvent('finding.updated');
    expect(formatEvent(event, 'native', PRODUCT)).toEqual(formatNative(event));
    expect(formatEvent(event, 'ocsf', PRODUCT)).toEqual(formatOcsf(event, PRODUCT));
    expect(formatEvent(event, 'ecs', PRODUCT)).toEqual(formatEcs(event, PRODUCT));
  });

  it('gives output that survives a JSON round trip unchanged', () => {
    for (const format of EVENT_FORMATS) {
      const formatted = formatEvent(sampleOutboxEvent('finding.purged'), format, PRODUCT);
      expect(JSON.parse(JSON.stringify(formatted))).toEqual(formatted);
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
