import type { Category, Severity } from '../../../core/policy-schema.js';
import type { EventAccount, FindingEventPayload, FindingOutboxEvent } from '../../../store/finding-event-payload.js';
import type { FindingEventType } from '../../../store/schema.js';
import { compactObject } from './compact-object.js';
import { findingTitle } from './finding-title.js';
import type { JsonObject, JsonValue } from './json-value.js';
import type { ProductInfo } from './product-info.js';
import { toSortedJson } from './to-sorted-json.js';

// OCSF 1.3.0, class 2006 Data Security Finding (category 2 Findings). Attribute names, enum ids
// and their captions are 1.3.0's; attributes added later (is_alert in 1.4, status 5 Archived in
// 1.5, 6 Deleted after) are not used, so a 1.3 validator accepts every event.

/** The OCSF schema version every event declares in `metadata.version`. */
export const OCSF_VERSION = '1.3.0';

const CLASS_UID = 2006;
const CATEGORY_UID = 2;

/** OCSF activity: 1 Create, 2 Update, 3 Close (the finding left the review queue or was deleted). */
type Activity = { id: 1 | 2 | 3; name: 'Create' | 'Update' | 'Close' };

/** OCSF finding status (1.3.0 enum): New, In Progress, Suppressed, Resolved, or 99 Other with our own label. */
type Status = { id: 1 | 2 | 3 | 4 | 99; name: string };

/** OCSF severity_id and caption of each finding severity. */
export const OCSF_SEVERITY: Readonly<Record<Severity, { id: number; name: string }>> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

// risk_level_id counts from 0 (Info), one below severity_id.
const RISK_LEVEL: Readonly<Record<Severity, { id: number; name: string }>> = {
  info: { id: 0, name: 'Info' },
  low: { id: 1, name: 'Low' },
  medium: { id: 2, name: 'Medium' },
  high: { id: 3, name: 'High' },
  critical: { id: 4, name: 'Critical' },
};

// data_security.category_id (1.3.0 Data Classification enum). Markings, code names, customers,
// personnel matters, products and registered documents are business secrets; keys, credentials,
// internal hosts and restricted sites are security data; badges and employee ids are personal; a
// hijacked corporate account is an account-security matter.
const DATA_CATEGORY: Readonly<Record<Category, { id: number; name: string }>> = {
  marking: { id: 4, name: 'Business' },
  secret: { id: 6, name: 'Security' },
  credential: { id: 6, name: 'Security' },
  pii: { id: 1, name: 'Personal' },
  financial: { id: 3, name: 'Financial' },
  codename: { id: 4, name: 'Business' },
  internal_host: { id: 6, name: 'Security' },
  employee_id: { id: 1, name: 'Personal' },
  customer: { id: 4, name: 'Business' },
  personnel: { id: 4, name: 'Business' },
  product: { id: 4, name: 'Business' },
  security: { id: 6, name: 'Security' },
  fingerprint: { id: 4, name: 'Business' },
  location: { id: 6, name: 'Security' },
  takeover: { id: 6, name: 'Security' },
};

const PURGE_DETAIL = {
  retention: 'Deleted when its retention period ended',
  erasure: 'Deleted on an erasure request',
  account_removed: 'Deleted with its account',
} as const;

/**
 * The activity an event reports. An update that leaves the finding resolved is a Close (OCSF:
 * "closed ... due to any resolution"); the payload holds no previous state, so a rescore of an
 * already resolved finding is reported as a Close again, which consumers treat as idempotent.
 */
export function ocsfActivity(type: FindingEventType, payload: FindingEventPayload): Activity {
  if (type === 'finding.created') return { id: 1, name: 'Create' };
  if (type === 'finding.purged' || payload.state === 'resolved') return { id: 3, name: 'Close' };
  return { id: 2, name: 'Update' };
}

/**
 * The OCSF status of the finding after the event. A reopened finding is New again (awaiting
 * review, as OCSF defines New); a confirmed leak is Resolved, every other resolution (false
 * positive, authorised, accepted risk, duplicate, out of scope) is Suppressed. A purged finding
 * has no 1.3.0 status (Deleted came later), so it is 99 Other labelled `Purged`.
 */
export function ocsfStatus(type: FindingEventType, payload: FindingEventPayload): Status {
  if (type === 'finding.purged') return { id: 99, name: 'Purged' };
  switch (payload.state) {
    case 'new':
    case 'reopened':
      return { id: 1, name: 'New' };
    case 'in_review':
      return { id: 2, name: 'In Progress' };
    case 'resolved':
      return payload.resolution === 'confirmed_leak' || payload.resolution === null
        ? { id: 4, name: 'Resolved' }
        : { id: 3, name: 'Suppressed' };
  }
}

/**
 * Formats one finding event as an OCSF 1.3.0 Data Security Finding (class 2006). Evidence appears
 * only as the payload carries it, masked. Fields OCSF has no place for go under `unmapped`.
 * Coverage events have their own class: formatOcsfCoverage.
 */
