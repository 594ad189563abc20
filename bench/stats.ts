// Small statistics helpers every benchmark shares: percentiles over samples.

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function summary(samples: number[], digits = 2): { median: number; p99: number; count: number } {
  const r = (x: number) => Number(x.toFixed(digits));
  return { median: r(percentile(samples, 50)), p99: r(percentile(samples, 99)), count: samples.length };
}

/** BENCH_SCALE shrinks workloads for quick runs (default 1). */
export function scaled(n: number): number {
  const s = Number(process.env.BENCH_SCALE ?? '1');
  return Math.max(1, Math.round(n * (Number.isFinite(s) && s > 0 ? s : 1)));
}

/** True when the file is being run directly (`node --import tsx bench/x.bench.ts`). */
export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && metaUrl.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
}
