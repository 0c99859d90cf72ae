import type { MemberListItem } from '../types.js';
import type { Subscription } from './subscription.js';

/** The list as the emitter sees it: its current length and an item per row. */
export interface RowSource {
  readonly length: number;
  item(row: number): MemberListItem;
}

/**
 * Turns edits of the full list into each subscriber's ops, keeping a replica's subscribed rows
 * equal to the server's after every op.
 *
 * Each edit is reported after it happened. A subscriber gets an edit's ops only when the edit
 * lies at or before its last subscribed row. DELETE/INSERT shift every later row; a
 * subscribed row whose new content comes from an unsubscribed one (a range's last rows after a
 * delete, its first rows after an insert) gets an UPDATE with the row's current item.
 */
export class OpEmitter {
  private readonly cache = new Map<number, MemberListItem>();
  /** The last row any subscriber watches: edits past it concern nobody. */
  private readonly lastWatchedRow: number;
  /** Identifies the latest {@link OpEmitter.mark}; a subscriber holding it has its mark set. */
  private markToken: object = {};
  /** Subscribers given ops since the latest {@link OpEmitter.mark}. */
  private readonly marked: Subscription[] = [];

  /**
   * One emitter serves every flush until the subscriber set changes: it keeps no state between
   * edits beyond the mark, which {@link OpEmitter.mark} renews.
   *
   * @param subscriptions - the subscribers; skipped while their `resync` is set.
   * @param rows - the list after each edit.
   */
  constructor(
    private readonly subscriptions: readonly Subscription[],
    private readonly rows: RowSource,
  ) {
    let last = -1;
    for (const sub of subscriptions) last = Math.max(last, sub.maxEnd);
    this.lastWatchedRow = last;
  }

  /**
   * @returns whether some subscriber watches `row` or a later row. Edits at rows it does not
   * watch need not be reported: they change no subscribed row (group counts travel separately).
   */
  watches(row: number): boolean {
    return row <= this.lastWatchedRow;
  }

  /** Reports that `count` rows starting at row `at` were deleted. */
  deleted(at: number, count: number): void {
    this.cache.clear();
    const length = this.rows.length;
    for (const sub of this.subscriptions) {
      if (sub.resync || at > sub.maxEnd) continue;
      this.keepMark(sub);
      for (let i = 0; i < count; i++) sub.ops.push({ op: 'DELETE', index: at });
      const bounds = sub.bounds;
      for (let b = 0; b < bounds.length; b += 2) {
        const end = bounds[b + 1]!;
        const last = Math.min(end, length - 1);
        for (let row = Math.max(bounds[b]!, at, end - count + 1); row <= last; row++) {
          if (!sub.holds(row + count)) this.refresh(sub, row);
        }
      }
      this.checkBudget(sub);
    }
  }

  /** Reports that `items` were inserted as rows `at`, `at + 1`, …. */
  inserted(at: number, items: readonly MemberListItem[]): void {
    this.cache.clear();
    const count = items.length;
    const length = this.rows.length;
    for (const sub of this.subscriptions) {
      if (sub.resync || at > sub.maxEnd) continue;
      this.keepMark(sub);
      for (let i = 0; i < count; i++)
        sub.ops.push({ op: 'INSERT', index: at + i, item: items[i]! });
      const bounds = sub.bounds;
      for (let b = 0; b < bounds.length; b += 2) {
        const start = bounds[b]!;
        const last = Math.min(start + count - 1, bounds[b + 1]!, length - 1);
        for (let row = Math.max(start, at + count); row <= last; row++) {
          if (!sub.holds(row - count)) this.refresh(sub, row);
        }
      }
      this.checkBudget(sub);
    }
  }

  /** Reports that row `row` now holds `item`. */
  updated(row: number, item: MemberListItem): void {
    for (const sub of this.subscriptions) {
      if (sub.resync || row > sub.maxEnd || !sub.holds(row)) continue;
      this.keepMark(sub);
      sub.ops.push({ op: 'UPDATE', index: row, item });
      this.checkBudget(sub);
    }
  }

  /**
   * Remembers every subscriber's op count, for {@link OpEmitter.dropIfOutside}: lazily, when a
   * subscriber is next given ops, so a mark costs nothing for subscribers an edit misses.
   */
  mark(): void {
    this.markToken = {};
    this.marked.length = 0;
  }

  /**
   * Drops the ops since {@link OpEmitter.mark} of subscribers with no row in `[low, high]`: a
   * row moved from one end of that span to the other leaves every row outside it unchanged.
   */
  dropIfOutside(low: number, high: number): void {
    for (const sub of this.marked) {
      if (!sub.resync && sub.ops.length > sub.mark && !sub.overlaps(low, high)) {
        sub.ops.length = sub.mark;
      }
    }
  }

  /** Records `sub`'s op count as of the latest mark, before its first ops since then. */
  private keepMark(sub: Subscription): void {
    if (sub.markToken === this.markToken) return;
    sub.markToken = this.markToken;
    sub.mark = sub.ops.length;
    this.marked.push(sub);
  }

  private refresh(sub: Subscription, row: number): void {
    let item = this.cache.get(row);
    if (item === undefined) {
      item = this.rows.item(row);
      this.cache.set(row, item);
    }
    sub.ops.push({ op: 'UPDATE', index: row, item });
  }

  private checkBudget(sub: Subscription): void {
    if (sub.ops.length > sub.opBudget) {
      sub.resync = true;
      sub.ops.length = 0;
    }
  }
}
