import { z } from 'zod';
import { GAP_REASONS } from '../../../core/coverage.js';
import { InputValidationError } from '../../../core/errors.js';
import { CATEGORIES, SEVERITIES } from '../../../core/policy-schema.js';
import { FindingEventsRepository, toOutboxEvent } from '../../../store/repositories/finding-events-repository.js';
import type { CoverageEventType, FindingEventType } from '../../../store/schema.js';
import { EVENT_FORMATS, formatEvent } from '../../siem/formats/event-formats.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { FINDING_STATES, RESOLUTIONS } from '../schemas/finding-schemas.js';

const CURSOR_PREFIX = 'ev1.';

/** An opaque feed cursor for "after outbox position `seq`". */
export function encodeEventCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`).toString('base64url');
}

/** The outbox position a cursor stands for; InputValidationError for anything we did not issue. */
export function decodeEventCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 0 || encodeEventCursor(seq) !== cursor) {
    throw new InputValidationError('the event cursor', [
      { path: 'query.after', message: 'is not a cursor this feed issued: pass next_cursor from the last page, or omit it to start from the oldest event kept' },
    ]);
  }
  return seq;
}

const eventsQuery = z.object({
  after: z.string().max(100).optional().describe('next_cursor of the previous page; omit to start at the oldest event kept.'),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  format: z.enum(EVENT_FORMATS).default('native'),
});

const FINDING_EVENT_TYPES = ['finding.created', 'finding.updated', 'finding.purged'] as const satisfies readonly FindingEventType[];
const COVERAGE_EVENT_TYPES = ['coverage.gap', 'coverage.restored'] as const satisfies readonly CoverageEventType[];

const eventAccount = z.object({
  id: z.string(),
  platform: z.string(),
  handle: z.string(),
  kind: z.enum(['corporate', 'employee']),
  owner_employee_id: z.string().nullable(),
  owner_department: z.string().nullable(),
});

const nativeFindingEvent = z
  .object({
    id: z.string().describe('Stable per finding version: a consumer drops what it has seen.'),
    type: z.enum(FINDING_EVENT_TYPES),
    occurred_at: z.string(),
    finding: z.object({
      account: eventAccount,
      assignee_id: z.string().nullable(),
      category: z.enum(CATEGORIES),
      created_at: z.string(),
      evidence: z.looseObject({ source: z.enum(['text', 'ocr', 'exif']), text: z.string().describe('Masked.') }),
      explain: z.string().nullable(),
      id: z.string(),
      is_current: z.boolean(),
      post_id: z.string(),
      post_published_at: z.string().nullable(),
      post_url: z.string().nullable(),
      purge_reason: z.enum(['retention', 'erasure', 'account_removed']).optional().describe('On finding.purged only.'),
      resolution: z.enum(RESOLUTIONS).nullable(),
      resolution_expires_at: z.string().nullable(),
      rule_ids: z.array(z.string()),
      score: z.number(),
      score_breakdown: z.record(z.string(), z.number()),
      severity: z.enum(SEVERITIES),
      state: z.enum(FINDING_STATES),
      title: z.string().nullable(),
      updated_at: z.string(),
      version: z.number().int(),
    }),
  })
  .describe('native, a finding version (finding.created, finding.updated, finding.purged).');

const nativeCoverageEvent = z
  .object({
    id: z.string(),
    type: z.enum(COVERAGE_EVENT_TYPES),
    occurred_at: z.string(),
    coverage: z.object({
      account: eventAccount,
      caught_up_posts: z.number().int().nullable().describe('Posts of the gap the restoring collection read; null on coverage.gap.'),
      detected_at: z.string().describe('The first failed collection.'),
      ended_at: z.string().nullable().describe('The collection that restored coverage; null on coverage.gap.'),
      failures: z.number().int(),
      gap_id: z.string().describe('The same on both events of one gap.'),
      last_error: z.string(),
      reason: z.enum(GAP_REASONS).describe('The latest failure’s kind, or catch_up_depth: a reading met more new posts than CRAWL_CATCHUP_POSTS and gave up the oldest.'),
      started_at: z.string().describe('Covered up to here.'),
      uncovered_until: z.string().nullable().describe('Set when catch-up stopped at its depth: posts from started_at to here were never read.'),
    }),
  })
  .describe('native, a coverage gap opening (coverage.gap) or ending (coverage.restored).');

const ocsfEvent = z
  .looseObject({
    class_uid: z.union([z.literal(2006), z.literal(2004)]).describe('2006 Data Security Finding for finding events, 2004 Detection Finding for coverage events.'),
    activity_id: z.number().int(),
    time: z.number().int(),
    metadata: z.looseObject({
      version: z.string(),
      uid: z.string().describe('The event id.'),
      correlation_uid: z.string().describe('The finding id or the gap id: the same on every event about it.'),
      event_code: z.enum([...FINDING_EVENT_TYPES, ...COVERAGE_EVENT_TYPES]),
    }),
  })
  .describe('ocsf, OCSF 1.3.0.');

const ecsEvent = z
  .looseObject({
    '@timestamp': z.string(),
    ecs: z.looseObject({ version: z.string() }),
    event: z.looseObject({
      kind: z.enum(['alert', 'event']).describe('alert for findings and open gaps, event for a restored gap.'),
      action: z.enum(['finding-created', 'finding-updated', 'finding-purged', 'coverage-gap', 'coverage-restored']),
      id: z.string(),
      dataset: z.enum(['overshare.finding', 'overshare.coverage']),
    }),
  })
  .describe('ecs, ECS 8.11.');

const eventsReply = z.object({
  events: z
    .array(z.union([nativeFindingEvent, nativeCoverageEvent, ocsfEvent, ecsEvent]))
    .describe('Finding and coverage events interleaved in outbox order, each in the shape `format` names.'),
  next_cursor: z.string().describe('Always present, also on an empty page: poll again with it.'),
  has_more: z.boolean(),
});

/**
 * The SIEM pull feed: outbox events (finding versions and coverage gaps opening and ending) in
 * commit order after an opaque cursor, in native, OCSF or ECS form. Every event has a stable id,
 * so a consumer that re-reads a page after a failure can drop what it has seen (at-least-once
 * delivery).
 */
export const eventsRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/events',
    operationId: 'listEvents',
    summary: 'Finding and coverage events after a cursor (SIEM pull feed)',
    tag: 'events',
    permission: 'events:read',
    query: eventsQuery,
    response: eventsReply,
    async handle({ query, services }) {
      const afterSeq = query.after === undefined ? 0 : decodeEventCursor(query.after);
      const rows = await new FindingEventsRepository(services.db).listAfter(afterSeq, query.limit + 1);
      const page = rows.slice(0, query.limit);
      const product = { name: 'overshare', vendor: 'overshare', version: services.version };
      return {
        // The formatters build plain JSON; the golden files pin their shapes and, in tests, every
        // reply is checked against this schema.
        events: page.map((row) => formatEvent(toOutboxEvent(row), query.format, product)) as z.infer<typeof eventsReply>['events'],
        next_cursor: encodeEventCursor(page.at(-1)?.seq ?? afterSeq),
        has_more: rows.length > query.limit,
      };
    },
  }),
];
