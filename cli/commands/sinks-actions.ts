import type { Command } from 'commander';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import { decodeEventCursor, encodeEventCursor } from '../../server/api/routes/events-routes.js';
import type { Database } from '../../store/open-database.js';
import { SinksRepository } from '../../store/repositories/sinks-repository.js';
import type { Sink, SinkDelivery } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { shownTarget } from '../../server/api/routes/sinks-routes.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';
import { refusingBadInput } from './sinks-add-actions.js';

// A table cell for an error is cut here; `sinks show` and `sinks deliveries --json` have it whole.
const ERROR_CELL_CHARS = 60;

/** Events a sink has not taken yet, and the age of the oldest of them in seconds. */
interface Lag {
  events: number;
  oldestAgeS: number;
}

/** `sinks list`: the sinks with their lag and last failure, as a table or JSON Lines, never their secrets. */
export async function listSinks(options: { json?: boolean }): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new SinksRepository(database.db);
    const list = await repository.list();
    const lags = await lagByName(repository);
    if (options.json === true) {
      for (const sink of list) console.log(JSON.stringify(sinkJson(sink, lags.get(sink.name))));
      return;
    }
    if (list.length === 0) {
      console.log('No sinks yet. Add one with `overshare sinks add webhook|syslog|splunk-hec NAME …`.');
      return;
    }
    const rows = list.map((sink) => [
      sink.name,
      sink.kind,
      sink.target,
      sink.format,
      sink.is_enabled ? 'yes' : 'no',
      `${lags.get(sink.name)?.events ?? 0}`,
      `${sink.consecutive_failures}`,
      shorten(sink.last_error ?? '-', ERROR_CELL_CHARS),
      formatTime(sink.last_delivered_at),
    ]);
    console.log(formatTable(['NAME', 'KIND', 'TARGET', 'FORMAT', 'ENABLED', 'LAG', 'FAILURES', 'LAST ERROR', 'LAST DELIVERED'], rows));
    console.log(`\n${plural(list.length, 'sink')}; LAG is the events each has not taken yet.`);
  });
}

/** `sinks show NAME`: every setting and the delivery state of one sink, never its secret. */
export async function showSink(name: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new SinksRepository(database.db);
    const sink = await resolveSink(repository, name);
    console.log(describeSink(sink, (await lagByName(repository)).get(sink.name)));
  });
}

/** `sinks disable NAME`: stops delivering to the sink, keeping its cursor; a bad --reason exits 2. */
export async function disableSink(name: string, options: { reason?: string }, command: Command): Promise<void> {
  await refusingBadInput(command, async () => {
    const reason = options.reason ?? 'disabled from the command line';
    if (reason.length > 500) throw new InputValidationError('sinks disable', [{ path: '--reason', message: 'must be at most 500 characters' }]);
    await withDatabase(async (database) => {
      const repository = new SinksRepository(database.db);
      const sink = await repository.setEnabled((await resolveSink(repository, name)).id, false, reason, new Date());
      await recordCliAudit(database, { action: 'sink.disabled', targetType: 'sink', targetId: sink.id, details: { name: sink.name, reason } });
      console.log(`Disabled ${terminalSafe(sink.name)}: nothing is delivered to it; \`overshare sinks enable ${terminalSafe(sink.name)}\` resumes where it stopped.`);
    });
  });
}

/** `sinks enable NAME`: delivers to the sink again at once, clearing its failures. */
export async function enableSink(name: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new SinksRepository(database.db);
    const sink = await repository.setEnabled((await resolveSink(repository, name)).id, true, null, new Date());
    await recordCliAudit(database, { action: 'sink.enabled', targetType: 'sink', targetId: sink.id, details: { name: sink.name } });
    console.log(`Enabled ${terminalSafe(sink.name)}: its failures are cleared and \`overshare serve\` delivers to it at once.`);
  });
}

