import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp, UpdatedAt } from './column-types.js';

/* The SIEM sink tables (migration 0003-api), as Kysely sees them; schema.ts puts them in the Schema. */

export type SinkKind = 'webhook' | 'syslog' | 'splunk_hec';
export type SinkFormat = 'native' | 'ocsf' | 'ecs' | 'cef';

/** A push target for SIEM events with its own cursor into the outbox. */
export interface SinksTable {
  id: Generated<string>;
  name: string;
  kind: SinkKind;
  format: SinkFormat;
  /** URL for webhook and HEC, `host:port` for syslog. */
  target: string;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The signing secret or token, encrypted with AES-256-GCM under the instance's secret key. */
  secret_encrypted: string | null;
  is_enabled: Generated<boolean>;
  disabled_reason: string | null;
  /** The last outbox `seq` this sink has taken; 0 before the first. */
  cursor_seq: ColumnType<number, number | undefined, number>;
  consecutive_failures: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  first_failure_at: Timestamp | null;
  last_error: string | null;
  last_delivered_at: Timestamp | null;
  /** The server delivering now, and until when its claim holds. */
  lease_owner: string | null;
  lease_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SinkDeliveriesTable {
  id: ColumnType<number, never, never>;
  sink_id: string;
  first_seq: number;
  last_seq: number;
  event_count: number;
  delivered_count: number;
  outcome: 'delivered' | 'failed' | 'redelivered';
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: CreatedAt;
}
