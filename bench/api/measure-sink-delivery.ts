import { sql } from 'kysely';
import { generateWebhookSecret } from '../../server/siem/senders/sign-webhook.js';
import { connectSink } from '../../server/siem/connect-sink.js';
import { createSink } from '../../server/siem/create-sink.js';
import type { SinkInputBody } from '../../server/siem/sink-settings.js';
import { startSinkDelivery, type SinkDelivery } from '../../server/siem/sink-delivery.js';
import { SinksRepository } from '../../store/repositories/sinks-repository.js';
import type { Sink } from '../../store/schema.js';
import { startHecReceiver } from '../../test/support/hec-receiver.js';
import { startSyslogReceiver } from '../../test/support/syslog-receiver.js';
import { latencyPercentiles, type LatencyPercentiles } from './latency-percentiles.js';
import { BENCH_LOG, type BenchApi } from './start-bench-api.js';
import { startCountingWebhookReceiver } from './start-counting-webhook-receiver.js';

/** The push sinks measured, each with the format it sends. */
export const MEASURED_SINKS = ['webhook (OCSF)', 'syslog TCP (CEF)', 'Splunk HEC (OCSF)'] as const;
export type MeasuredSink = (typeof MEASURED_SINKS)[number];

/** Draining a backlog of outbox events to one sink. */
export interface BacklogDeliveryResult {
  sink: MeasuredSink;
  events: number;
  eventsPerS: number;
  /** One batch from reading the outbox to the receiver accepting it, as the delivery log records it (ms). */
  batchMs: LatencyPercentiles;
  /** Events the receiver got, in outbox order and each once, out of `events`. */
  receivedInOrder: number;
}

const HEC_TOKEN = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const PRODUCT = { name: 'overshare', vendor: 'overshare', version: '0.0.0-bench' };

/**
 * Delivers the last `events` outbox events to one sink through `startSinkDelivery` (batches of
 * `batchSize`, senders made by `connectSink`) against a receiver on 127.0.0.1 in this process,
 * calling `runOnce` back to back from the first batch until the receiver holds every event; then
 * checks that every event arrived once and in order. This is the senders' and the outbox's
 * capacity; loopDrainRate measures what the self-scheduling loop makes of it.
 */
export async function measureBacklogDelivery(api: BenchApi, options: { sink: MeasuredSink; events: number; batchSize: number }): Promise<BacklogDeliveryResult> {
  const { db } = api.services;
  const receiver = await startReceiver(options.sink);
  const { sink } = await createSink(db, api.services.secrets, api.services.addressGuard, receiver.input);
  const last = await db.selectFrom('finding_events').select(sql<number>`max(seq)`.as('seq')).executeTakeFirstOrThrow();
  const fromSeq = Math.max(0, last.seq - options.events);
  await db.updateTable('sinks').set({ cursor_seq: fromSeq }).where('id', '=', sink.id).execute();
  const delivery = sinkDelivery(api, options.batchSize, 60_000);
  try {
    const began = performance.now();
    // Round after round with no pause: runOnce takes one batch per sink (see loopDrainRate).
    let delivered = 0;
    for (;;) {
      const count = await delivery.runOnce();
      delivered += count;
      if (count === 0 || delivered >= options.events) break;
    }
    await receiver.waitFor(delivered);
    const seconds = (performance.now() - began) / 1000;
    const expected = await db.selectFrom('finding_events').select('id').where('seq', '>', fromSeq).orderBy('seq').execute();
    const received = receiver.ids();
    const receivedInOrder = expected.filter((row, index) => received[index] === row.id).length;
    const batches = await db.selectFrom('sink_deliveries').select('duration_ms').where('sink_id', '=', sink.id).where('outcome', '=', 'delivered').execute();
    return {
      sink: options.sink,
      events: delivered,
      eventsPerS: delivered / seconds,
      batchMs: latencyPercentiles(batches.map((batch) => batch.duration_ms)),
      receivedInOrder: received.length === expected.length ? receivedInOrder : Math.min(receivedInOrder, received.length),
    };
  } finally {
    await delivery.stop();
    await receiver.stop();
    await new SinksRepository(db).remove(sink.id);
  }
}

/** The self-scheduling loop draining a backlog to a webhook sink. */
export interface LoopDrainResult {
  events: number;
  pollMs: number;
  eventsPerS: number;
}

/**
 * Lets `startSinkDelivery` run on its own (as `serve` starts it, with `pollMs`) over a backlog of
 * `events` outbox events for a webhook sink, and measures the rate until the receiver holds them
 * all. Each round of the loop delivers one batch per sink and the next round starts `pollMs`
 * later, so a backlog drains at about `batchSize` events per `pollMs`.
 */
export async function loopDrainRate(api: BenchApi, options: { events: number; batchSize: number; pollMs: number }): Promise<LoopDrainResult> {
  const { db } = api.services;
  const receiver = await startReceiver('webhook (OCSF)');
  const { sink } = await createSink(db, api.services.secrets, api.services.addressGuard, { ...receiver.input, name: 'loop-drain' });
  const last = await db.selectFrom('finding_events').select(sql<number>`max(seq)`.as('seq')).executeTakeFirstOrThrow();
  const events = Math.min(options.events, last.seq);
  await db.updateTable('sinks').set({ cursor_seq: last.seq - events }).where('id', '=', sink.id).execute();
  const began = performance.now();
  const delivery = sinkDelivery(api, options.batchSize, options.pollMs, true);
  try {
    await receiver.waitFor(events, Math.max(30_000, (events / options.batchSize + 2) * options.pollMs * 2));
    return { events, pollMs: options.pollMs, eventsPerS: events / ((performance.now() - began) / 1000) };
  } finally {
    await delivery.stop();
    await receiver.stop();
    await new SinksRepository(db).remove(sink.id);
  }
}

