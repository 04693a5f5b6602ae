import type { CoverageOutboxEvent } from '../../../store/finding-event-payload.js';
import { compactObject } from './compact-object.js';
import { coverageTitle } from './coverage-title.js';
import { coverageSeverity } from './event-severity.js';
import { OCSF_SEVERITY, OCSF_VERSION, ocsfUser } from './format-ocsf.js';
import type { JsonObject } from './json-value.js';
import type { ProductInfo } from './product-info.js';

// Coverage events are OCSF 1.3.0 class 2004 Detection Finding (category 2 Findings). OCSF 1.3.0 has
// no class for the health of the product that emits the events: Application Error (6008) arrived
// in 1.4.0 and reports a failure to produce or translate events, with no lifecycle; Application
// Lifecycle (6002) is an application being installed, started or stopped, while overshare keeps
// running and one account cannot be read; Scan Activity (6007) reports one scan job, while a gap
// spans many collections; Incident Finding (2005) is an incident under investigation. A gap is a
// detected anomaly in the monitoring itself that opens and later closes: Detection Finding's
// Create and Close activities with the New and Resolved statuses say exactly that, its
// finding_info.uid (the gap's id) folds the pair together, and SIEMs route the Findings category to
// the queues analysts watch, which is where a silent blind spot has to show.

const CLASS_UID = 2004;
const CATEGORY_UID = 2;

/**
 * Formats one coverage event as an OCSF 1.3.0 Detection Finding: `coverage.gap` is activity 1
 * Create with status 1 New (status_detail the reason), `coverage.restored` is 3 Close with 4
 * Resolved. start_time is when the account was last covered, end_time when it was covered again.
 * The account is the affected resource; fields OCSF has no place for go under `unmapped`.
 */
export function formatOcsfCoverage(event: CoverageOutboxEvent, product: ProductInfo): JsonObject {
  const { payload } = event;
  const isOpen = event.type === 'coverage.gap';
  const activity = isOpen ? { id: 1, name: 'Create' } : { id: 3, name: 'Close' };
  const status = isOpen ? { id: 1, name: 'New' } : { id: 4, name: 'Resolved' };
  const severity = OCSF_SEVERITY[coverageSeverity(event)];
  const title = coverageTitle(event);
  return compactObject({
    activity_id: activity.id,
    activity_name: activity.name,
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    type_uid: CLASS_UID * 100 + activity.id,
    type_name: `Detection Finding: ${activity.name}`,
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    status_detail: isOpen ? payload.reason : undefined,
    time: event.occurredAt.getTime(),
    start_time: Date.parse(payload.startedAt),
    end_time: payload.endedAt === null ? undefined : Date.parse(payload.endedAt),
    message: title,
    metadata: {
      version: OCSF_VERSION,
      product: { name: product.name, vendor_name: product.vendor, version: product.version },
      uid: event.id,
      // Both events of one gap share the correlation id, so a SIEM can fold them together.
      correlation_uid: payload.gapId,
      event_code: event.type,
      log_name: 'coverage',
    },
    finding_info: compactObject({
      uid: payload.gapId,
      title,
      desc: payload.lastError,
      types: ['coverage_gap'],
      created_time: Date.parse(payload.detectedAt),
      first_seen_time: Date.parse(payload.detectedAt),
      modified_time: payload.endedAt === null ? undefined : Date.parse(payload.endedAt),
    }),
    resources: [{ uid: payload.account.id, name: payload.account.handle, type: 'Social Media Account', owner: ocsfUser(payload.account) }],
    observables: [{ name: 'resources.name', type_id: 4, type: 'User Name', value: payload.account.handle }],
    unmapped: compactObject({
      reason: payload.reason,
      failures: payload.failures,
      caught_up_posts: payload.caughtUpPosts,
      uncovered_until: payload.uncoveredUntil,
      account_kind: payload.account.kind,
    }),
  });
}
