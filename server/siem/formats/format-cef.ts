import type { Severity } from '../../../core/policy-schema.js';
import type { CoverageOutboxEvent, FindingOutboxEvent, OutboxEvent } from '../../../store/finding-event-payload.js';
import type { OutboxEventType } from '../../../store/schema.js';
import { coverageTitle } from './coverage-title.js';
import { eventSeverity } from './event-severity.js';
import { findingTitle } from './finding-title.js';
import { isCoverageEvent } from './is-coverage-event.js';
import type { ProductInfo } from './product-info.js';

// ArcSight Common Event Format, version 0:
//   CEF:0|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension
// Header fields escape `\` and `|`; extension values escape `\`, `=`, and line breaks as `\n` and
// `\r`; keys are fixed ASCII names and never escaped. The result is always one line.

/** CEF header severity (0-10) of each finding severity, spread over ArcSight's Low / Medium / High / Very-High bands. */
export const CEF_SEVERITY: Readonly<Record<Severity, number>> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };

const ACTIONS: Readonly<Record<OutboxEventType, string>> = {
  'finding.created': 'finding-created',
  'finding.updated': 'finding-updated',
  'finding.purged': 'finding-purged',
  'coverage.gap': 'coverage-gap',
  'coverage.restored': 'coverage-restored',
};

/** Escapes one CEF header field: `\` → `\\`, `|` → `\|`; a line break (not allowed in the header) becomes a space. */
export function escapeCefHeader(value: string): string {
  return value.replace(/\r\n|[\\|\r\n]/gu, (match) => (match === '\\' || match === '|' ? `\\${match}` : ' '));
}

/** Escapes one CEF extension value: `\` → `\\`, `=` → `\=`, LF → `\n`, CR → `\r` (so the line stays single). */
export function escapeCefValue(value: string): string {
  return value.replace(/[\\=\r\n]/gu, (match) => {
    if (match === '\n') return '\\n';
    if (match === '\r') return '\\r';
    return `\\${match}`;
  });
}

/**
 * Formats one outbox event as a single CEF:0 line (no line break at the end). The Device Event
 * Class ID is the event type, so a SIEM rule can tell a new finding from its later updates and
 * its purge, and a coverage gap (`coverage.gap`, category `coverage`) from its end
 * (`coverage.restored`); the rules that fired are in `cs1`. Absent values are left out, never
 * sent empty.
 */
export function formatCef(event: OutboxEvent, product: ProductInfo): string {
  const header = [
    'CEF:0',
    escapeCefHeader(product.vendor),
    escapeCefHeader(product.name),
    escapeCefHeader(product.version),
    escapeCefHeader(event.type),
    escapeCefHeader(isCoverageEvent(event) ? coverageTitle(event) : findingTitle(event.payload)),
    String(CEF_SEVERITY[eventSeverity(event)]),
  ].join('|');
  const extension = (isCoverageEvent(event) ? coverageExtension(event) : findingExtension(event))
    .filter((pair): pair is [string, string] => pair[1] !== null)
    .map(([key, value]) => `${key}=${escapeCefValue(value)}`)
    .join(' ');
  return `${header}|${extension}`;
}

// Standard CEF keys where one exists; the rest as custom fields labelled by their `…Label` key.
function findingExtension(event: FindingOutboxEvent): [string, string | null][] {
  const { payload } = event;
  const { account } = payload;
  return [
    ['rt', String(event.occurredAt.getTime())],
    ['externalId', payload.id],
    ['cat', payload.category],
    ['act', ACTIONS[event.type]],
    ['reason', payload.purgeReason ?? null],
    ['suser', account.handle],
    ['suid', account.id],
    ['request', payload.postUrl],
    ['start', epochMs(payload.postPublishedAt)],
    ['msg', payload.explain],
    ['cn1Label', 'score'],
    ['cn1', String(payload.score)],
    ['cn2Label', 'findingVersion'],
    ['cn2', String(payload.version)],
    ['cs1Label', 'ruleIds'],
    ['cs1', payload.ruleIds.join(',')],
    ['cs2Label', 'evidence'],
    ['cs2', payload.evidence.text],
    ['cs3Label', 'state'],
    ['cs3', payload.state],
    ['cs4Label', payload.resolution === null ? null : 'resolution'],
    ['cs4', payload.resolution],
    ['cs5Label', 'platform'],
    ['cs5', account.platform],
    ['cs6Label', 'eventId'],
    ['cs6', event.id],
    ['flexString1Label', account.ownerEmployeeId === null ? null : 'ownerEmployeeId'],
    ['flexString1', account.ownerEmployeeId],
    ['flexString2Label', account.ownerDepartment === null ? null : 'ownerDepartment'],
    ['flexString2', account.ownerDepartment],
  ];
}

// A gap keeps the finding events' keys where they mean the same (account, platform, event id,
// owner); `cnt` (base event count) is the failed collections the gap is made of, `start` and `end`
// the uncovered span, `msg` the latest failure.
function coverageExtension(event: CoverageOutboxEvent): [string, string | null][] {
  const { payload } = event;
  const { account } = payload;
  return [
    ['rt', String(event.occurredAt.getTime())],
    ['externalId', payload.gapId],
    ['cat', 'coverage'],
    ['act', ACTIONS[event.type]],
    ['outcome', event.type === 'coverage.gap' ? 'failure' : 'success'],
    ['reason', payload.reason],
    ['suser', account.handle],
    ['suid', account.id],
    ['start', epochMs(payload.startedAt)],
    ['end', epochMs(payload.endedAt)],
    ['cnt', String(payload.failures)],
    ['msg', payload.lastError],
    ['cn3Label', payload.caughtUpPosts === null ? null : 'caughtUpPosts'],
    ['cn3', payload.caughtUpPosts === null ? null : String(payload.caughtUpPosts)],
    ['cs5Label', 'platform'],
    ['cs5', account.platform],
    ['cs6Label', 'eventId'],
    ['cs6', event.id],
    ['deviceCustomDate1Label', 'detectedAt'],
    ['deviceCustomDate1', epochMs(payload.detectedAt)],
    ['deviceCustomDate2Label', payload.uncoveredUntil === null ? null : 'uncoveredUntil'],
    ['deviceCustomDate2', epochMs(payload.uncoveredUntil)],
    ['flexString1Label', account.ownerEmployeeId === null ? null : 'ownerEmployeeId'],
    ['flexString1', account.ownerEmployeeId],
    ['flexString2Label', account.ownerDepartment === null ? null : 'ownerDepartment'],
    ['flexString2', account.ownerDepartment],
  ];
}

// CEF times are milliseconds since the epoch, as `rt` is.
function epochMs(iso: string | null): string | null {
  return iso === null ? null : String(Date.parse(iso));
}
