/** Latency statistics shared by the benchmarks. */

/** Nearest-rank percentile of ascending `sorted` (p99 of 100 values is the 99th); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** p50, p99 and max of a set of latencies, in the unit they came in. */
export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

/** Summarises ascending `sorted`; every field NaN when it is empty. */
export function summarize(sorted: number[]): LatencySummary {
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}
