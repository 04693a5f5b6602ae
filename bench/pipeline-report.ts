import { median } from './median.js';
import { PIPELINE_MODES, runPipelineBenchmark, type PipelineModeResult, type ScanMeasure } from './pipeline-benchmark.js';

/** The fixture network of the pipeline benchmark: a few percent of posts leak, a quarter of images show text. */
export const PIPELINE_NETWORK = { postsPerAccount: 20, leakShare: 0.03, textImageShare: 0.25 } as const;

/** Every run of the pipeline benchmark, for the tables and bench/results/. */
export interface PipelineReport {
  accounts: number;
  /** One entry per run, each with every mode. */
  results: PipelineModeResult[][];
}

/** Runs the pipeline benchmark `runs` times over every mode. */
export async function runPipelineReport(options: { runs: number; accounts: number; log?: (line: string) => void }): Promise<PipelineReport> {
  const results: PipelineModeResult[][] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    options.log?.(`pipeline run ${String(run)}/${String(options.runs)}: ${String(options.accounts)} accounts`);
    results.push(await runPipelineBenchmark({ accounts: options.accounts, ...PIPELINE_NETWORK, ...(options.log === undefined ? {} : { log: options.log }) }));
  }
  return { accounts: options.accounts, results };
}

/** Markdown tables of the medians per mode, for docs/benchmarks.md. */
export function pipelineReportMarkdown(report: PipelineReport, runs: number): string {
  const fullRows: string[] = [];
  const rescanRows: string[] = [];
  for (const mode of PIPELINE_MODES) {
    const results = report.results.map((run) => run.find((result) => result.mode === mode)).filter((result) => result !== undefined);
    if (results.length === 0) continue;
    const of = (pick: (result: PipelineModeResult) => number) => median(results.map(pick));
    const perWorker = (scan: (result: PipelineModeResult) => ScanMeasure, pick: (measure: ScanMeasure) => number[]) =>
      (results[0] === undefined ? [] : pick(scan(results[0]))).map((_, index) => of((result) => pick(scan(result))[index] ?? 0));
    const memory = (scan: (result: PipelineModeResult) => ScanMeasure, isFull: boolean) => {
      const workers = perWorker(scan, (measure) => measure.workerPeakRssMiB);
      const before = isFull ? ` (${of((result) => result.startRssMiB).toFixed(0)} before)` : '';
      const self = `${of((result) => scan(result).peakRssMiB).toFixed(0)} MiB${before}`;
      return workers.length === 0 ? self : `${self} + workers ${workers.map((mib) => mib.toFixed(0)).join(' + ')} MiB`;
    };
    const cpu = (scan: (result: PipelineModeResult) => ScanMeasure) =>
      [of((result) => scan(result).cpuS), ...perWorker(scan, (measure) => measure.workerCpuS)].map((seconds) => seconds.toFixed(1)).join(' + ');
    const full = (result: PipelineModeResult) => result.full;
    const rescan = (result: PipelineModeResult) => result.rescan;
    fullRows.push(
      `| ${mode} | ${of((r) => r.full.posts).toFixed(0)} | ${of((r) => r.full.images).toFixed(0)} (${of((r) => r.full.textImages).toFixed(0)}) | ` +
        `${of((r) => r.full.findings).toFixed(0)} | ${of((r) => r.full.leaks.leakPostsFound).toFixed(0)} / ${of((r) => r.full.leaks.leakPosts).toFixed(0)} | ` +
        `${of((r) => r.full.wallS).toFixed(1)} s | ${of((r) => r.full.postsPerS).toFixed(0)} | ${of((r) => r.full.imagesPerS).toFixed(1)} | ` +
        `${cpu(full)} | ${(of((r) => r.full.machineBusyShare) * 100).toFixed(0)} % | ${memory(full, true)} |`,
    );
    rescanRows.push(
      `| ${mode} | ${of((r) => r.rescan.posts).toFixed(0)} | ${of((r) => r.rescan.images).toFixed(0)} (${of((r) => r.rescan.textImages).toFixed(0)}) | ` +
        `${of((r) => r.rescan.findings).toFixed(0)} | ${of((r) => r.rescan.leaks.leakPostsFound).toFixed(0)} / ${of((r) => r.rescan.leaks.leakPosts).toFixed(0)} | ` +
        `${of((r) => r.rescan.wallS).toFixed(2)} s | ${(of((r) => r.rescanShare) * 100).toFixed(1)} % | ${cpu(rescan)} | ${memory(rescan, false)} |`,
    );
  }
  const accounts = report.accounts;
  return [
    `## Pipeline (Mastodon fixture network: ${String(accounts)} accounts × ${String(PIPELINE_NETWORK.postsPerAccount)} posts, 30 % with images, ` +
      `${String(PIPELINE_NETWORK.textImageShare * 100)} % of images with text, ${String(PIPELINE_NETWORK.leakShare * 100)} % leak sentences; median of ${String(runs)} runs)`,
    '',
    '### Full scan',
    '',
    '| mode | posts | images (with text) | findings | leak posts found | wall time | posts/s | images/s | CPU s | machine busy | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...fullRows,
    '',
    `### Incremental rescan (one new post on every tenth account, all ${String(accounts)} rescanned)`,
    '',
    '| mode | new posts | new images (with text) | new findings | leak posts found | wall time | vs full scan | CPU s | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rescanRows,
  ].join('\n');
}
