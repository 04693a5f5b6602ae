import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { precision, recall, runRulesAccuracy, type Tally } from './rules-accuracy.js';
import { runRulesThroughput } from './rules-throughput.js';
import { runStoreThroughput } from './store-throughput.js';

/**
 * Runs every benchmark and prints Markdown tables for docs/benchmarks.md, with the machine they
 * ran on. Raw results go to bench/results/ (not committed).
 *   npm run bench -- [--only store|rules|ocr|ocr-variants|crawler|pipeline|api|cli] [--runs 5] [--findings 2000] [--posts 20000] [--images 100] [--accounts 1000] [--browser-accounts 20] [--api-findings 100000] [--verbose]
 * The OCR section runs once unless --runs is given: one run of every engine over 2 × 100 photos
 * takes several minutes (the native CLI reads about one image per second per core). So does the
 * pipeline section, which scans --accounts accounts three ways (see bench/pipeline-benchmark.ts); its
 * BullMQ workers run the built CLI, so run `npm run build` first. The API section (bench/api/) seeds
 * --api-findings findings into the local PostgreSQL, 3 runs unless --runs is given.
 */
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    findings: { type: 'string', default: '2000' },
    posts: { type: 'string', default: '20000' },
    images: { type: 'string', default: '100' },
    accounts: { type: 'string', default: '1000' },
    'browser-accounts': { type: 'string', default: '20' },
    'api-findings': { type: 'string', default: '100000' },
    verbose: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs ?? '5');
const ocrRuns = Number(values.runs ?? '1');
const pipelineRuns = ocrRuns;
const imageCount = Number(values.images);
const findings = Number(values.findings);
const postCount = Number(values.posts);
const accountCount = Number(values.accounts);
const browserAccountCount = Number(values['browser-accounts']);
const apiRuns = Number(values.runs ?? '3');
const apiFindings = Number(values['api-findings']);
if (
  !Number.isInteger(runs) ||
  runs < 1 ||
  !Number.isInteger(findings) ||
  findings < 10 ||
  !Number.isInteger(postCount) ||
  postCount < 100 ||
  !Number.isInteger(imageCount) ||
  imageCount < 10 ||
  !Number.isInteger(accountCount) ||
  accountCount < 1 ||
  !Number.isInteger(browserAccountCount) ||
  browserAccountCount < 1 ||
  !Number.isInteger(apiFindings) ||
  apiFindings < 2_000 ||
  (values.only !== undefined && !['store', 'rules', 'ocr', 'ocr-variants', 'crawler', 'pipeline', 'api', 'cli'].includes(values.only))
) {
  console.error(
    'usage: npm run bench -- [--only store|rules|ocr|ocr-variants|crawler|pipeline|api|cli] [--runs N>=1] [--findings N>=10] [--posts N>=100] [--images N>=10] [--accounts N>=1] [--browser-accounts N>=1] [--api-findings N>=2000] [--verbose]',
  );
  process.exit(2);
}
const shouldRun = (name: string) => values.only === undefined || values.only === name;
await mkdir(new URL('results/', import.meta.url), { recursive: true });

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
console.log(`Machine: ${machine}\nDate: ${new Date().toISOString().slice(0, 10)}\n`);

if (shouldRun('rules')) {
  const accuracy = await runRulesAccuracy();
  const row = (name: string, tally: Tally) =>
    `| ${name} | ${String(tally.truePositives + tally.falseNegatives)} | ${precision(tally).toFixed(3)} | ${recall(tally).toFixed(3)} | ${String(tally.falsePositives)} | ${String(tally.falseNegatives)} |`;
  console.log(`## Rules accuracy (bench/corpus, ${String(accuracy.posts)} posts)\n`);
  console.log('| posts | leaks | precision | recall | false positives | false negatives |\n|---|---:|---:|---:|---:|---:|');
  for (const [name, tally] of [...Object.entries(accuracy.byLanguage), ...Object.entries(accuracy.bySource)]) console.log(row(name, tally));
  console.log('\n| category | labelled | precision | recall | false positives | false negatives |\n|---|---:|---:|---:|---:|---:|');
  for (const [name, tally] of Object.entries(accuracy.byCategory).sort(([a], [b]) => a.localeCompare(b))) console.log(row(name, tally));
  if (values.verbose) {
    console.log('\nMistakes:');
    for (const mistake of accuracy.mistakes) {
      console.log(`- ${mistake.id}: expected ${mistake.leak ? mistake.expected.join(',') : 'clean'}, found ${mistake.found.join(',') || 'nothing'} — ${JSON.stringify(mistake.text.slice(0, 160))}`);
    }
  }
  console.log(`\n## Rules throughput (${String(postCount)} posts of 300 characters, every pack, one core, median of ${String(runs)} runs)\n`);
  console.log('| posts | posts/s | runs |\n|---|---:|---|');
  const throughput = [];
  for (const mix of ['corpus', 'clean'] as const) {
    const result = await runRulesThroughput(postCount, 300, runs, mix);
    throughput.push({ mix, ...result });
    console.log(`| ${mix} | ${result.postsPerS.toFixed(0)} | ${result.runs.map((rate) => rate.toFixed(0)).join(', ')} |`);
  }
  await writeFile(
    new URL(`results/rules-${String(Date.now())}.json`, import.meta.url),
    JSON.stringify({ machine, accuracy, throughput }, null, 2),
  );
}

