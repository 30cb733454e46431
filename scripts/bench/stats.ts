/** Pure helpers for the benches: percentiles and summaries of latency samples. */

/** The nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  /** Samples over the 3-second ack budget (Slack shows the person an error and retries). */
  over3s: number;
  /** Samples over 1 s. */
  over1s: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    over3s: sorted.filter((x) => x > 3000).length,
    over1s: sorted.filter((x) => x > 1000).length,
  };
}

/** A number for a table cell: '—' for NaN, otherwise fixed to `digits`. */
export function cell(x: number, digits = 1, width = 8): string {
  return (Number.isFinite(x) ? x.toFixed(digits) : '—').padStart(width);
}