export function formatOcsf(event: FindingOutboxEvent, product: ProductInfo): JsonObject {
  const { payload } = event;
  const activity = ocsfActivity(event.type, payload);
  const status = ocsfStatus(event.type, payload);
  const severity = OCSF_SEVERITY[payload.severity];
  const risk = RISK_LEVEL[payload.severity];
  return compactObject({
    activity_id: activity.id,
    activity_name: activity.name,
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Data Security Finding',
    type_uid: CLASS_UID * 100 + activity.id,
    type_name: `Data Security Finding: ${activity.name}`,
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    status_detail: statusDetail(event.type, payload),
    time: event.occurredAt.getTime(),
    // The post's publication is the earliest event the finding is made of.
    start_time: epochMs(payload.postPublishedAt),
    message: findingTitle(payload),
    metadata: {
      version: OCSF_VERSION,
      product: { name: product.name, vendor_name: product.vendor, version: product.version },
      uid: event.id,
      // Every version of one finding shares the correlation id, so a SIEM can fold them together.
      correlation_uid: payload.id,
      event_code: event.type,
      log_name: 'findings',
    },
    finding_info: findingInfo(payload),
    risk_score: payload.score,
    risk_level_id: risk.id,
    risk_level: risk.name,
    actor: { user: ocsfUser(payload.account) },
    resources: [resource(payload)],
    data_security: dataSecurity(payload),
    observables: observables(payload),
    unmapped: unmapped(payload),
  });
}

function findingInfo(payload: FindingEventPayload): JsonObject {
  const [firstRule, ...otherRules] = payload.ruleIds;
  return compactObject({
    uid: payload.id,
    title: findingTitle(payload),
    desc: payload.explain,
    types: [payload.category],
    created_time: epochMs(payload.createdAt),
    modified_time: epochMs(payload.updatedAt),
    src_url: payload.postUrl,
    analytic: firstRule === undefined ? undefined : analytic(firstRule),
    related_analytics: otherRules.length === 0 ? undefined : otherRules.map(analytic),
  });
}

// Analytic type 1 is Rule: every finding comes from named rules in a rule pack.
function analytic(ruleId: string): JsonObject {
  return { uid: ruleId, name: ruleId, type_id: 1, type: 'Rule' };
}

/** The social account as an OCSF user: its handle and id, typed by its platform, with its owner's employee id and department when known. */
export function ocsfUser(account: EventAccount): JsonObject {
  return compactObject({
    uid: account.id,
    name: account.handle,
    // A social network account has no OCSF account type: 99 Other, typed by its platform.
    account: { uid: account.id, name: account.handle, type_id: 99, type: account.platform },
    ldap_person: account.ownerEmployeeId === null ? undefined : { employee_uid: account.ownerEmployeeId },
    org: account.ownerDepartment === null ? undefined : { ou_name: account.ownerDepartment },
  });
}

function resource(payload: FindingEventPayload): JsonObject {
  return {
    uid: payload.postId,
    type: 'Social Media Post',
    owner: { uid: payload.account.id, name: payload.account.handle },
  };
}

function dataSecurity(payload: FindingEventPayload): JsonObject {
  const category = DATA_CATEGORY[payload.category];
  return {
    category_id: category.id,
    category: category.name,
    // A published post is stored by the platform: data at rest, outside the company's stores.
    data_lifecycle_state_id: 1,
    data_lifecycle_state: 'Data at-Rest',
    // None of 1.3.0's detection systems (endpoint, gateways, DSPM...) watches public social networks.
    detection_system_id: 99,
    detection_system: 'Social Media Monitoring',
    detection_pattern: payload.ruleIds.join(', '),
    pattern_match: payload.evidence.text,
  };
}

function observables(payload: FindingEventPayload): JsonValue[] {
  const found: JsonValue[] = [{ name: 'actor.user.name', type_id: 4, type: 'User Name', value: payload.account.handle }];
  if (payload.postUrl !== null) found.push({ name: 'finding_info.src_url', type_id: 6, type: 'URL String', value: payload.postUrl });
  return found;
}

function statusDetail(type: FindingEventType, payload: FindingEventPayload): string | undefined {
  if (type === 'finding.purged') return payload.purgeReason === undefined ? 'Deleted' : PURGE_DETAIL[payload.purgeReason];
  return payload.resolution ?? undefined;
}

function unmapped(payload: FindingEventPayload): JsonObject {
  const { source, start, end, box, mediaId } = payload.evidence;
  return compactObject({
    finding_version: payload.version,
    state: payload.state,
    resolution: payload.resolution,
    resolution_expires_at: payload.resolutionExpiresAt,
    assignee_id: payload.assigneeId,
    is_current: payload.isCurrent,
    score_breakdown: toSortedJson(payload.scoreBreakdown),
    evidence: compactObject({ source, start, end, box, media_id: mediaId }),
    account_kind: payload.account.kind,
    purge_reason: payload.purgeReason,
  });
}

function epochMs(iso: string | null): number | undefined {
  return iso === null ? undefined : Date.parse(iso);
}
