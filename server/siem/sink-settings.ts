import { z } from 'zod';
import { webhookSigningKey } from './senders/sign-webhook.js';

// The same check the sender makes, so a secret it would refuse at every delivery is refused now.
function isUsableWebhookSecret(secret: string): boolean {
  try {
    webhookSigningKey(secret);
    return true;
  } catch {
    return false;
  }
}

const name = z.string().regex(/^[\w.-]{1,64}$/u, { error: '1 to 64 letters, digits, ".", "_" or "-"' });
const httpUrl = z.url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' });
const pem = z.string().includes('-----BEGIN CERTIFICATE-----', { error: 'must be PEM certificate text' }).max(100_000);
const start = z.enum(['beginning', 'now']).default('beginning').describe('beginning: every event still kept; now: only events from now on.');

/** A new webhook sink (Standard Webhooks): the signing secret is generated unless given. */
export const webhookSinkInput = z.object({
  kind: z.literal('webhook'),
  name,
  url: httpUrl,
  format: z.enum(['native', 'ocsf', 'ecs']).default('native'),
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{32,}$/u, { error: 'must be whsec_ followed by base64 of 24 to 64 bytes' })
    .refine(isUsableWebhookSecret, { error: 'must be whsec_ followed by base64 of 24 to 64 bytes' })
    .optional(),
  ca: pem.optional(),
  start,
});

/** A new syslog sink: RFC 5424 with octet counting over TCP or TLS, carrying CEF. */
export const syslogSinkInput = z.object({
  kind: z.literal('syslog'),
  name,
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65_535),
  transport: z.enum(['tcp', 'tls']).default('tls'),
  format: z.literal('cef').default('cef'),
  facility: z.number().int().min(0).max(23).default(13).describe('Syslog facility; 13 is "log audit".'),
  ca: pem.optional(),
  servername: z.string().max(253).optional(),
  start,
});

/** A new Splunk HTTP Event Collector sink. */
export const splunkHecSinkInput = z.object({
  kind: z.literal('splunk_hec'),
  name,
  url: httpUrl.describe('The HEC base URL, e.g. https://splunk.example:8088'),
  token: z.string().regex(/^[\x21-\x7e]{8,200}$/u, { error: 'must be the HEC token as Splunk shows it: 8 to 200 printable characters, no spaces' }),
  format: z.enum(['native', 'ocsf', 'ecs']).default('ocsf'),
  index: z.string().max(100).optional(),
  ca: pem.optional(),
  start,
});

/** Any new sink; `kind` picks the shape. */
export const sinkInput = z.discriminatedUnion('kind', [webhookSinkInput, syslogSinkInput, splunkHecSinkInput]);
export type SinkInputBody = z.infer<typeof sinkInput>;
