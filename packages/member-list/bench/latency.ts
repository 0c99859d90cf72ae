/** Per-operation latency of one contender. */
export interface LatencyRow {
  /** Shown in the table. */
  readonly name: string;
  /** Median latency in µs. */
  readonly p50: number;
  /** 99th percentile latency in µs. */
  readonly p99: number;
  /** Operations per second over the whole measured run (timer calls included). */
  readonly opsPerSecond: number;
  /** Anything the reader must know beside the figures. */
  readonly note?: string;
}

/** Options for {@link measureLatency}. */
export interface LatencyOptions {
  /** Measured operations. */
  readonly ops: number;
  /** Unmeasured operations run first, so the JIT has settled. */
  readonly warmup: number;
  /** Shown in the table. */
  readonly note?: string;
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/**
 * Times each call of `operation` with `process.hrtime.bigint()` (the timer's own ~50–100 ns
 * are included in every sample; see {@link timerOverhead}).
 *
 * @param name - the contender's name.
 * @param operation - one operation; receives the operation's number, counting warmup.
 * @param options - how many operations to run.
 * @returns the contender's p50, p99 and rate.
 */
export function measureLatency(
  name: string,
  operation: (i: number) => void,
  options: LatencyOptions,
): LatencyRow {
  for (let i = 0; i < options.warmup; i++) operation(i);
  const samples = new Float64Array(options.ops);
  const runStart = process.hrtime.bigint();
  for (let i = 0; i < options.ops; i++) {
    const start = process.hrtime.bigint();
    operation(options.warmup + i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  const totalUs = Number(process.hrtime.bigint() - runStart) / 1000;
  samples.sort();
  return {
    name,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    opsPerSecond: (options.ops / totalUs) * 1e6,
    ...(options.note === undefined ? {} : { note: options.note }),
  };
}

/** @returns the latency of an empty operation: what the timer adds to every sample. */
export function timerOverhead(): LatencyRow {
  return measureLatency('(empty operation: timer overhead)', () => {}, {
    ops: 100_000,
    warmup: 10_000,
  });
}

function formatMicros(us: number): string {
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(us < 10 ? 2 : 1)} µs`;
}

function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)}M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)}k`;
  return opsPerSecond.toFixed(0);
}

/**
 * Formats latency rows as a Markdown table; ratios are each row's p50 divided by the first
 * row's (ours), so "12x" means ours is 12 times faster at the median.
 *
 * @param title - printed as a heading.
 * @param rows - ours first.
 * @returns the Markdown text.
 */
export function formatLatencyTable(title: string, rows: readonly LatencyRow[]): string {
  const [ours] = rows;
  if (ours === undefined) throw new Error('formatLatencyTable needs at least one row');
  const lines = [
    `### ${title}`,
    '',
    '| implementation | p50 | p99 | ops/s | this p50 ÷ ours | note |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const ratio = `${(row.p50 / ours.p50).toFixed(1)}x`;
    lines.push(
      `| ${row.name} | ${formatMicros(row.p50)} | ${formatMicros(row.p99)} | ${formatRate(row.opsPerSecond)} | ${ratio} | ${row.note ?? ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
