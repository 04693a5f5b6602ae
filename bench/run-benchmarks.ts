import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runStoreThroughput } from './store-throughput.js';

/**
 * Runs every benchmark and prints Markdown tables for docs/benchmarks.md, with the machine they
 * ran on. Raw results go to bench/results/ (not committed).
 *   npm run bench -- [--runs 5] [--findings 2000]
 */
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, findings: { type: 'string', default: '2000' } },
});
const runs = Number(values.runs);
const findings = Number(values.findings);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(findings) || findings < 10) {
  console.error('usage: npm run bench -- [--runs N>=1] [--findings N>=10]');
  process.exit(2);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
console.log(`Machine: ${machine}\nDate: ${new Date().toISOString().slice(0, 10)}\n`);

console.log(`## Store throughput (${findings} findings, median of ${runs} runs)\n`);
const store = await runStoreThroughput(findings, runs);
console.log('| engine | posts upserted/s | findings recorded/s (with event) | replayed findings/s | events read/s |');
console.log('|---|---:|---:|---:|---:|');
for (const row of store) {
  console.log(
    `| ${row.engine} | ${row.postsPerS.toFixed(0)} | ${row.findingsPerS.toFixed(0)} | ${row.replayedFindingsPerS.toFixed(0)} | ${row.eventsReadPerS.toFixed(0)} |`,
  );
}

await mkdir(new URL('results/', import.meta.url), { recursive: true });
await writeFile(
  new URL(`results/store-throughput-${Date.now()}.json`, import.meta.url),
  JSON.stringify({ machine, runs, findings, store }, null, 2),
);
