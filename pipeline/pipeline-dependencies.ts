import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Schedule } from '../core/schedule.js';
import type { Crawler } from '../crawler/create-crawler.js';
import type { OcrEngine } from '../ocr/ocr-engine.js';
import type { RuleSet } from '../rules/compile-rule-set.js';
import type { Schema } from '../store/schema.js';

/** What the stage processors work with; the same in-process and on BullMQ workers. */
export interface PipelineDependencies {
  db: Kysely<Schema>;
  crawler: Pick<Crawler, 'collect' | 'fetchMedia'>;
  /** The OCR engine, started on first use (its workers take seconds to load their languages). */
  ocr: () => Promise<Pick<OcrEngine, 'extract'>>;
  ruleSet: RuleSet;
  /** The schedule of accounts without their own: a collected account's next scan is set by it. */
  defaultSchedule: Schedule;
  /** Catch-up depth and the backoff of failing accounts (COVERAGE_DEFAULTS when unset). */
  coverage?: Config['coverage'];
  log: Logger;
}
