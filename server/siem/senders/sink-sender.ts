/**
 * The contract every SIEM push sender keeps, so one delivery loop (cursor, backoff, disabling)
 * can drive webhooks, syslog and Splunk HEC alike.
 */

/** One event ready to leave: its stable id, when it happened, and its body already formatted for the sink. */
export interface SinkMessage {
  /** The event id; stable across retries, so receivers can drop duplicates (it is the webhook-id). */
  id: string;
  timestamp: Date;
  /** Formatted text, e.g. a JSON document or a CEF line; sent as is. */
  body: string;
}

/**
 * Delivers ordered batches to one target. `send` resolves only when the whole batch was accepted
 * by the receiver; otherwise it throws a SinkDeliveryError saying whether to retry and how many of
 * the batch's first messages were accepted. `close` releases connections; the sender is not used after.
 */
export interface SinkSender {
  send(batch: readonly SinkMessage[], signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
