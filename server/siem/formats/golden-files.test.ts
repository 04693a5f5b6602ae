import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maskText } from '../../../core/mask-text.js';
import type { CoverageEventType, FindingEventType, OutboxEventType } from '../../../store/schema.js';
import { formatEvent, type EventFormat } from './event-formats.js';
import { formatCef } from './format-cef.js';
import { formatEventSyslogFrame } from './format-syslog-message.js';
import { SAMPLE_RAW_EVIDENCE, sampleCoverageEvent, sampleOutboxEvent } from './sample-outbox-event.js';

// Golden files are written by hand (or a one-off script) and read field by field before they are
// committed; nothing here rewrites them. Each text golden ends with one line break that is not part
// of the output, so the files stay ordinary text files.

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '1.2.3' };
const ORIGIN = { facility: 16, hostname: 'overshare-1.example.com' };
const GOLDEN_TYPES = ['finding.created', 'finding.purged'] as const satisfies readonly FindingEventType[];
const COVERAGE_GOLDEN_TYPES = ['coverage.gap', 'coverage.restored'] as const satisfies readonly CoverageEventType[];
const JSON_FORMATS = ['native', 'ocsf', 'ecs'] as const satisfies readonly EventFormat[];

const goldenPath = (type: OutboxEventType, extension: string) => path.join(GOLDEN_DIR, `${type.replace('.', '-')}.${extension}`);

// Compares bytes, and on a mismatch shows the texts so the failure reads as a diff.
async function expectGolden(actual: Buffer, file: string): Promise<void> {
  const expected = await readFile(file);
  if (!actual.equals(expected)) expect(actual.toString('utf8')).toBe(expected.toString('utf8'));
  expect(actual.equals(expected)).toBe(true);
}

describe.each(GOLDEN_TYPES)('the %s golden files', (type) => {
  const event = sampleOutboxEvent(type);

  it.each(JSON_FORMATS)('match the %s format byte for byte', async (format) => {
    const text = `${JSON.stringify(formatEvent(event, format, PRODUCT), null, 2)}\n`;
    await expectGolden(Buffer.from(text, 'utf8'), goldenPath(type, `${format}.json`));
  });

  it('match the CEF line byte for byte', async () => {
    await expectGolden(Buffer.from(`${formatCef(event, PRODUCT)}\n`, 'utf8'), goldenPath(type, 'cef.txt'));
  });

  it('match the octet-counted syslog frame byte for byte', async () => {
    const frame = formatEventSyslogFrame(event, PRODUCT, ORIGIN);
    await expectGolden(Buffer.concat([frame, Buffer.from('\n')]), goldenPath(type, 'syslog.txt'));
  });

  it.each([...JSON_FORMATS.map((format) => `${format}.json`), 'cef.txt', 'syslog.txt'])(
    'carry the evidence masked and never in clear (%s)',
    async (extension) => {
      const golden = await readFile(goldenPath(type, extension), 'utf8');
      expect(golden).toContain(maskText(SAMPLE_RAW_EVIDENCE));
      expect(golden).not.toContain(SAMPLE_RAW_EVIDENCE);
      expect(golden).not.toContain(SAMPLE_RAW_EVIDENCE.slice(2, -2));
    },
  );
});

describe.each(COVERAGE_GOLDEN_TYPES)('the %s golden files', (type) => {
  const event = sampleCoverageEvent(type);

  it.each(JSON_FORMATS)('match the %s format byte for byte', async (format) => {
    const text = `${JSON.stringify(formatEvent(event, format, PRODUCT), null, 2)}\n`;
    await expectGolden(Buffer.from(text, 'utf8'), goldenPath(type, `${format}.json`));
  });

  it('match the CEF line byte for byte', async () => {
    await expectGolden(Buffer.from(`${formatCef(event, PRODUCT)}\n`, 'utf8'), goldenPath(type, 'cef.txt'));
  });

  it('match the octet-counted syslog frame byte for byte', async () => {
    const frame = formatEventSyslogFrame(event, PRODUCT, ORIGIN);
    await expectGolden(Buffer.concat([frame, Buffer.from('\n')]), goldenPath(type, 'syslog.txt'));
  });
});

// PostgreSQL's jsonb hands keys back in its own order (shorter keys first); reversing every
// object's keys stands in for that.
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, member]) => [key, reverseKeys(member)]));
}

describe('an event whose stored payload comes back with its keys in another order', () => {
  it.each(JSON_FORMATS)('formats to the same bytes in the %s format', (format) => {
    const stored = sampleOutboxEvent('finding.purged');
    const reread = { ...stored, payload: reverseKeys(stored.payload) as typeof stored.payload };
    expect(JSON.stringify(Object.keys(reread.payload))).not.toBe(JSON.stringify(Object.keys(stored.payload)));
    expect(JSON.stringify(formatEvent(reread, format, PRODUCT))).toBe(JSON.stringify(formatEvent(stored, format, PRODUCT)));
  });

  it('formats to the same CEF line', () => {
    const stored = sampleOutboxEvent('finding.purged');
    const reread = { ...stored, payload: reverseKeys(stored.payload) as typeof stored.payload };
    expect(formatCef(reread, PRODUCT)).toBe(formatCef(stored, PRODUCT));
  });

  it.each(JSON_FORMATS)('formats a coverage event to the same bytes in the %s format', (format) => {
    const stored = sampleCoverageEvent('coverage.restored');
    const reread = { ...stored, payload: reverseKeys(stored.payload) as typeof stored.payload };
    expect(JSON.stringify(Object.keys(reread.payload.account))).not.toBe(JSON.stringify(Object.keys(stored.payload.account)));
    expect(JSON.stringify(formatEvent(reread, format, PRODUCT))).toBe(JSON.stringify(formatEvent(stored, format, PRODUCT)));
  });
});
