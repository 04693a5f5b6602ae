import type { AddressGuard } from '../../crawler/net/address-guard.js';
import { RefusedAddressError } from '../../crawler/net/address-guard.js';
import { InputValidationError } from '../../core/errors.js';
import { SinksRepository } from '../../store/repositories/sinks-repository.js';
import type { Kysely } from 'kysely';
import type { Schema, Sink } from '../../store/schema.js';
import type { SecretBox } from '../auth/secret-box.js';
import { generateWebhookSecret } from './senders/sign-webhook.js';
import type { SinkInputBody } from './sink-settings.js';

/** A created sink, and the webhook signing secret when overshare generated it (shown once). */
export interface CreatedSink {
  sink: Sink;
  generatedSecret?: string;
}

/**
 * Stores a validated sink: its target must pass the crawler's address guard (no private,
 * loopback or link-local targets unless allowed), its secret is sealed, and its cursor starts at
 * the beginning of the kept outbox or at its end.
 */
export async function createSink(db: Kysely<Schema>, secrets: SecretBox, guard: AddressGuard, input: SinkInputBody): Promise<CreatedSink> {
  const target = input.kind === 'syslog' ? `${input.host}:${input.port}` : input.url;
  const host = input.kind === 'syslog' ? input.host : new URL(input.url).hostname;
  try {
    if (input.kind === 'syslog') guard.checkHost(input.host);
    else guard.checkUrl(new URL(input.url));
    // A name resolving to a private address is refused now rather than at every delivery.
    await guard.resolveChecked(host.replace(/^\[|\]$/gu, '')).catch((error: unknown) => {
      if (error instanceof RefusedAddressError) throw error;
      // Not resolvable now (DNS down, a name only the SIEM network knows): checked again at each delivery.
    });
  } catch (error) {
    if (error instanceof RefusedAddressError) {
      throw new InputValidationError(
        'the sink',
        [
          {
            path: input.kind === 'syslog' ? 'host' : 'url',
            message: `refused: ${error.reason}; SIEM sinks reach public addresses only, unless the host, IP or range is listed in SINK_ALLOWED_PRIVATE_HOSTS`,
          },
        ],
        { cause: error },
      );
    }
    throw error;
  }
  let secret: string | undefined;
  let generatedSecret: string | undefined;
  const settings: Record<string, unknown> = {};
  if (input.ca !== undefined) settings.ca = input.ca;
  switch (input.kind) {
    case 'webhook':
      secret = input.secret ?? (generatedSecret = generateWebhookSecret());
      settings.url = input.url;
      break;
    case 'splunk_hec':
      secret = input.token;
      settings.url = input.url;
      if (input.index !== undefined) settings.index = input.index;
      break;
    case 'syslog':
      Object.assign(settings, { host: input.host, port: input.port, transport: input.transport, facility: input.facility });
      if (input.servername !== undefined) settings.servername = input.servername;
      break;
  }
  const repository = new SinksRepository(db);
  const sink = await repository.create({
    name: input.name,
    kind: input.kind,
    format: input.format,
    target,
    settings,
    secretSealed: secret === undefined ? null : secrets.seal(secret),
    startSeq: input.start === 'now' ? await repository.lastSeq() : 0,
  });
  return { sink, ...(generatedSecret === undefined ? {} : { generatedSecret }) };
}