/** `sinks remove NAME`: deletes the sink with its delivery log; the events themselves stay. */
export async function removeSink(name: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new SinksRepository(database.db);
    const sink = await resolveSink(repository, name);
    await repository.remove(sink.id);
    await recordCliAudit(database, { action: 'sink.removed', targetType: 'sink', targetId: sink.id, details: { name: sink.name, kind: sink.kind, target: shownTarget(sink) } });
    console.log(`Removed ${terminalSafe(sink.name)} and its delivery log.`);
  });
}

/** `sinks deliveries NAME`: the sink's delivery log, newest first, as a table or JSON Lines. */
export async function listSinkDeliveries(name: string, options: { limit: number; json?: boolean }): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new SinksRepository(database.db);
    const sink = await resolveSink(repository, name);
    const list = await repository.deliveries(sink.id, options.limit);
    if (options.json === true) {
      for (const delivery of list) console.log(JSON.stringify(deliveryJson(delivery)));
      return;
    }
    if (list.length === 0) {
      console.log(`No deliveries to ${terminalSafe(sink.name)} yet: \`overshare serve\` delivers while it runs, once there are finding events.`);
      return;
    }
    const rows = list.map((delivery) => [
      formatTime(delivery.attempted_at),
      delivery.outcome,
      `${delivery.delivered_count}/${delivery.event_count}`,
      delivery.http_status === null ? '-' : `${delivery.http_status}`,
      `${delivery.duration_ms}`,
      encodeEventCursor(delivery.first_seq - 1),
      shorten(delivery.error ?? '-', ERROR_CELL_CHARS),
    ]);
    console.log(formatTable(['ATTEMPTED', 'OUTCOME', 'DELIVERED', 'HTTP', 'MS', 'FROM CURSOR', 'ERROR'], rows));
    console.log(`\n${plural(list.length, 'attempt')}; \`overshare sinks redeliver ${terminalSafe(sink.name)} --after CURSOR\` sends again from a FROM CURSOR.`);
  });
}

/** `sinks redeliver NAME --after CURSOR|--all`: rewinds the sink's cursor, never past what it delivered; bad input exits 2. */
export async function redeliverSink(name: string, options: { after?: string; all?: boolean }, command: Command): Promise<void> {
  await refusingBadInput(command, async () => {
    if (options.after === undefined && options.all !== true) {
      throw new InputValidationError('sinks redeliver', [{ path: '--after', message: 'say from where: --after CURSOR (from `overshare sinks deliveries`), or --all' }]);
    }
    const seq = options.after === undefined ? 0 : cursorSeq(options.after);
    await withDatabase(async (database) => {
      const repository = new SinksRepository(database.db);
      const sink = await resolveSink(repository, name);
      if (seq > sink.cursor_seq) {
        throw new InputValidationError('sinks redeliver', [
          { path: '--after', message: `is past what ${sink.name} has delivered (its cursor is ${encodeEventCursor(sink.cursor_seq)}); redelivery only goes back` },
        ]);
      }
      const updated = await repository.rewind(sink.id, seq, new Date());
      await recordCliAudit(database, { action: 'sink.redelivery_requested', targetType: 'sink', targetId: sink.id, details: { name: sink.name, fromSeq: seq, previousSeq: sink.cursor_seq } });
      const lag = (await lagByName(repository)).get(sink.name)?.events ?? 0;
      console.log(
        `${terminalSafe(updated.name)} will be sent ${plural(lag, 'event')} again from cursor ${encodeEventCursor(seq)}` +
          (updated.is_enabled ? ' while `overshare serve` runs.' : `, once enabled: \`overshare sinks enable ${terminalSafe(updated.name)}\`.`),
      );
    });
  });
}

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

