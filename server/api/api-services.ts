import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from '../../core/logger.js';
import type { Policy } from '../../core/policy-schema.js';
import type { Pipeline } from '../../pipeline/create-pipeline.js';
import type { Database } from '../../store/open-database.js';
import type { Schema } from '../../store/schema.js';
import type { AddressGuard } from '../../crawler/net/address-guard.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { Actor } from './actor.js';

/** One rule as the API lists it (from the compiled rule set of the policy in force). */
export interface RuleInfo {
  id: string;
  title: string;
  category: string;
  severity: string;
  pack: string;
  description?: string | undefined;
  /** The pack's own samples: texts the rule must flag, and neighbours it must leave alone. */
  examples?: { leak: readonly string[]; clean: readonly string[] } | undefined;
}

/** What the API's routes work with, built once by `serve` (and by tests, with real parts). */
export interface ApiServices {
  db: Kysely<Schema>;
  database: Database;
  log: Logger;
  version: string;
  policy: Policy;
  /** The rules in force. */
  rules: readonly RuleInfo[];
  /** Scans and queue state; absent only in tests that need no scans. */
  pipeline?: Pipeline;
  /** Encrypts sink secrets at rest. */
  secrets: SecretBox;
  /** Checks outbound SIEM targets like the crawler checks platforms. */
  addressGuard: AddressGuard;
  /** Whether the server is reached over TLS (cookies get `Secure`). */
  isSecure: boolean;
  /** Who the request is from, or undefined when it carries no credentials (throws on bad ones). */
  authenticate(request: Request): Promise<Actor | undefined>;
  /** Check every reply against its route's response schema (tests): a reply the OpenAPI document does not describe fails. */
  checkReplies?: boolean;
  /** The clock; tests set it to move time. */
  now(): Date;
}
