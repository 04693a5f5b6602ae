import type { OcrBenchmarkReport, OcrBenchmarkRow, OcrFeed } from './ocr-benchmark.js';
import type { ScoreSummary } from './ocr-scoring.js';

const FEEDS: readonly OcrFeed[] = ['mixed', 'documents'];
const fixed = (value: number, digits = 3) => value.toFixed(digits);

/**
 * The OCR benchmark as Markdown for docs/benchmarks.md: one summary table (speed, recall, leaks,
 * memory per feed and engine), recall and leaks per kind and per language, the goals
 * checked for overshare against the native CLI, and with `verbose` the per-variant table.
 */
export function ocrReportMarkdown(report: OcrBenchmarkReport, runs: number, verbose: boolean): string {
  const out: string[] = [];
  const mixed = report.feeds.mixed;
  out.push(
    `## OCR (${String(report.images)} generated photos per feed, seed ${String(report.seed)}, median of ${String(runs)} run${runs === 1 ? '' : 's'}; native: ${report.nativeVersion}, one process per core, OMP_THREAD_LIMIT=1, eng+pol+rus+ukr+ell)\n`,
    `Feeds: **mixed** — ${String(mixed.images)} images, ${String(mixed.withDocument)} with a document (${fixed((100 * mixed.withDocument) / Math.max(1, mixed.images), 0)} %): ${kinds(mixed.byKind)}; **documents** — ${String(report.feeds.documents.images)} images: ${kinds(report.feeds.documents.byKind)}.\n`,
    '| feed | engine | images/s | × tesseract-cli | CPU s/image | evidence-word recall | all-word recall | leaks found | false leaks | expected rules hit | peak RSS (MiB) | errors | runs (images/s) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const row of report.rows) {
    const baseline = report.rows.find((other) => other.feed === row.feed && other.engine === 'tesseract-cli');
    out.push(
      `| ${row.feed} | ${row.engine} | ${fixed(row.imagesPerS, 2)} | ${baseline === undefined ? '—' : fixed(row.imagesPerS / baseline.imagesPerS, 2)} | ${row.cpuSecondsPerImage === undefined ? '—' : fixed(row.cpuSecondsPerImage, 2)} | ${fixed(row.evidenceRecall)} | ${fixed(row.allWordRecall)} | ${String(row.leaksFound)} / ${String(row.leaks)} | ${String(row.falseLeaks)} / ${String(row.benign)} | ${fixed(row.expectedRuleRecall)} | ${row.peakRssMiB === undefined ? '—' : fixed(row.peakRssMiB, 0)} | ${String(row.errors)} | ${row.runs.map((rate) => fixed(rate, 2)).join(', ')} |`,
    );
  }
  const startup = report.rows.find((row) => row.startupMs !== undefined);
  if (startup?.startupMs !== undefined) out.push(`\novershare engine start-up (not in images/s): ${fixed(startup.startupMs / 1000, 1)} s.`);
  out.push('\nCPU s/image does not change with other load on the machine; images/s does: compare both when the runs disagree.');
  out.push('', ...goals(report.rows));
  out.push('', ...breakdown('kind', report.rows, (row) => row.byKind));
  out.push('', ...breakdown('language', report.rows, (row) => row.byLanguage));
  if (verbose) out.push('', ...breakdown('kind/variant', report.rows, (row) => row.byVariant));
  return out.join('\n');
}

function kinds(byKind: Record<string, number>): string {
  return Object.entries(byKind).map(([kind, count]) => `${kind} ${String(count)}`).join(', ');
}

/** The goals, each checked for overshare against tesseract-cli on the same feed. */
function goals(rows: readonly OcrBenchmarkRow[]): string[] {
  const find = (feed: OcrFeed, engine: OcrBenchmarkRow['engine']) => rows.find((row) => row.feed === feed && row.engine === engine);
  const lines = ['Goals (overshare against tesseract-cli, same images, same run):', ''];
  for (const [feed, speedup] of [['mixed', 1.5], ['documents', 1.0]] as const) {
    const ours = find(feed, 'overshare');
    const native = find(feed, 'tesseract-cli');
    if (ours === undefined || native === undefined) {
      lines.push(`- ${feed}: not measured (overshare or tesseract-cli missing from this run)`);
      continue;
    }
    const ratio = ours.imagesPerS / native.imagesPerS;
    const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
    lines.push(
      `- ${feed}: throughput ×${fixed(ratio, 2)} (goal ≥ ${fixed(speedup, 1)}, ${mark(ratio >= speedup)}); evidence-word recall ${fixed(ours.evidenceRecall)} vs ${fixed(native.evidenceRecall)} (${mark(ours.evidenceRecall >= native.evidenceRecall)}); leaks found ${String(ours.leaksFound)} vs ${String(native.leaksFound)}`,
    );
  }
  const memory = rows.filter((row) => row.peakRssMiB !== undefined).map((row) => row.peakRssMiB!);
  if (memory.length > 0) lines.push(`- peak RSS with the pool busy: ${fixed(Math.max(...memory), 0)} MiB (goal ≤ 1024, ${Math.max(...memory) <= 1024 ? 'met' : '**missed**'})`);
  return lines;
}

/** Evidence recall and leaks (or, for benign groups, all-word recall and false leaks) per group and engine. */
function breakdown(title: string, rows: readonly OcrBenchmarkRow[], groups: (row: OcrBenchmarkRow) => Record<string, ScoreSummary>): string[] {
  const engines = [...new Set(rows.map((row) => row.engine))];
  const lines = [
    `### By ${title} (evidence-word recall · leaks found; benign groups: all-word recall · false leaks)\n`,
    `| feed | ${title} | images | ${engines.join(' | ')} |`,
    `|---|---|---:|${engines.map(() => '---:').join('|')}|`,
  ];
  for (const feed of FEEDS) {
    const feedRows = engines.map((engine) => rows.find((row) => row.feed === feed && row.engine === engine));
    const names = [...new Set(feedRows.flatMap((row) => (row === undefined ? [] : Object.keys(groups(row)))))].sort();
    for (const name of names) {
      const cells = feedRows.map((row) => {
        const group = row === undefined ? undefined : groups(row)[name];
        if (group === undefined) return '—';
        return group.leaks > 0
          ? `${fixed(group.evidenceRecall, 2)} · ${String(group.leaksFound)}/${String(group.leaks)}`
          : `${fixed(group.allWordRecall, 2)} · ${String(group.falseLeaks)} false`;
      });
      const images = feedRows.find((row) => row !== undefined && groups(row)[name] !== undefined);
      lines.push(`| ${feed} | ${name} | ${String(images === undefined ? 0 : groups(images)[name]?.images ?? 0)} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}
