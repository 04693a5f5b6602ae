import { describe, expect, it } from 'vitest';
import { findingTitle } from './finding-title.js';
import { sampleOutboxEvent } from './sample-outbox-event.js';

describe('findingTitle', () => {
  const payload = sampleOutboxEvent('finding.created').payload;

  it('keeps the rule engine’s title', () => {
    expect(findingTitle(payload)).toBe(payload.title);
  });

  it('names the category when the title is missing or blank', () => {
    expect(findingTitle({ ...payload, title: null, category: 'internal_host' })).toBe('Possible internal host leak');
    expect(findingTitle({ ...payload, title: '  ', category: 'secret' })).toBe('Possible secret leak');
  });

  it('calls an untitled takeover finding a possible account takeover, not a leak', () => {
    expect(findingTitle({ ...payload, title: null, category: 'takeover' })).toBe('Possible account takeover');
  });
});
