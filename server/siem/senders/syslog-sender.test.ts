import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, PermanentError, TransientError } from '../../../core/errors.js';
import { createAddressGuard } from '../../../crawler/net/address-guard.js';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/make-test-certificates.js';
import { startSyslogReceiver, type SyslogReceiver } from '../../../test/support/syslog-receiver.js';
import { SinkDeliveryError } from './sink-delivery-error.js';
import type { SinkMessage, SinkSender } from './sink-sender.js';
import { createSyslogSender, type SyslogSenderOptions } from './syslog-sender.js';

// A stand-in for formatSyslogFrame: RFC 5424 with nil fields, octet-counted (RFC 6587).
const frameLocally = (message: SinkMessage): Buffer => {
  const text = Buffer.from(`<134>1 ${message.timestamp.toISOString()} overshare.test overshare - finding - ${message.body}`);
  return Buffer.concat([Buffer.from(`${text.length} `), text]);
};
const bodyOf = (syslogMessage: string) => syslogMessage.slice(syslogMessage.indexOf(' finding - ') + ' finding - '.length);

const events = (count: number, from = 1, padding = ''): SinkMessage[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `evt-${from + index}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index % 60)),
    body: `CEF:0|overshare|overshare|1|marking|Confidential marking ü|8|externalId=evt-${from + index}${padding}`,
  }));

const localGuard = createAddressGuard({ allowedPrivateHosts: ['127.0.0.1'] });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(tls?: { cert: string; key: string }): Promise<SyslogReceiver> {
  const started = await startSyslogReceiver(tls === undefined ? {} : { tls });
  cleanups.push(() => started.stop());
  return started;
}

interface WatchedSender extends SinkSender {
  /** Resolves when the sender has seen its connection close (TCP gives the sender no other way to know). */
  closed(): Promise<void>;
  changes: string[];
}

function sender(options: Partial<SyslogSenderOptions> & Pick<SyslogSenderOptions, 'port'>): WatchedSender {
  const changes: string[] = [];
  let onClosed: (() => void) | undefined;
  const created = createSyslogSender({
    host: '127.0.0.1',
    transport: 'tcp',
    guard: localGuard,
    frame: frameLocally,
    onConnectionChange: (change) => {
      changes.push(change.state);
      if (change.state === 'closed') onClosed?.();
    },
    ...options,
  });
  cleanups.push(() => created.close());
  return {
    ...created,
    changes,
    closed: () => new Promise<void>((resolve) => {
      if (changes.at(-1) === 'closed') resolve();
      else onClosed = resolve;
    }),
  };
}

async function failureOf(promise: Promise<unknown>): Promise<SinkDeliveryError> {
  const error = await promise.then(() => expect.unreachable('the batch was delivered'), (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SinkDeliveryError);
  return error as SinkDeliveryError;
}

describe('createSyslogSender over TCP', () => {
  it('delivers batches as octet-counted frames, in order, on one connection', async () => {
    const target = await receiver();
    const syslog = sender({ port: target.port });
    await syslog.send(events(3));
    await syslog.send(events(2, 4));
    await target.waitForMessages(5);
    expect(target.messages.map(bodyOf)).toEqual([...events(3), ...events(2, 4)].map((event) => event.body));
    expect(target.messages[0]).toMatch(/^<134>1 2026-01-01T00:00:00\.000Z overshare\.test /u);
    expect(target.connectionCount()).toBe(1);
    expect(target.framingErrors).toEqual([]);
  });

  it('delivers a batch far larger than the socket buffers, waiting on backpressure', async () => {
    const target = await receiver();
    const batch = events(3_000, 1, ` msg=${'x'.repeat(2_000)}`);
    await sender({ port: target.port }).send(batch);
    await target.waitForMessages(batch.length);
    expect(target.messages.map(bodyOf)).toEqual(batch.map((event) => event.body));
  });

  it('reports a receiver that is down as retryable with nothing delivered', async () => {
    const target = await receiver();
    await target.stop();
    const error = await failureOf(sender({ port: target.port }).send(events(2)));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryable: true, deliveredCount: 0, status: undefined });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('notices the receiver went away, fails while it is down, and reconnects once it is back', async () => {
    const target = await receiver();
    const syslog = sender({ port: target.port });
    await syslog.send(events(2));
    await target.waitForMessages(2);
    await target.stop();
    await syslog.closed();
    expect(await failureOf(syslog.send(events(1, 3)))).toMatchObject({ retryable: true, deliveredCount: 0 });
    await target.restart();
    await syslog.send(events(1, 3));
    await target.waitForMessages(3);
    expect(target.messages.map(bodyOf)).toEqual(events(3).map((event) => event.body));
    expect(target.connectionCount()).toBe(2);
    expect(syslog.changes).toEqual(['connected', 'closed', 'connected']);
  });

  it('replaces a connection the receiver closed between batches without failing the next one', async () => {
    const target = await receiver();
    const syslog = sender({ port: target.port });
    await syslog.send(events(1));
    await target.waitForMessages(1);
    await target.stop();
    await syslog.closed();
    await target.restart();
    await syslog.send(events(1, 2));
    await target.waitForMessages(2);
    expect(target.messages.map(bodyOf)).toEqual(events(2).map((event) => event.body));
  });

  it('delivers the events before one the framer frames wrongly, then fails permanently at it', async () => {
    const target = await receiver();
    const frame = (message: SinkMessage) => (message.id === 'evt-3' ? Buffer.from(`999 ${message.body}`) : frameLocally(message));
    const error = await failureOf(sender({ port: target.port, frame }).send(events(4)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ retryable: false, deliveredCount: 2 });
    expect(error.message).toContain('"evt-3" cannot be framed');
    await target.waitForMessages(2);
    expect(target.messages).toHaveLength(2);
    expect(target.framingErrors).toEqual([]);
  });

  it('reports a cancelled batch as retryable', async () => {
    const target = await receiver();
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(sender({ port: target.port }).send(events(2), controller.signal));
    expect(error).toMatchObject({ retryable: true, deliveredCount: 0 });
    expect(error.message).toContain('cancelled');
  });

  it('never connects to loopback or private addresses through a default guard', async () => {
    const target = await receiver();
    const defaultGuard = createAddressGuard({ allowedPrivateHosts: [] });
    const resolvesPrivate = createAddressGuard({ allowedPrivateHosts: [], resolve: () => Promise.resolve([{ address: '10.0.0.7', family: 4 }]) });
    const refused = [
      [sender({ port: target.port, guard: defaultGuard }), 'loopback address 127.0.0.1'],
      [sender({ port: target.port, guard: defaultGuard, host: '10.20.30.40' }), 'private address 10.20.30.40'],
      [sender({ port: target.port, guard: resolvesPrivate, host: 'syslog.example.com' }), 'syslog.example.com resolves to private address 10.0.0.7'],
    ] as const;
    for (const [syslog, reason] of refused) {
      const error = await failureOf(syslog.send(events(1)));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
      expect(error.message).toContain(`refused by the address guard: ${reason}`);
    }
    expect(target.connectionCount()).toBe(0);
  });

  it('refuses a bad port or TLS settings on plain TCP with ConfigError', () => {
    const base = { host: '127.0.0.1', guard: localGuard, frame: frameLocally } as const;
    expect(() => createSyslogSender({ ...base, port: 0, transport: 'tcp' })).toThrow(ConfigError);
    expect(() => createSyslogSender({ ...base, port: 70_000, transport: 'tls' })).toThrow(ConfigError);
    expect(() => createSyslogSender({ ...base, port: 514, transport: 'tcp', ca: 'PEM' })).toThrow(ConfigError);
  });
});

describe('createSyslogSender over TLS', () => {
  let certificates: TestCertificates;
  // The certificate names siem.test; the guard resolves it to the local receiver.
  const nameGuard = createAddressGuard({ allowedPrivateHosts: ['siem.test'], resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
  beforeAll(() => {
    certificates = makeTestCertificates(['siem.test']);
  });

  const tlsSender = (target: SyslogReceiver, options: Partial<SyslogSenderOptions> = {}) =>
    sender({ port: target.port, transport: 'tls', host: 'siem.test', guard: nameGuard, ca: certificates.ca, ...options });

  it('delivers to a receiver whose certificate the configured CA signed for the host name', async () => {
    const target = await receiver(certificates);
    await tlsSender(target).send(events(3));
    await target.waitForMessages(3);
    expect(target.messages.map(bodyOf)).toEqual(events(3).map((event) => event.body));
  });

  it('refuses a certificate the configured CA did not sign, permanently and saying to check the CA', async () => {
    const target = await receiver(certificates);
    const error = await failureOf(tlsSender(target, { ca: certificates.otherCa }).send(events(2)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
    expect(error.message).toContain('check the CA certificate configured for the sink');
    expect(target.messages).toEqual([]);
  });

  it('refuses a certificate issued for another name', async () => {
    const target = await receiver(certificates);
    const error = await failureOf(tlsSender(target, { servername: 'other.test' }).send(events(1)));
    expect(error).toMatchObject({ retryable: false, deliveredCount: 0 });
    expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reconnects with a new handshake after the receiver restarts', async () => {
    const target = await receiver(certificates);
    const syslog = tlsSender(target);
    await syslog.send(events(1));
    await target.waitForMessages(1);
    await target.stop();
    await syslog.closed();
    await target.restart();
    await syslog.send(events(1, 2));
    await target.waitForMessages(2);
    expect(target.connectionCount()).toBe(2);
  });
});
