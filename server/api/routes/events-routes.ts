import { z } from 'zod';
import { InputValidationError } from '../../../core/errors.js';
import { FindingEventsRepository, toOutboxEvent } from '../../../store/repositories/finding-events-repository.js';
import { EVENT_FORMATS, formatEvent } from '../../siem/formats/event-formats.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';

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

const eventsReply = z.object({
  events: z.array(z.record(z.string(), z.unknown())),
  next_cursor: z.string().describe('Always present, also on an empty page: poll again with it.'),
  has_more: z.boolean(),
});

/**
 * The SIEM pull feed: outbox events in commit order after an opaque cursor, in native, OCSF or ECS
 * form. Every event has a stable id per finding version, so a consumer that re-reads a page after
 * a failure can drop what it has seen (at-least-once delivery).
 */
export const eventsRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/events',
    operationId: 'listEvents',
    summary: 'Finding events after a cursor (SIEM pull feed)',
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
        events: page.map((row) => formatEvent(toOutboxEvent(row), query.format, product)),
        next_cursor: encodeEventCursor(page.at(-1)?.seq ?? afterSeq),
        has_more: rows.length > query.limit,
      };
    },
  }),
];
