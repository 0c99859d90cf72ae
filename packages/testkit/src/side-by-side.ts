import { Bench } from 'tinybench';

/** One contender in a side-by-side benchmark. */
export interface BenchCase {
  /** Shown in the table, e.g. `@guildkit/snowflake deconstruct`. */
  readonly name: string;
  /** One call; it should perform {@link SideBySideOptions.opsPerCall} operations. */
  readonly fn: () => void;
}

/** A measured contender, ready for {@link formatComparisonTable}. */
export interface MeasuredCase {
  /** The contender's name. */
  readonly name: string;
  /** Operations per second. */
  readonly opsPerSecond: number;
  /** Anything the reader must know beside the rate (e.g. duplicates produced). */
  readonly note?: string;
}

/** Options for {@link compareSideBySide}. */
export interface SideBySideOptions {
  /** Our implementation: every ratio is ours divided by the peer's rate. */
  readonly ours: BenchCase;
  /** The peers, run on the same fixture in the same process. */
  readonly peers: readonly BenchCase[];
  /**
   * How many operations one call of `fn` performs. Batching keeps the timer's own overhead
   * (tens of ns per sample) out of operations that take a few ns.
   * @defaultValue 1
   */
  readonly opsPerCall?: number;
  /**
   * Measuring time per contender.
   * @defaultValue 1000
   */
  readonly timeMs?: number;
}

/**
 * Runs our implementation and its peers in one process on one fixture with tinybench.
 *
 * @param options - the contenders and how long to measure.
 * @returns one measured row per contender, ours first.
 */
export async function compareSideBySide(options: SideBySideOptions): Promise<MeasuredCase[]> {
  const opsPerCall = options.opsPerCall ?? 1;
  const bench = new Bench({ time: options.timeMs ?? 1000, warmupTime: 200 });
  const contenders = [options.ours, ...options.peers];
  for (const contender of contenders) bench.add(contender.name, contender.fn);
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result === undefined || !('throughput' in result)) {
      throw new Error(`benchmark task "${task.name}" produced no result`);
    }
    return { name: task.name, opsPerSecond: result.throughput.mean * opsPerCall };
  });
}

function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)}M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)}k`;
  return opsPerSecond.toFixed(0);
}

/**
 * Formats measured rows as a Markdown table with the ratio of the first row (ours) to each.
 *
 * @param title - the benchmark's title, printed as a heading.
 * @param rows - measured contenders, ours first.
 * @returns the Markdown text.
 */
export function formatComparisonTable(title: string, rows: readonly MeasuredCase[]): string {
  const [ours] = rows;
  if (ours === undefined) throw new Error('formatComparisonTable needs at least one row');
  const lines = [
    `### ${title}`,
    '',
    '| implementation | ops/s | ours ÷ this | note |',
    '| --- | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const ratio = `${(ours.opsPerSecond / row.opsPerSecond).toFixed(2)}x`;
    lines.push(`| ${row.name} | ${formatRate(row.opsPerSecond)} | ${ratio} | ${row.note ?? ''} |`);
  }
  return `${lines.join('\n')}\n`;
}
