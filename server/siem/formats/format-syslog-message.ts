import { InputValidationError, type InputIssue } from '../../../core/errors.js';
import type { Severity } from '../../../core/policy-schema.js';
import type { OutboxEvent } from '../../../store/finding-event-payload.js';
import { eventSeverity } from './event-severity.js';
import { formatCef } from './format-cef.js';
import type { ProductInfo } from './product-info.js';

// RFC 5424 message, framed for TCP/TLS by octet counting (RFC 6587 §3.4.1):
//   MSG-LEN SP <PRI>1 SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP MSG
// MSG-LEN counts the bytes of the UTF-8 message, not its characters. MSG is sent as MSG-ANY,
// without the UTF-8 BOM that RFC 5424 §6.4 allows: CEF receivers (ArcSight, QRadar, Sentinel's
// CEF connector) look for `CEF:` at the very start of MSG and would not see it behind a BOM.

const NILVALUE = '-';

/** Header field limits of RFC 5424 §6: characters allowed are printable US-ASCII (33-126). */
const FIELD_LIMITS = { hostname: 255, appName: 48, procId: 128, msgId: 32 } as const;

/** The fields of one syslog message; absent or empty header fields are sent as the NILVALUE `-`. */
export type SyslogFields = {
  /** Facility code 0-23 (RFC 5424 §6.2.1), e.g. 16 for local0. */
  facility: number;
  /** Syslog severity 0 (emergency) to 7 (debug). */
  severity: number;
  hostname?: string | null;
  appName?: string | null;
  procId?: string | null;
  msgId?: string | null;
  timestamp?: Date | null;
  message: string;
};

/** Syslog severity of each finding severity: critical → 2 Critical, high → 3 Error, medium → 4 Warning, low → 5 Notice, info → 6 Informational. */
export const SYSLOG_SEVERITY: Readonly<Record<Severity, number>> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

/** The PRI value `facility × 8 + severity`; throws InputValidationError when either is out of range. */
export function syslogPriority(facility: number, severity: number): number {
  const issues: InputIssue[] = [];
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) {
    issues.push({ path: 'facility', message: `must be an integer from 0 (kern) to 23 (local7), got ${facility}; pick the facility your syslog receiver routes on, e.g. 16 (local0)` });
  }
  if (!Number.isInteger(severity) || severity < 0 || severity > 7) {
    issues.push({ path: 'severity', message: `must be an integer from 0 (emergency) to 7 (debug), got ${severity}` });
  }
  if (issues.length > 0) throw new InputValidationError('syslog message', issues);
  return facility * 8 + severity;
}

/**
 * Keeps a header field within RFC 5424: every character outside printable US-ASCII (a space,
 * a control character, any non-ASCII letter) becomes `_`, the result is cut to `maxLength`, and
 * an empty or absent value becomes the NILVALUE `-`.
 */
export function sanitizeSyslogField(value: string | null | undefined, maxLength: number): string {
  if (value === null || value === undefined || value === '') return NILVALUE;
  // Iterating a string walks code points, so one emoji or Greek letter becomes one `_`.
  const printable = Array.from(value, (character) => (/^[\x21-\x7e]$/u.test(character) ? character : '_')).join('');
  return printable.slice(0, maxLength);
}

/** The RFC 5424 message text (no framing, no trailing line break); structured data is always `-`. */
export function formatSyslogMessage(fields: SyslogFields): string {
  const header = [
    `<${syslogPriority(fields.facility, fields.severity)}>1`,
    syslogTimestamp(fields.timestamp),
    sanitizeSyslogField(fields.hostname, FIELD_LIMITS.hostname),
    sanitizeSyslogField(fields.appName, FIELD_LIMITS.appName),
    sanitizeSyslogField(fields.procId, FIELD_LIMITS.procId),
    sanitizeSyslogField(fields.msgId, FIELD_LIMITS.msgId),
    NILVALUE,
  ].join(' ');
  return `${header} ${fields.message}`;
}

/** One octet-counted frame (RFC 6587 §3.4.1): the message's UTF-8 byte length, a space, then the message bytes. */
export function formatSyslogFrame(fields: SyslogFields): Buffer {
  const message = Buffer.from(formatSyslogMessage(fields), 'utf8');
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}

/** Where a syslog sink sends from: facility 0-23, the sending host's name, and an optional process id. */
export type SyslogOrigin = {
  facility: number;
  hostname: string | null;
  procId?: string | null;
};

/**
 * The frame a syslog sink sends for one outbox event: a CEF line as MSG, the product's name as
 * APP-NAME, the event type as MSGID, the event time as TIMESTAMP, and the PRI severity from the
 * finding's severity (a coverage event's from coverageSeverity).
 */
export function formatEventSyslogFrame(event: OutboxEvent, product: ProductInfo, origin: SyslogOrigin): Buffer {
  return formatSyslogFrame({
    facility: origin.facility,
    severity: SYSLOG_SEVERITY[eventSeverity(event)],
    hostname: origin.hostname,
    appName: product.name,
    procId: origin.procId ?? null,
    msgId: event.type,
    timestamp: event.occurredAt,
    message: formatCef(event, product),
  });
}

// RFC 5424 TIMESTAMP is RFC 3339 with at most six fraction digits; toISOString gives three and `Z`.
function syslogTimestamp(timestamp: Date | null | undefined): string {
  if (timestamp === null || timestamp === undefined) return NILVALUE;
  if (Number.isNaN(timestamp.getTime())) {
    throw new InputValidationError('syslog message', [{ path: 'timestamp', message: 'is an invalid date; pass a valid Date or null for the NILVALUE' }]);
  }
  return timestamp.toISOString();
}
