import { z } from 'zod';
import { InputValidationError } from '../../../core/errors.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { FindingEventsRepository } from '../../../store/repositories/finding-events-repository.js';
import { SinksRepository } from '../../../store/repositories/sinks-repository.js';
import type { Sink, SinkDelivery } from '../../../store/schema.js';
import { createSink } from '../../siem/create-sink.js';
import { shownSinkUrl } from '../../siem/senders/shown-sink-url.js';
import { sinkInput } from '../../siem/sink-settings.js';
import { auditActor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { decodeEventCursor, encodeEventCursor } from './events-routes.js';

const sinkReply = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['webhook', 'syslog', 'splunk_hec']),
  format: z.enum(['native', 'ocsf', 'ecs', 'cef']),
  target: z.string(),
  settings: z.record(z.string(), z.unknown()),
  has_secret: z.boolean(),
  is_enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  cursor: z.string().describe('The feed cursor this sink has delivered up to.'),
  consecutive_failures: z.number(),
  next_attempt_at: z.string(),
  failing_since: z.string().nullable(),
  last_error: z.string().nullable(),
  last_delivered_at: z.string().nullable(),
  created_at: z.string(),
});

const deliveryReply = z.object({
  id: z.number(),
  attempted_at: z.string(),
  outcome: z.enum(['delivered', 'failed', 'redelivered']),
  event_count: z.number(),
  delivered_count: z.number(),
  first_cursor: z.string(),
  http_status: z.number().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number(),
});

const idParams = z.object({ id: z.string().min(1).max(100) });

/** A sink's target as replies and audit entries show it: a URL's path and query may hold a secret, so only scheme, host and port. */
export function shownTarget(sink: Pick<Sink, 'kind' | 'target'>): string {
  return sink.kind === 'syslog' || !URL.canParse(sink.target) ? sink.target : shownSinkUrl(new URL(sink.target));
}

function toReply(sink: Sink): z.infer<typeof sinkReply> {
  // The URL is the target, shown shortened; the CA is only said to be there.
  const settings = Object.fromEntries(Object.entries(sink.settings).filter(([key]) => key !== 'ca' && key !== 'url'));
  const ca = sink.settings.ca;
  return {
    id: sink.id,
    name: sink.name,
    kind: sink.kind,
    format: sink.format,
    target: shownTarget(sink),
    settings: { ...settings, has_ca: ca !== undefined },
    has_secret: sink.secret_encrypted !== null,
    is_enabled: sink.is_enabled,
    disabled_reason: sink.disabled_reason,
    cursor: encodeEventCursor(sink.cursor_seq),
    consecutive_failures: sink.consecutive_failures,
    next_attempt_at: sink.next_attempt_at.toISOString(),
    failing_since: sink.first_failure_at?.toISOString() ?? null,
    last_error: sink.last_error,
    last_delivered_at: sink.last_delivered_at?.toISOString() ?? null,
    created_at: sink.created_at.toISOString(),
  };
}

function toDelivery(delivery: SinkDelivery): z.infer<typeof deliveryReply> {
  return {
    id: delivery.id,
    attempted_at: delivery.attempted_at.toISOString(),
    outcome: delivery.outcome,
    event_count: delivery.event_count,
    delivered_count: delivery.delivered_count,
    first_cursor: encodeEventCursor(delivery.first_seq - 1),
    http_status: delivery.http_status,
    error: delivery.error,
    duration_ms: delivery.duration_ms,
  };
}

