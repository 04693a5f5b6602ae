import { describe, expect, it } from 'vitest';
import { precision, recall, runRulesAccuracy, type AccuracyReport } from '../bench/rules-accuracy.js';

// The labelled corpus (bench/corpus) through the whole engine: a regression guard, not the
// measurement (that is `npm run bench`, reported in docs/benchmarks.md). The floors sit a little
// under the measured figures, so a change that costs precision or recall fails here first.
const RECALL_FLOOR = 0.95;
let report: AccuracyReport;

describe('the rules on the labelled corpus', () => {
  it('keeps post-level precision at 0.95 or more in every language', async () => {
    report = await runRulesAccuracy();
    expect(report.posts).toBeGreaterThanOrEqual(450);
    for (const language of ['en', 'ru', 'uk', 'pl', 'el']) {
      const tally = report.byLanguage[language];
      expect(tally, language).toBeDefined();
      if (tally !== undefined) expect(precision(tally), language).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('keeps post-level recall at its measured floor', () => {
    const all = report.byLanguage.all;
    expect(all).toBeDefined();
    if (all !== undefined) expect(recall(all)).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it.each(['marking', 'secret', 'credential', 'pii', 'fingerprint', 'employee_id', 'codename', 'financial', 'customer', 'security', 'personnel', 'product'])('finds %s leaks with recall of 0.8 or more', (category) => {
    const tally = report.byCategory[category];
    expect(tally).toBeDefined();
    if (tally !== undefined) expect(recall(tally)).toBeGreaterThanOrEqual(0.8);
  });
});
