import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { createCrawler } from '../crawler/create-crawler.js';
import type { OcrEngine } from '../ocr/ocr-engine.js';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import type { Database } from '../store/open-database.js';
import { createConfiguredOcrEngine } from './configured-ocr-engine.js';
import { loadRuleSet, type LoadedRuleSet } from './load-rule-set.js';

/** A pipeline with the resources it opened, closed together. */
export interface OpenPipeline {
  pipeline: Pipeline;
  rules: LoadedRuleSet;
  close(): Promise<void>;
}

/**
 * Builds this process's pipeline from the environment: the policy's rule set, the crawler, and an
 * OCR engine started on the first image. With `work`, the process takes jobs (in-process queues,
 * or BullMQ's with REDIS_URL); without, it only queues and watches scans.
 */
export async function openPipeline(
  database: Database,
  options: { config: Config; log: Logger; work: boolean; rules?: LoadedRuleSet },
): Promise<OpenPipeline> {
  const { config, log } = options;
  const rules = options.rules ?? (await loadRuleSet(undefined));
  const pipeline = createPipeline({ db: database.db, settings: config.pipeline, retention: rules.policy.policy.retention, coverage: config.coverage, log });
  const crawler = createCrawler(config.crawl, log.child({ module: 'crawler' }));
  let ocr: Promise<OcrEngine> | undefined;
  try {
    if (options.work) {
      await pipeline.work({
        crawler,
        // A failed start is not kept: the next image tries again (after the data is installed, say).
        ocr: () =>
          (ocr ??= createConfiguredOcrEngine(config).catch((error: unknown) => {
            ocr = undefined;
            throw error;
          })),
        ruleSet: rules.ruleSet,
      });
    }
  } catch (error) {
    await pipeline.close();
    await crawler.close();
    throw error;
  }
  return {
    pipeline,
    rules,
    async close() {
      await pipeline.close();
      await crawler.close();
      await (await ocr?.catch(() => undefined))?.close();
    },
  };
}
