import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../../core/policy-schema.js';
import type { FindingEventPayload, FindingOutboxEvent } from '../../../store/finding-event-payload.js';
import { CEF_SEVERITY, escapeCefHeader, escapeCefValue, formatCef } from './format-cef.js';
import { sampleCoverageEvent, sampleOutboxEvent } from './sample-outbox-event.js';

const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '1.2.3' };

function withPayload(patch: Partial<FindingEventPayload>, type: FindingOutboxEvent['type'] = 'finding.created'): FindingOutboxEvent {
  const event = sampleOutboxEvent(type);
  return { ...event, payload: { ...event.payload, ...patch } };
}

/** Splits a CEF line into its 7 header fields and the extension, honouring `\|` escapes. */
function splitCef(line: string): { header: string[]; extension: string } {
  const fields: string[] = [];
  let current = '';
  let index = 0;
  while (index < line.length && fields.length < 7) {
    const character = line.charAt(index);
    if (character === '\\') {
      current += line.slice(index, index + 2);
      index += 2;
    } else if (character === '|') {
      fields.push(current);
      current = '';
      index += 1;
    } else {
      current += character;
      index += 1;
    }
  }
  return { header: fields, extension: line.slice(index) };
}

/** Reads the extension back into key/value pairs the way a CEF parser does: a key is a word before an unescaped `=`. */
function parseExtension(extension: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const keyAt = /(?:^| )([A-Za-z0-9]+)=/gu;
  const starts = [...extension.matchAll(keyAt)].filter((match) => extension.charAt(match.index - 1) !== '\\');
  starts.forEach((match, position) => {
    const valueStart = match.index + match[0].length;
    const next = starts[position + 1];
    const raw = extension.slice(valueStart, next === undefined ? extension.length : next.index);
    pairs.set(match[1]!, raw.replace(/\\(.)/gu, (_, escaped: string) => ({ n: '\n', r: '\r' })[escaped] ?? escaped));
  });
  return pairs;
}

describe('escapeCefHeader', () => {
  it('escapes a pipe and leaves its clean neighbours alone', () => {
    expect(escapeCefHeader('a|b')).toBe('a\\|b');
  });

  it('escapes a backslash', () => {
    expect(escapeCefHeader('C:\\keys')).toBe('C:\\\\keys');
  });

  it('leaves an equals sign alone, since only extension values escape it', () => {
    expect(escapeCefHeader('a=b')).toBe('a=b');
  });

  it('turns LF, CR and CR LF into one space each, since the header must stay on one line', () => {
    expect(escapeCefHeader('a\nb\rc\r\nd')).toBe('a b c d');
  });

  it('leaves Cyrillic and Greek text as it is', () => {
    expect(escapeCefHeader('ДСП ΕΜΠΙΣΤΕΥΤΙΚΟ')).toBe('ДСП ΕΜΠΙΣΤΕΥΤΙΚΟ');
  });

  it('escapes a backslash before a pipe separately, so `\\|` cannot turn into an unescaped pipe', () => {
    expect(escapeCefHeader('x\\|y')).toBe('x\\\\\\|y');
  });
});

describe('escapeCefValue', () => {
  it('escapes an equals sign and leaves its clean neighbours alone', () => {
    expect(escapeCefValue('key=value')).toBe('key\\=value');
  });

  it('escapes a backslash', () => {
    expect(escapeCefValue('C:\\keys')).toBe('C:\\\\keys');
  });

  it('writes LF as \\n and CR as \\r', () => {
    expect(escapeCefValue('one\ntwo\rthree\r\nfour')).toBe('one\\ntwo\\rthree\\r\\nfour');
  });

  it('leaves a pipe alone, since only header fields escape it', () => {
    expect(escapeCefValue('a|b')).toBe('a|b');
  });

  it('leaves plain text, spaces and Greek letters as they are', () => {
    expect(escapeCefValue('plain text σοφία')).toBe('plain text σοφία');
  });
});