/** Findings recorded while the delivery loop runs, and how long each took to reach the receiver. */
export interface LiveDeliveryResult {
  events: number;
  pollMs: number;
  ratePerS: number;
  /** From the event's `occurred_at` (its transaction's start) to the webhook receiver verifying it, in ms. */
  latency: LatencyPercentiles;
}

/**
 * Records `events` new findings through FindingsRepository (each with its outbox event, as the
 * pipeline does) at about `ratePerS`, while `startSinkDelivery` runs its own loop with `pollMs`
 * and a webhook sink created with `start: now`; measures each event's time from its
 * `occurred_at` to the receiver verifying it.
 */
export async function measureLiveDelivery(api: BenchApi, options: { events: number; ratePerS: number; pollMs: number; batchSize: number; record: (index: number) => Promise<void> }): Promise<LiveDeliveryResult> {
  const { db } = api.services;
  const secret = generateWebhookSecret();
  const receiver = await startCountingWebhookReceiver(secret);
  const { sink } = await createSink(db, api.services.secrets, api.services.addressGuard, { kind: 'webhook', name: 'live-latency', url: receiver.url, format: 'ocsf', secret, start: 'now' });
  const delivery = sinkDelivery(api, options.batchSize, options.pollMs, true);
  try {
    const fromSeq = sink.cursor_seq;
    const began = performance.now();
    for (let index = 0; index < options.events; index += 1) {
      await options.record(index);
      const dueMs = ((index + 1) * 1000) / options.ratePerS - (performance.now() - began);
      if (dueMs > 0) await new Promise((resolve) => setTimeout(resolve, dueMs));
    }
    const expected = await db.selectFrom('finding_events').select(['id', 'occurred_at']).where('seq', '>', fromSeq).orderBy('seq').execute();
    await waitUntil(() => receiver.ids.length >= expected.length, 30_000, () => `the webhook receiver got ${String(receiver.ids.length)} of ${String(expected.length)} live events`);
    const latencies = expected.map((row) => (receiver.arrivedAtMs.get(row.id) ?? Number.NaN) - row.occurred_at.getTime());
    return { events: expected.length, pollMs: options.pollMs, ratePerS: options.ratePerS, latency: latencyPercentiles(latencies) };
  } finally {
    await delivery.stop();
    await receiver.stop();
    await new SinksRepository(db).remove(sink.id);
  }
}

function sinkDelivery(api: BenchApi, batchSize: number, pollMs: number, autoStart = false): SinkDelivery {
  const { db, secrets, addressGuard } = api.services;
  return startSinkDelivery(
    {
      db,
      log: BENCH_LOG,
      settings: { pollMs, batchSize, disableAfterMs: 3_600_000 },
      connect: (stored: Sink) => connectSink(stored, { secrets, guard: addressGuard, product: PRODUCT }),
    },
    autoStart,
  );
}

interface BenchReceiver {
  input: SinkInputBody;
  ids(): string[];
  /** Resolves once `count` events arrived; rejects after `timeoutMs` (default 30 s). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function startReceiver(sink: MeasuredSink): Promise<BenchReceiver> {
  const name = `bench-${sink.split(' ')[0]!.toLowerCase()}`;
  switch (sink) {
    case 'webhook (OCSF)': {
      const secret = generateWebhookSecret();
      const receiver = await startCountingWebhookReceiver(secret);
      return {
        input: { kind: 'webhook', name, url: receiver.url, format: 'ocsf', secret, start: 'beginning' },
        ids: () => receiver.ids,
        waitFor: (count, timeoutMs = 30_000) => waitUntil(() => receiver.ids.length >= count, timeoutMs, () => `the webhook receiver got ${String(receiver.ids.length)} of ${String(count)}`),
        stop: () => receiver.stop(),
      };
    }
    case 'syslog TCP (CEF)': {
      const receiver = await startSyslogReceiver();
      return {
        input: { kind: 'syslog', name, host: '127.0.0.1', port: receiver.port, transport: 'tcp', format: 'cef', facility: 13, start: 'beginning' },
        // The CEF extension carries the event id as cs6.
        ids: () => receiver.messages.map((message) => /cs6=([0-9a-f-]{36})/u.exec(message)?.[1] ?? 'unparsed'),
        waitFor: (count, timeoutMs = 30_000) => receiver.waitForMessages(count, timeoutMs),
        stop: () => receiver.stop(),
      };
    }
    case 'Splunk HEC (OCSF)': {
      const receiver = await startHecReceiver({ token: HEC_TOKEN });
      return {
        input: { kind: 'splunk_hec', name, url: receiver.url, token: HEC_TOKEN, format: 'ocsf', start: 'beginning' },
        ids: () => receiver.events.map((envelope) => (envelope.event as { metadata?: { uid?: string } }).metadata?.uid ?? 'unparsed'),
        waitFor: (count, timeoutMs = 30_000) => waitUntil(() => receiver.events.length >= count, timeoutMs, () => `the HEC receiver got ${String(receiver.events.length)} of ${String(count)}`),
        stop: () => receiver.stop(),
      };
    }
  }
}

async function waitUntil(isDone: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!isDone()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