async function resolveSink(repository: SinksRepository, name: string): Promise<Sink> {
  try {
    return await repository.resolve(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    error.message = `No sink is named ${JSON.stringify(terminalSafe(name))}: \`overshare sinks list\` shows the sinks.`;
    throw error;
  }
}

async function lagByName(repository: SinksRepository): Promise<Map<string, Lag>> {
  return new Map((await repository.lag()).map((lag) => [lag.name, { events: lag.events, oldestAgeS: lag.oldestAgeS }]));
}

function cursorSeq(cursor: string): number {
  try {
    return decodeEventCursor(cursor);
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    throw new InputValidationError('sinks redeliver', [{ path: '--after', message: 'is not a cursor overshare issued: copy one from `overshare sinks deliveries` or `sinks show`, or use --all' }], { cause: error });
  }
}

function shorten(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/** A setting as text: strings and numbers as they are, anything else as JSON. */
function settingText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  return JSON.stringify(value);
}

function sinkJson(sink: Sink, lag: Lag | undefined): Record<string, unknown> {
  const { ca, ...settings } = sink.settings;
  return {
    id: sink.id,
    name: sink.name,
    kind: sink.kind,
    format: sink.format,
    target: sink.target,
    settings: { ...settings, hasCa: ca !== undefined },
    hasSecret: sink.secret_encrypted !== null,
    isEnabled: sink.is_enabled,
    disabledReason: sink.disabled_reason,
    cursor: encodeEventCursor(sink.cursor_seq),
    lagEvents: lag?.events ?? 0,
    lagOldestAgeS: Math.round(lag?.oldestAgeS ?? 0),
    consecutiveFailures: sink.consecutive_failures,
    failingSince: sink.first_failure_at?.toISOString() ?? null,
    nextAttemptAt: sink.next_attempt_at.toISOString(),
    lastError: sink.last_error,
    lastDeliveredAt: sink.last_delivered_at?.toISOString() ?? null,
    createdAt: sink.created_at.toISOString(),
  };
}

function deliveryJson(delivery: SinkDelivery): Record<string, unknown> {
  return {
    id: delivery.id,
    attemptedAt: delivery.attempted_at.toISOString(),
    outcome: delivery.outcome,
    eventCount: delivery.event_count,
    deliveredCount: delivery.delivered_count,
    fromCursor: encodeEventCursor(delivery.first_seq - 1),
    httpStatus: delivery.http_status,
    error: delivery.error,
    durationMs: delivery.duration_ms,
  };
}

function describeSink(sink: Sink, lag: Lag | undefined): string {
  const settings = sink.settings;
  const events = lag?.events ?? 0;
  const fields: [string, string | null][] = [
    ['id', sink.id],
    ['name', sink.name],
    ['kind', sink.kind],
    ['format', sink.format],
    ['target', sink.target],
    ['transport', settingText(settings.transport)],
    ['facility', settingText(settings.facility)],
    ['server name', settingText(settings.servername)],
    ['index', settingText(settings.index)],
    ['CA', settings.ca === undefined ? 'the system’s public CAs' : 'its own CA certificate'],
    ['secret', sink.secret_encrypted === null ? 'none' : 'sealed (never shown)'],
    ['enabled', sink.is_enabled ? 'yes' : `no (${sink.disabled_reason ?? 'no reason given'})`],
    ['cursor', encodeEventCursor(sink.cursor_seq)],
    ['lag', events === 0 ? '0 events' : `${plural(events, 'event')}, the oldest ${Math.round(lag?.oldestAgeS ?? 0)} s old`],
    ['failures', `${sink.consecutive_failures}${sink.first_failure_at === null ? '' : `, failing since ${formatTime(sink.first_failure_at)}`}`],
    ['next attempt', sink.is_enabled ? formatTime(sink.next_attempt_at) : '- (disabled)'],
    ['last error', sink.last_error ?? '-'],
    ['last delivered', formatTime(sink.last_delivered_at)],
    ['added', formatTime(sink.created_at)],
  ];
  const shown = fields.filter(([, value]) => value !== null);
  const width = Math.max(...shown.map(([label]) => label.length)) + 1;
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)} ${terminalSafe(value ?? '-')}`).join('\n');
}
