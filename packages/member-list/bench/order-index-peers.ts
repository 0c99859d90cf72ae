import { seededRandom } from './fixtures.js';

/** A sorted array of slots with binary search and splice: what people write first. */
export class SortedSlotArray {
  /**
   * @param slots - slots already sorted by `compare`; kept, not copied.
   * @param compare - the order.
   */
  constructor(
    readonly slots: number[],
    private readonly compare: (a: number, b: number) => number,
  ) {}

  /**
   * @param slot - a slot.
   * @returns the index of the first slot not before `slot` (its rank when present).
   */
  lowerBound(slot: number): number {
    let low = 0;
    let high = this.slots.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.slots[middle]!, slot) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** @param slot - a slot not in the array. */
  insert(slot: number): void {
    this.slots.splice(this.lowerBound(slot), 0, slot);
  }

  /** @param slot - a slot in the array, with the key it was inserted with. */
  remove(slot: number): void {
    this.slots.splice(this.lowerBound(slot), 1);
  }
}

/**
 * @param count - how many integers.
 * @param seed - the PRNG seed.
 * @returns `0 .. count-1` in a seeded random order.
 */
export function shuffled(count: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/**
 * @param run - the work to time once.
 * @returns its result and its duration in ms.
 */
export function millis<T>(run: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = run();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** @returns heap plus array-buffer bytes in use, after a full GC when run with --expose-gc. */
export function liveBytes(): number {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** One timed run for {@link formatMillisTable}. */
export interface MillisRow {
  readonly name: string;
  readonly ms: number;
  readonly note?: string;
}

/**
 * @param title - printed as a heading.
 * @param rows - ours first; ratios are each row's time divided by ours.
 * @returns a Markdown table.
 */
export function formatMillisTable(title: string, rows: readonly MillisRow[]): string {
  const [ours] = rows;
  if (ours === undefined) throw new Error('formatMillisTable needs at least one row');
  const lines = [
    `### ${title}`,
    '',
    '| implementation | ms | this ÷ ours | note |',
    '| --- | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const ratio = `${(row.ms / ours.ms).toFixed(2)}x`;
    lines.push(`| ${row.name} | ${row.ms.toFixed(0)} | ${ratio} | ${row.note ?? ''} |`);
  }
  return `${lines.join('\n')}\n`;
}
