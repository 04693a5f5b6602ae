import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from '../../core/logger.js';
import type { OutboxEvent } from '../../store/finding-event-payload.js';
import { FindingEventsRepository, toOutboxEvent } from '../../store/repositories/finding-events-repository.js';
import { SinksRepository } from '../../store/repositories/sinks-repository.js';
import type { Schema, Sink } from '../../store/schema.js';
import { SinkDeliveryError } from './senders/sink-delivery-error.js';
import type { SinkSender } from './senders/sink-sender.js';

/** How the delivery loop paces itself. */
export interface SinkDeliverySettings {
  /** How often an idle sink looks for new events. */
  pollMs: number;
  /** Events per attempt. */
  batchSize: number;
  /** A sink failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** First retry delay; doubles per failure up to maxBackoffMs, with jitter. Default 1 s and 10 min. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
}

export interface SinkDeliveryOptions {
  db: Kysely<Schema>;
  log: Logger;
  settings: SinkDeliverySettings;
  /** Builds the sender of a sink (and its message bodies); called again when the sink's configuration changes. */
  connect(sink: Sink): SinkConnection;
  now?: () => Date;
  /** Sinks delivered to at once. Default 4. */
  concurrency?: number;
}

/** A sink's sender with the way it turns events into messages. */
export interface SinkConnection {
  sender: SinkSender;
  toMessage(event: OutboxEvent): { id: string; timestamp: Date; body: string };
}

export interface SinkDelivery {
  /** Delivers whatever is due now, sink by sink, until nothing is due; resolves with the events delivered. */
  runOnce(): Promise<number>;
  /** Stops the loop, waits for the attempt in flight, and closes every sender. */
  stop(): Promise<void>;
}

const MAX_RETRY_AFTER_MS = 3_600_000;
const LEASE_MS = 120_000;
// Time left after an aborted batch to record its outcome while the lease still holds.
const LEASE_MARGIN_MS = 20_000;

/**
 * Pushes the outbox to every enabled sink in order. Each sink has its own cursor: a batch is read
 * after it, sent, and the cursor moves past what the receiver accepted (in the same transaction as
 * the delivery-log row). A failure backs off exponentially with jitter (or as long as Retry-After
 * asks, up to an hour) and a sink failing for `disableAfterMs` is disabled. One server at a time
 * delivers to a sink (a lease in its row), so replicas never deliver a batch twice concurrently;
 * after a crash the last batch may be sent again, with the same event ids.
 */
