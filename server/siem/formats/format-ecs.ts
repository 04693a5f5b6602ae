import type { Severity } from '../../../core/policy-schema.js';
import type { FindingEventPayload, FindingOutboxEvent } from '../../../store/finding-event-payload.js';
import type { FindingEventType } from '../../../store/schema.js';
import { compactObject } from './compact-object.js';
import { findingTitle } from './finding-title.js';
import type { JsonObject } from './json-value.js';
import type { ProductInfo } from './product-info.js';
import { toSortedJson } from './to-sorted-json.js';

// Elastic Common Schema 8.x. Outside `overshare.*` only ECS fields appear, each used as ECS
// defines it; the whole finding sits under the custom `overshare` namespace, as ECS advises for
// fields of one's own.

/** The ECS version every event declares in `ecs.version`. */
export const ECS_VERSION = '8.11.0';

/** `event.severity` of each finding severity: 1 (info) to 5 (critical), higher is worse, as in OCSF. */
export const ECS_SEVERITY: Readonly<Record<Severity, number>> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

const ACTIONS: Readonly<Record<FindingEventType, string>> = {
  'finding.created': 'finding-created',
  'finding.updated': 'finding-updated',
  'finding.purged': 'finding-purged',
};

/**
 * Formats one finding event as an ECS 8.x alert document (coverage events: formatEcsCoverage).
 *
 * Categorisation: `event.kind: alert`, `event.category: [threat]`, `event.type: [indicator]`.
 * ECS has no data-leak category; `threat` ("external threat intelligence ... targets, motives or
 * behaviours", expected type `indicator`) is the one that fits information about the company
 * found outside it, on public sites. `intrusion_detection` means IDS/IPS detections on monitored
 * hosts and networks, which overshare does not watch. What happened to the finding (created,
 * updated, purged) is `event.action`.
 *
 * Deliberately absent: `event.created` (ECS: when a pipeline first read the event, not when the
 * finding was made; that is `overshare.finding.created_at`), `event.outcome` (an alert has no
 * success or failure), `event.provider` (no separate log provider). `user` is the social account
 * (handle and id), never its owner's name.
 */
export function formatEcs(event: FindingOutboxEvent, product: ProductInfo): JsonObject {
  const { payload } = event;
  const [firstRule] = payload.ruleIds;
  return compactObject({
    '@timestamp': event.occurredAt.toISOString(),
    ecs: { version: ECS_VERSION },
    event: compactObject({
      kind: 'alert',
      category: ['threat'],
      type: ['indicator'],
      action: ACTIONS[event.type],
      id: event.id,
      dataset: 'overshare.finding',
      module: 'overshare',
      severity: ECS_SEVERITY[payload.severity],
      risk_score: payload.score,
      // The score is already 0-100, which is what the normalised field asks for.
      risk_score_norm: payload.score,
      // When the activity started: the post went public.
      start: payload.postPublishedAt,
      reason: payload.purgeReason,
    }),
    message: findingTitle(payload),
    rule: firstRule === undefined ? undefined : { id: firstRule, name: firstRule, category: payload.category },
    url: payload.postUrl === null ? undefined : { full: payload.postUrl },
    user: { id: payload.account.id, name: payload.account.handle },
    observer: { vendor: product.vendor, product: product.name, version: product.version },
    labels: { platform: payload.account.platform, account_kind: payload.account.kind },
    overshare: { finding: overshareFinding(payload) },
  });
}

function overshareFinding(payload: FindingEventPayload): JsonObject {
  const { account, evidence } = payload;
  return compactObject({
    id: payload.id,
    version: payload.version,
    title: payload.title,
    explain: payload.explain,
    category: payload.category,
    severity: payload.severity,
    score: payload.score,
    score_breakdown: toSortedJson(payload.scoreBreakdown),
    rule_ids: payload.ruleIds,
    evidence: compactObject({
      source: evidence.source,
      text: evidence.text,
      start: evidence.start,
      end: evidence.end,
      box: evidence.box,
      media_id: evidence.mediaId,
    }),
    state: payload.state,
    resolution: payload.resolution,
    resolution_expires_at: payload.resolutionExpiresAt,
    assignee_id: payload.assigneeId,
    is_current: payload.isCurrent,
    post: compactObject({ id: payload.postId, url: payload.postUrl, published_at: payload.postPublishedAt }),
    account: compactObject({
      id: account.id,
      platform: account.platform,
      handle: account.handle,
      kind: account.kind,
      owner_employee_id: account.ownerEmployeeId,
      owner_department: account.ownerDepartment,
    }),
    created_at: payload.createdAt,
    updated_at: payload.updatedAt,
    purge_reason: payload.purgeReason,
  });
}