if (shouldRun('store')) {
  console.log(`## Store throughput (${findings} findings, median of ${runs} runs)\n`);
  const store = await runStoreThroughput(findings, runs);
  console.log('| engine | posts upserted/s | findings recorded/s (with event) | replayed findings/s | events read/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of store) {
    console.log(
      `| ${row.engine} | ${row.postsPerS.toFixed(0)} | ${row.findingsPerS.toFixed(0)} | ${row.replayedFindingsPerS.toFixed(0)} | ${row.eventsReadPerS.toFixed(0)} |`,
    );
  }

  await writeFile(
    new URL(`results/store-throughput-${Date.now()}.json`, import.meta.url),
    JSON.stringify({ machine, runs, findings, store }, null, 2),
  );
}

if (shouldRun('ocr-variants')) {
  // Imported here: the OCR engine (sharp, tesseract.js) loads only when its section runs.
  const { runGateBenchmark, runOcrVariants } = await import('./ocr-variants.js');
  const gate = await runGateBenchmark({ images: imageCount * 3 });
  console.log(`## OCR text gate (mixed feed, ${String(gate.images)} images, decode excluded)\n`);
  console.log(`Documents let through: ${(gate.documentRecall * 100).toFixed(1)} %; mean gate time ${gate.meanGateMs.toFixed(0)} ms per image.\n`);
  console.log('| kind | images | sent to OCR | skipped |\n|---|---:|---:|---:|');
  for (const [kind, tally] of Object.entries(gate.byKind).sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${kind} | ${String(tally.images)} | ${String(tally.passed)} | ${String(tally.images - tally.passed)} |`);
  }
  const variants = await runOcrVariants({ images: imageCount, ...(values.verbose ? { log: (message: string) => console.error(message) } : {}) });
  console.log(`\n## OCR preprocessing and engine choices (documents feed, ${String(imageCount)} images, one run each)\n`);
  console.log('| variant | images/s | CPU s/image | evidence-word recall | all-word recall | leaks found |\n|---|---:|---:|---:|---:|---:|');
  for (const row of variants) {
    console.log(`| ${row.variant} | ${row.imagesPerS.toFixed(2)} | ${row.cpuSecondsPerImage.toFixed(2)} | ${row.evidenceRecall.toFixed(3)} | ${row.allWordRecall.toFixed(3)} | ${String(row.leaksFound)}/${String(row.leaks)} |`);
  }
  await writeFile(new URL(`results/ocr-variants-${String(Date.now())}.json`, import.meta.url), JSON.stringify({ machine, gate, variants }, null, 2));
}

if (shouldRun('ocr')) {
  // Imported here, not at the top: the OCR engine (sharp, tesseract.js) loads only when its section runs.
  const { runOcrBenchmark } = await import('./ocr-benchmark.js');
  const { ocrReportMarkdown } = await import('./ocr-report-tables.js');
  const report = await runOcrBenchmark({ runs: ocrRuns, images: imageCount, verbose: values.verbose });
  console.log(ocrReportMarkdown(report, ocrRuns, values.verbose));
  await writeFile(new URL(`results/ocr-${String(Date.now())}.json`, import.meta.url), JSON.stringify({ machine, runs: ocrRuns, ...report }, null, 2));
}

if (shouldRun('crawler')) {
  const { crawlerReportMarkdown, runCrawlerReport } = await import('./crawler-report.js');
  const report = await runCrawlerReport({
    runs,
    accounts: accountCount,
    browserAccounts: browserAccountCount,
    ...(values.verbose ? { log: (line: string) => console.error(line) } : {}),
  });
  console.log(crawlerReportMarkdown(report, runs));
  await writeFile(new URL(`results/crawler-${String(Date.now())}.json`, import.meta.url), JSON.stringify({ machine, runs, ...report }, null, 2));
}

if (shouldRun('pipeline')) {
  const { pipelineReportMarkdown, runPipelineReport } = await import('./pipeline-report.js');
  const report = await runPipelineReport({ runs: pipelineRuns, accounts: accountCount, ...(values.verbose ? { log: (line: string) => console.error(line) } : {}) });
  console.log(pipelineReportMarkdown(report, pipelineRuns));
  await writeFile(new URL(`results/pipeline-${String(Date.now())}.json`, import.meta.url), JSON.stringify({ machine, runs: pipelineRuns, ...report }, null, 2));
}

if (shouldRun('cli')) {
  const { cliStartMarkdown, runCliStart } = await import('./cli-start.js');
  const cliRuns = Number(values.runs ?? '10');
  console.log(cliStartMarkdown(await runCliStart(cliRuns), cliRuns));
}

if (shouldRun('api')) {
  const { API_BENCH_DEFAULTS, apiReportMarkdown, runApiReport } = await import('./api/api-report.js');
  const report = await runApiReport({ ...API_BENCH_DEFAULTS, runs: apiRuns, findings: apiFindings, log: (line: string) => console.error(line) });
  console.log(apiReportMarkdown(report));
  await writeFile(new URL(`results/api-${String(Date.now())}.json`, import.meta.url), JSON.stringify({ machine, ...report }, null, 2));
}