/** SIEM push sinks: create (secrets sealed, targets guarded), list, enable/disable, delivery log, redelivery. */
export const sinksRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/sinks',
    operationId: 'listSinks',
    summary: 'SIEM sinks with their cursor and failure state',
    tag: 'sinks',
    permission: 'sinks:read',
    response: z.object({ items: z.array(sinkReply) }),
    async handle({ services }) {
      return { items: (await new SinksRepository(services.db).list()).map(toReply) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/sinks',
    operationId: 'createSink',
    summary: 'Add a webhook, syslog or Splunk HEC sink; a generated webhook secret is returned once',
    tag: 'sinks',
    permission: 'sinks:write',
    body: sinkInput,
    response: z.object({ sink: sinkReply, secret: z.string().optional().describe('The webhook signing secret, shown only now.') }),
    status: 201,
    // The reply may hold the generated secret: never kept for replays.
    storesReplies: false,
    async handle({ body, services, actor, ip }) {
      const created = await createSink(services.db, services.secrets, services.addressGuard, body);
      await new AuditLogRepository(services.db).append({
        ...auditActor(actor),
        action: 'sink.created',
        targetType: 'sink',
        targetId: created.sink.id,
        details: { name: created.sink.name, kind: created.sink.kind, target: shownTarget(created.sink) },
        ip,
      });
      return { sink: toReply(created.sink), ...(created.generatedSecret === undefined ? {} : { secret: created.generatedSecret }) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/sinks/{id}',
    operationId: 'getSink',
    summary: 'One sink',
    tag: 'sinks',
    permission: 'sinks:read',
    params: idParams,
    response: sinkReply,
    async handle({ params, services }) {
      return toReply(await new SinksRepository(services.db).resolve(params.id));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/sinks/{id}',
    operationId: 'updateSink',
    summary: 'Enable or disable a sink (enabling clears its failures and retries at once)',
    tag: 'sinks',
    permission: 'sinks:write',
    params: idParams,
    body: z.object({ is_enabled: z.boolean(), reason: z.string().max(500).optional() }),
    response: sinkReply,
    async handle({ params, body, services, actor, ip }) {
      const repository = new SinksRepository(services.db);
      const sink = await repository.resolve(params.id);
      const updated = await repository.setEnabled(sink.id, body.is_enabled, body.reason ?? `disabled by ${actor.name}`, services.now());
      await new AuditLogRepository(services.db).append({
        ...auditActor(actor),
        action: body.is_enabled ? 'sink.enabled' : 'sink.disabled',
        targetType: 'sink',
        targetId: sink.id,
        ip,
      });
      return toReply(updated);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/sinks/{id}',
    operationId: 'deleteSink',
    summary: 'Remove a sink and its delivery log',
    tag: 'sinks',
    permission: 'sinks:write',
    params: idParams,
    response: null,
    status: 204,
    async handle({ params, services, actor, ip }) {
      const repository = new SinksRepository(services.db);
      const sink = await repository.resolve(params.id);
      await repository.remove(sink.id);
      await new AuditLogRepository(services.db).append({ ...auditActor(actor), action: 'sink.removed', targetType: 'sink', targetId: sink.id, details: { name: sink.name }, ip });
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/sinks/{id}/deliveries',
    operationId: 'listSinkDeliveries',
    summary: 'The delivery log of a sink, newest first',
    tag: 'sinks',
    permission: 'sinks:read',
    params: idParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.object({ items: z.array(deliveryReply) }),
    async handle({ params, query, services }) {
      const repository = new SinksRepository(services.db);
      const sink = await repository.resolve(params.id);
      return { items: (await repository.deliveries(sink.id, query.limit)).map(toDelivery) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/sinks/{id}/redeliver',
    operationId: 'redeliverSink',
    summary: 'Deliver again from a cursor (e.g. a delivery log entry’s first_cursor) or from the beginning',
    tag: 'sinks',
    permission: 'sinks:write',
    params: idParams,
    body: z.object({ after: z.string().max(100).optional().describe('Redeliver every event after this cursor; omit for every event kept.') }),
    response: sinkReply,
    async handle({ params, body, services, actor, ip }) {
      const repository = new SinksRepository(services.db);
      const sink = await repository.resolve(params.id);
      const seq = body.after === undefined ? 0 : decodeEventCursor(body.after);
      if (seq > sink.cursor_seq) {
        throw new InputValidationError('the redelivery', [{ path: 'body.after', message: 'is past what this sink has delivered; redelivery only goes back' }]);
      }
      const updated = await repository.rewind(sink.id, seq, services.now());
      await new AuditLogRepository(services.db).append({
        ...auditActor(actor),
        action: 'sink.redelivery_requested',
        targetType: 'sink',
        targetId: sink.id,
        details: { fromSeq: seq, previousSeq: sink.cursor_seq },
        ip,
      });
      return toReply(updated);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/sinks/{id}/skip',
    operationId: 'skipSinkEvents',
    summary: 'Move a sink past events its receiver will never take (e.g. a 413 for one event); the events stay in the feed',
    tag: 'sinks',
    permission: 'sinks:write',
    params: idParams,
    body: z.object({ events: z.number().int().min(1).max(10_000).default(1).describe('How many of the next undelivered events to skip; 1 skips the one the receiver refuses.') }),
    response: sinkReply,
    async handle({ params, body, services, actor, ip }) {
      const repository = new SinksRepository(services.db);
      const sink = await repository.resolve(params.id);
      const skipped = await new FindingEventsRepository(services.db).listAfter(sink.cursor_seq, body.events);
      const seq = skipped.at(-1)?.seq;
      if (seq === undefined) {
        throw new InputValidationError('the skip', [{ path: 'body.events', message: 'this sink has taken every event; there is nothing to skip' }]);
      }
      const updated = await repository.rewind(sink.id, seq, services.now());
      await new AuditLogRepository(services.db).append({
        ...auditActor(actor),
        action: 'sink.events_skipped',
        targetType: 'sink',
        targetId: sink.id,
        details: { fromSeq: sink.cursor_seq, toSeq: seq, skipped: skipped.length, eventIds: skipped.map((event) => event.id) },
        ip,
      });
      return toReply(updated);
    },
  }),
];