export function startSinkDelivery(options: SinkDeliveryOptions, autoStart = true): SinkDelivery {
  const { db, log, settings } = options;
  const now = options.now ?? (() => new Date());
  const sinks = new SinksRepository(db);
  const events = new FindingEventsRepository(db);
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const connections = new Map<string, { key: string; connection: SinkConnection }>();
  const baseMs = settings.backoffBaseMs ?? 1_000;
  const maxMs = settings.maxBackoffMs ?? 600_000;
  let isStopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  function connectionOf(sink: Sink): SinkConnection {
    const key = JSON.stringify([sink.kind, sink.format, sink.target, sink.settings, sink.secret_encrypted]);
    const known = connections.get(sink.id);
    if (known?.key === key) return known.connection;
    if (known) void known.connection.sender.close();
    const connection = options.connect(sink);
    connections.set(sink.id, { key, connection });
    return connection;
  }

  async function deliverOne(sink: Sink): Promise<number> {
    const rows = await events.listAfter(sink.cursor_seq, settings.batchSize);
    if (rows.length === 0) {
      await sinks.release(sink.id, owner, new Date(now().getTime() + settings.pollMs));
      return 0;
    }
    const batch = rows.map(toOutboxEvent);
    const firstSeq = batch[0]?.seq ?? 0;
    const lastSeq = batch.at(-1)?.seq ?? 0;
    const began = performance.now();
    let connection: SinkConnection;
    // A batch must end before its lease does, or another server could start the same batch.
    const signal = AbortSignal.timeout(LEASE_MS - LEASE_MARGIN_MS);
    try {
      connection = connectionOf(sink);
      await connection.sender.send(
        batch.map((event) => connection.toMessage(event)),
        signal,
      );
    } catch (error) {
      const delivered = error instanceof SinkDeliveryError ? error.deliveredCount : 0;
      const attemptedAt = now();
      const failures = sink.consecutive_failures + 1;
      const firstFailureAt = sink.first_failure_at ?? attemptedAt;
      const retryAfterMs = error instanceof SinkDeliveryError && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
      const backoffMs = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
      // Jitter between half and all of the backoff, so sinks that failed together do not retry together.
      const delayMs = Math.max(retryAfterMs, backoffMs / 2 + Math.random() * (backoffMs / 2));
      const isTooLong = attemptedAt.getTime() - firstFailureAt.getTime() >= settings.disableAfterMs;
      const message = error instanceof Error ? error.message : 'unknown failure';
      await sinks.recordAttempt(
        owner,
        {
          sinkId: sink.id,
          firstSeq,
          lastSeq,
          eventCount: batch.length,
          deliveredCount: delivered,
          outcome: 'failed',
          ...(error instanceof SinkDeliveryError && error.status !== undefined ? { httpStatus: error.status } : {}),
          error: message,
          durationMs: performance.now() - began,
          attemptedAt,
        },
        {
          cursorSeq: delivered > 0 ? (batch[delivered - 1]?.seq ?? sink.cursor_seq) : sink.cursor_seq,
          isFailure: true,
          nextAttemptAt: new Date(attemptedAt.getTime() + delayMs),
          releaseLease: true,
          ...(isTooLong
            ? { disableReason: `failing since ${firstFailureAt.toISOString()} (${failures} attempts); last error: ${message}. Fix the receiver, then enable the sink again.` }
            : {}),
        },
      );
      log.warn({ sink: sink.name, failures, delivered, retryInMs: Math.round(delayMs), isDisabled: isTooLong, err: error }, 'sink delivery failed');
      return delivered;
    }
    const attemptedAt = now();
    const isKept = await sinks.recordAttempt(
      owner,
      { sinkId: sink.id, firstSeq, lastSeq, eventCount: batch.length, deliveredCount: batch.length, outcome: 'delivered', durationMs: performance.now() - began, attemptedAt },
      // A full batch means more may wait: come back at once; a short one means the sink caught up.
      { cursorSeq: lastSeq, isFailure: false, nextAttemptAt: batch.length < settings.batchSize ? new Date(attemptedAt.getTime() + settings.pollMs) : attemptedAt, releaseLease: true },
    );
    if (!isKept) log.warn({ sink: sink.name }, 'another server took over this sink during delivery; its cursor was left to that server');
    if (sink.consecutive_failures > 0) log.info({ sink: sink.name, after: sink.consecutive_failures }, 'sink delivering again');
    return batch.length;
  }

  async function runOnce(): Promise<number> {
    let delivered = 0;
    const inFlight = new Set<Promise<void>>();
    const busy = new Set<string>();
    const concurrency = options.concurrency ?? 4;
    for (;;) {
      if (isStopped) break;
      const current = now();
      // Never a sink this process is delivering to already: batches of one sink go one at a time, in order.
      const sink = await sinks.claimDue(owner, current, new Date(current.getTime() + LEASE_MS), [...busy]);
      if (!sink) {
        // A batch in flight may leave its sink due at once (a full batch: more are waiting), so the
        // round goes on until nothing is in flight and nothing is due, not just nothing is due now.
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
        continue;
      }
      busy.add(sink.id);
      const task: Promise<void> = deliverOne(sink)
        .then((count) => {
          delivered += count;
        })
        .catch((error: unknown) => {
          log.error({ sink: sink.name, err: error }, 'sink delivery could not record its attempt');
        })
        .finally(() => {
          busy.delete(sink.id);
          inFlight.delete(task);
        });
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return delivered;
  }

  function schedule(delayMs: number): void {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = runOnce().catch((error: unknown) => {
        log.error({ err: error }, 'sink delivery round failed; trying again next round');
        return 0;
      });
      void running.finally(() => schedule(settings.pollMs));
    }, delayMs);
    timer.unref();
  }

  if (autoStart) schedule(0);

  return {
    runOnce: async () => {
      await running;
      running = runOnce();
      return running;
    },
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await Promise.all([...connections.values()].map(({ connection }) => connection.sender.close().catch(() => undefined)));
      connections.clear();
    },
  };
}