describe('formatCef', () => {
  it('maps every finding severity to a CEF severity from 0 to 10, rising with the severity', () => {
    const mapped = SEVERITIES.map((severity) => CEF_SEVERITY[severity]);
    expect(mapped).toEqual([1, 3, 5, 8, 10]);
    for (const severity of SEVERITIES) {
      const { header } = splitCef(formatCef(withPayload({ severity }), PRODUCT));
      expect(header[6]).toBe(String(CEF_SEVERITY[severity]));
    }
  });

  it('names vendor, product, version, the event type as class id and the title in the header', () => {
    const { header } = splitCef(formatCef(withPayload({ title: 'Badge | photo' }), PRODUCT));
    expect(header).toEqual(['CEF:0', 'overshare', 'overshare', '1.2.3', 'finding.created', 'Badge \\| photo', '8']);
  });

  it('names a finding with no title by its category', () => {
    const { header } = splitCef(formatCef(withPayload({ title: null, category: 'internal_host' }), PRODUCT));
    expect(header[5]).toBe('Possible internal host leak');
  });

  it('stays on one line whatever line breaks the title and explanation hold', () => {
    const line = formatCef(withPayload({ title: 'one\ntwo', explain: 'three\r\nfour' }), PRODUCT);
    expect(line).not.toMatch(/[\r\n]/u);
  });

  it('round-trips awkward extension values through a CEF parser', () => {
    const explain = 'a=b \\ c\nd | e ΕΜΠΙΣΤΕΥΤΙΚΟ cs1=fake';
    const pairs = parseExtension(splitCef(formatCef(withPayload({ explain }), PRODUCT)).extension);
    expect(pairs.get('msg')).toBe(explain);
    expect(pairs.get('cs1')).toBe('secret-aws-access-key-id,marking-confidential');
  });

  it('uses the standard keys for time, finding id, category, action, account and post', () => {
    const event = sampleOutboxEvent('finding.created');
    const pairs = parseExtension(splitCef(formatCef(event, PRODUCT)).extension);
    expect(pairs.get('rt')).toBe(String(event.occurredAt.getTime()));
    expect(pairs.get('externalId')).toBe(event.payload.id);
    expect(pairs.get('cat')).toBe('secret');
    expect(pairs.get('act')).toBe('finding-created');
    expect(pairs.get('suser')).toBe('анна_σοφία');
    expect(pairs.get('request')).toBe(event.payload.postUrl);
    expect(pairs.get('cs2Label')).toBe('evidence');
    expect(pairs.get('cs2')).toBe(event.payload.evidence.text);
  });

  it('leaves out keys whose value is absent instead of sending them empty', () => {
    const line = formatCef(withPayload({ postUrl: null, explain: null, postPublishedAt: null, resolution: null }), PRODUCT);
    const { extension } = splitCef(line);
    const pairs = parseExtension(extension);
    for (const key of ['request', 'msg', 'start', 'cs4', 'cs4Label', 'reason']) expect(pairs.has(key)).toBe(false);
    expect(extension).not.toMatch(/=( |$)/u);
  });

  it('says why a purged finding was deleted', () => {
    const pairs = parseExtension(splitCef(formatCef(withPayload({ purgeReason: 'erasure' }, 'finding.purged'), PRODUCT)).extension);
    expect(pairs.get('act')).toBe('finding-purged');
    expect(pairs.get('reason')).toBe('erasure');
  });

  it('labels the resolution once the finding has one', () => {
    const pairs = parseExtension(splitCef(formatCef(withPayload({ state: 'resolved', resolution: 'false_positive' }, 'finding.updated'), PRODUCT)).extension);
    expect(pairs.get('cs4Label')).toBe('resolution');
    expect(pairs.get('cs4')).toBe('false_positive');
  });

  it('reports a coverage gap by its type, a title naming the account and reason, and the gap’s severity', () => {
    const { header } = splitCef(formatCef(sampleCoverageEvent('coverage.gap'), PRODUCT));
    expect(header.slice(4)).toEqual(['coverage.gap', 'Coverage gap: mastodon account анна_σοφία cannot be read (login wall)', String(CEF_SEVERITY.high)]);
    const restored = splitCef(formatCef(sampleCoverageEvent('coverage.restored'), PRODUCT)).header;
    expect([restored[4], restored[6]]).toEqual(['coverage.restored', String(CEF_SEVERITY.low)]);
  });

  it('gives a coverage gap its id, reason, span, failures and escaped latest error', () => {
    const event = sampleCoverageEvent('coverage.restored');
    const pairs = parseExtension(splitCef(formatCef(event, PRODUCT)).extension);
    expect(Object.fromEntries(['externalId', 'cat', 'act', 'outcome', 'reason', 'suser', 'start', 'end', 'cnt', 'msg', 'cn3Label', 'cn3', 'cs6'].map((key) => [key, pairs.get(key)]))).toEqual({
      externalId: event.payload.gapId,
      cat: 'coverage',
      act: 'coverage-restored',
      outcome: 'success',
      reason: 'login_wall',
      suser: 'анна_σοφία',
      start: String(Date.parse('2025-03-14T22:00:00.000Z')),
      end: String(Date.parse('2025-03-16T10:30:00.000Z')),
      cnt: '9',
      msg: event.payload.lastError,
      cn3Label: 'caughtUpPosts',
      cn3: '14',
      cs6: event.id,
    });
    expect(pairs.get('deviceCustomDate2')).toBe(String(Date.parse('2025-03-15T02:30:00.000Z')));
  });

  it('leaves out the end, catch-up and uncovered time of a gap still open', () => {
    const line = formatCef(sampleCoverageEvent('coverage.gap'), PRODUCT);
    const pairs = parseExtension(splitCef(line).extension);
    expect(pairs.get('outcome')).toBe('failure');
    for (const key of ['end', 'cn3', 'cn3Label', 'deviceCustomDate2', 'deviceCustomDate2Label']) expect(pairs.has(key)).toBe(false);
    expect(line).not.toMatch(/[\r\n]/u);
  });
});
