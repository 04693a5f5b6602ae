import type { CoverageOutboxEvent } from '../../../store/finding-event-payload.js';
import { compactObject } from './compact-object.js';
import { coverageTitle } from './coverage-title.js';
import { coverageSeverity } from './event-severity.js';
import { ECS_SEVERITY, ECS_VERSION } from './format-ecs.js';
import type { JsonObject } from './json-value.js';
import type { ProductInfo } from './product-info.js';

/**
 * Formats one coverage event as an ECS 8.11 document.
 *
 * Categorisation: a gap is `event.kind: alert` (a notable event the team must act on, as a
 * finding is) and a restored gap `event.kind: event`; both are `event.category: [web]`, the only
 * 8.11 category whose expected types include `error` and the one for reading web pages: a gap is
 * `event.type: [error]` with `event.outcome: failure`, a restored gap `[access]` with `success`
 * (the account's pages were read again). `event.reason` is the failure kind (`login_wall`...),
 * `error` the latest failure of an open gap, and `event.start` / `event.end` the uncovered span.
 * `event.duration` is left out: nanoseconds over a long gap pass JSON's safe integers.
 */
export function formatEcsCoverage(event: CoverageOutboxEvent, product: ProductInfo): JsonObject {
  const { payload } = event;
  const { account } = payload;
  const isOpen = event.type === 'coverage.gap';
  return compactObject({
    '@timestamp': event.occurredAt.toISOString(),
    ecs: { version: ECS_VERSION },
    event: compactObject({
      kind: isOpen ? 'alert' : 'event',
      category: ['web'],
      type: [isOpen ? 'error' : 'access'],
      action: isOpen ? 'coverage-gap' : 'coverage-restored',
      outcome: isOpen ? 'failure' : 'success',
      id: event.id,
      dataset: 'overshare.coverage',
      module: 'overshare',
      severity: ECS_SEVERITY[coverageSeverity(event)],
      start: payload.startedAt,
      end: payload.endedAt,
      reason: payload.reason,
    }),
    message: coverageTitle(event),
    error: isOpen ? { code: payload.reason, message: payload.lastError } : undefined,
    user: { id: account.id, name: account.handle },
    observer: { vendor: product.vendor, product: product.name, version: product.version },
    labels: { platform: account.platform, account_kind: account.kind },
    overshare: {
      coverage: compactObject({
        gap_id: payload.gapId,
        reason: payload.reason,
        last_error: payload.lastError,
        started_at: payload.startedAt,
        detected_at: payload.detectedAt,
        ended_at: payload.endedAt,
        failures: payload.failures,
        caught_up_posts: payload.caughtUpPosts,
        uncovered_until: payload.uncoveredUntil,
        account: compactObject({
          id: account.id,
          platform: account.platform,
          handle: account.handle,
          kind: account.kind,
          owner_employee_id: account.ownerEmployeeId,
          owner_department: account.ownerDepartment,
        }),
      }),
    },
  });
}
