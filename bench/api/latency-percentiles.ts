/** Percentiles of a set of latencies, in milliseconds. */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  count: number;
}

/** Nearest-rank percentiles (p99 of 200 samples is the second largest) of a non-empty list. */
export function latencyPercentiles(samplesMs: readonly number[]): LatencyPercentiles {
  if (samplesMs.length === 0) throw new RangeError('percentiles of no samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (share: number) => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!;
  return {
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    max: sorted.at(-1)!,
    count: sorted.length,
  };
}
