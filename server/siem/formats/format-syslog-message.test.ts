import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../../core/errors.js';
import { SEVERITIES } from '../../../core/policy-schema.js';
import {
  SYSLOG_SEVERITY,
  formatEventSyslogFrame,
  formatSyslogFrame,
  formatSyslogMessage,
  sanitizeSyslogField,
  syslogPriority,
  type SyslogFields,
} from './format-syslog-message.js';
import { sampleCoverageEvent, sampleOutboxEvent } from './sample-outbox-event.js';

const FIELDS: SyslogFields = {
  facility: 16,
  severity: 3,
  hostname: 'siem-relay.example.com',
  appName: 'overshare',
  procId: '4242',
  msgId: 'finding.created',
  timestamp: new Date('2025-03-14T09:26:53.589Z'),
  message: 'CEF:0|overshare|overshare|1.2.3|finding.created|x|8|msg=hello',
};

/** Reads one octet-counted frame back: the declared length and the message bytes after the space. */
function readFrame(frame: Buffer): { declaredLength: number; message: Buffer } {
  const space = frame.indexOf(0x20);
  return { declaredLength: Number(frame.subarray(0, space).toString('ascii')), message: frame.subarray(space + 1) };
}

describe('syslogPriority', () => {
  it('is facility × 8 + severity', () => {
    expect(syslogPriority(0, 0)).toBe(0);
    expect(syslogPriority(16, 3)).toBe(131);
    expect(syslogPriority(23, 7)).toBe(191);
  });

  it('refuses a facility above 23 or a fractional one, naming the field', () => {
    for (const facility of [24, -1, 1.5]) {
      const attempt = () => syslogPriority(facility, 3);
      expect(attempt).toThrow(InputValidationError);
      try {
        attempt();
      } catch (error) {
        expect(error instanceof InputValidationError && error.issues.map((issue) => issue.path)).toEqual(['facility']);
      }
    }
  });

  it('refuses a severity above 7', () => {
    expect(() => syslogPriority(16, 8)).toThrow(InputValidationError);
  });
});

describe('SYSLOG_SEVERITY', () => {
  it('maps info to Informational (6) up to critical to Critical (2), lower meaning worse', () => {
    expect(SEVERITIES.map((severity) => SYSLOG_SEVERITY[severity])).toEqual([6, 5, 4, 3, 2]);
  });

  it('sets the PRI of an event frame from the finding severity', () => {
    for (const severity of SEVERITIES) {
      const event = sampleOutboxEvent('finding.created');
      const frame = formatEventSyslogFrame({ ...event, payload: { ...event.payload, severity } }, { name: 'overshare', vendor: 'overshare', version: '1' }, { facility: 10, hostname: 'h' });
      expect(readFrame(frame).message.toString('utf8')).toMatch(new RegExp(`^<${10 * 8 + SYSLOG_SEVERITY[severity]}>1 `, 'u'));
    }
  });

  it('sets the PRI of a coverage event frame from the gap’s rating: Error for a login wall, Notice once restored with posts unread', () => {
    const product = { name: 'overshare', vendor: 'overshare', version: '1' };
    const priority = (frame: Buffer) => /^<(\d+)>1 /u.exec(readFrame(frame).message.toString('utf8'))?.[1];
    expect(priority(formatEventSyslogFrame(sampleCoverageEvent('coverage.gap'), product, { facility: 10, hostname: 'h' }))).toBe(String(10 * 8 + 3));
    expect(priority(formatEventSyslogFrame(sampleCoverageEvent('coverage.restored'), product, { facility: 10, hostname: 'h' }))).toBe(String(10 * 8 + 5));
  });
});

