import { hostname } from 'node:os';
import type { AddressGuard } from '../../crawler/net/address-guard.js';
import { PermanentError } from '../../core/errors.js';
import type { OutboxEvent } from '../../store/finding-event-payload.js';
import type { Sink } from '../../store/schema.js';
import type { SecretBox } from '../auth/secret-box.js';
import { formatCef } from './formats/format-cef.js';
import { formatEvent, isEventFormat } from './formats/event-formats.js';
import { formatEventSyslogFrame } from './formats/format-syslog-message.js';
import type { ProductInfo } from './formats/product-info.js';
import { createSplunkHecSender } from './senders/splunk-hec-sender.js';
import { createSyslogSender } from './senders/syslog-sender.js';
import type { SinkMessage } from './senders/sink-sender.js';
import { createWebhookSender } from './senders/webhook-sender.js';
import type { SinkConnection } from './sink-delivery.js';

export interface ConnectSinkOptions {
  secrets: SecretBox;
  guard: AddressGuard;
  product: ProductInfo;
}

/** The stored settings of a sink, as sink-settings.ts validated them at creation. */
interface StoredSettings {
  url?: string;
  host?: string;
  port?: number;
  transport?: 'tcp' | 'tls';
  facility?: number;
  ca?: string;
  servername?: string;
  index?: string;
}

/**
 * Builds the sender of a stored sink and the way its events become messages: JSON documents in the
 * sink's format for webhooks and HEC, CEF lines in RFC 5424 octet-counted frames for syslog.
 */
export function connectSink(sink: Sink, options: ConnectSinkOptions): SinkConnection {
  const settings = sink.settings as StoredSettings;
  const secret = sink.secret_encrypted === null ? undefined : options.secrets.open(sink.secret_encrypted);
  const format = isEventFormat(sink.format) ? sink.format : 'native';
  const asJson = (event: Parameters<SinkConnection['toMessage']>[0]) => ({
    id: event.id,
    timestamp: event.occurredAt,
    body: JSON.stringify(formatEvent(event, format, options.product)),
  });
  switch (sink.kind) {
    case 'webhook':
      return {
        sender: createWebhookSender({ url: sink.target, secret: secret ?? '', guard: options.guard, ...(settings.ca ? { ca: settings.ca } : {}) }),
        toMessage: asJson,
      };
    case 'splunk_hec':
      return {
        sender: createSplunkHecSender({
          url: sink.target,
          token: secret ?? '',
          guard: options.guard,
          host: hostname(),
          ...(settings.index ? { index: settings.index } : {}),
          ...(settings.ca ? { ca: settings.ca } : {}),
        }),
        toMessage: asJson,
      };
    case 'syslog': {
      // The frame is made from the event itself (the same function the golden file checks).
      const eventsOf = new WeakMap<SinkMessage, OutboxEvent>();
      const origin = { facility: settings.facility ?? 13, hostname: hostname() };
      return {
        sender: createSyslogSender({
          host: settings.host ?? '',
          port: settings.port ?? 6514,
          transport: settings.transport ?? 'tls',
          guard: options.guard,
          ...(settings.ca ? { ca: settings.ca } : {}),
          ...(settings.servername ? { servername: settings.servername } : {}),
          frame: (message) => {
            const event = eventsOf.get(message);
            if (!event) throw new PermanentError('A syslog message was framed without its event; this is a bug.');
            return formatEventSyslogFrame(event, options.product, origin);
          },
        }),
        toMessage(event) {
          const message = { id: event.id, timestamp: event.occurredAt, body: formatCef(event, options.product) };
          eventsOf.set(message, event);
          return message;
        },
      };
    }
  }
}