describe('formatSyslogMessage', () => {
  it('writes the RFC 5424 header in order, with `-` for the structured data', () => {
    expect(formatSyslogMessage(FIELDS)).toBe(
      '<131>1 2025-03-14T09:26:53.589Z siem-relay.example.com overshare 4242 finding.created - CEF:0|overshare|overshare|1.2.3|finding.created|x|8|msg=hello',
    );
  });

  it('sends each missing header field as the NILVALUE `-`', () => {
    const message = formatSyslogMessage({ facility: 1, severity: 6, message: 'm', hostname: null, appName: '', timestamp: null });
    expect(message).toBe('<14>1 - - - - - - m');
  });

  it('puts no byte-order mark before the message, so CEF receivers find `CEF:` first', () => {
    const { message } = readFrame(formatSyslogFrame(FIELDS));
    expect(message.includes(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(message.toString('utf8')).toContain(' - CEF:0|');
  });

  it('refuses an invalid date instead of sending a malformed timestamp', () => {
    expect(() => formatSyslogMessage({ ...FIELDS, timestamp: new Date('not a date') })).toThrow(InputValidationError);
  });
});

describe('sanitizeSyslogField', () => {
  it('keeps printable ASCII as it is', () => {
    expect(sanitizeSyslogField('host-1.example.com', 255)).toBe('host-1.example.com');
  });

  it('replaces spaces, control characters and each non-ASCII letter with one `_`', () => {
    expect(sanitizeSyslogField('my host\tσοφία', 255)).toBe('my_host______');
  });

  it('cuts an over-long APP-NAME to 48 characters', () => {
    expect(sanitizeSyslogField('a'.repeat(60), 48)).toBe('a'.repeat(48));
  });

  it('turns an empty value into the NILVALUE', () => {
    expect(sanitizeSyslogField('', 48)).toBe('-');
  });

  it('keeps hostname and app name within their limits inside a frame', () => {
    const message = formatSyslogMessage({ ...FIELDS, hostname: 'h'.repeat(300), appName: 'овершер' + 'x'.repeat(60) });
    const [, , hostname, appName] = message.split(' ');
    expect(hostname).toBe('h'.repeat(255));
    expect(appName).toBe(`_______${'x'.repeat(41)}`);
  });
});

describe('formatSyslogFrame', () => {
  it('counts bytes, not characters, when the message holds Cyrillic and Greek', () => {
    const message = 'CEF:0|overshare|overshare|1|t|ДСП ΕΜΠΙΣΤΕΥΤΙΚΟ|8|suser=анна_σοφία';
    const frame = formatSyslogFrame({ ...FIELDS, message });
    const { declaredLength, message: body } = readFrame(frame);
    expect(declaredLength).toBe(body.length);
    expect(declaredLength).toBe(Buffer.byteLength(formatSyslogMessage({ ...FIELDS, message }), 'utf8'));
    expect(declaredLength).toBeGreaterThan(formatSyslogMessage({ ...FIELDS, message }).length);
  });

  it('counts a character outside the BMP as its four UTF-8 bytes', () => {
    const plain = readFrame(formatSyslogFrame({ ...FIELDS, message: 'x' })).declaredLength;
    const emoji = readFrame(formatSyslogFrame({ ...FIELDS, message: '😀' })).declaredLength;
    expect(emoji - plain).toBe(3);
  });

  it('ends exactly where the message ends, with no trailer', () => {
    const frame = formatSyslogFrame(FIELDS);
    const { declaredLength } = readFrame(frame);
    expect(frame.length).toBe(String(declaredLength).length + 1 + declaredLength);
    expect(frame.at(-1)).toBe('o'.charCodeAt(0));
  });

  it('frames two messages so that a reader can split them by their lengths alone', () => {
    const stream = Buffer.concat([formatSyslogFrame({ ...FIELDS, message: 'first\nwith a line break' }), formatSyslogFrame({ ...FIELDS, message: 'σοφία' })]);
    const first = readFrame(stream);
    const rest = stream.subarray(String(first.declaredLength).length + 1 + first.declaredLength);
    expect(first.message.subarray(0, first.declaredLength).toString('utf8')).toMatch(/first\nwith a line break$/u);
    expect(readFrame(rest).message.toString('utf8')).toMatch(/ σοφία$/u);
  });
});
