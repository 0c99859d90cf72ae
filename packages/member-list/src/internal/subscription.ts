import { MemberListError, MemberListErrorCode } from '../errors.js';
import type { MemberListOp, MemberListRange } from '../types.js';

/** The most ranges one subscriber may hold. */
export const MAX_RANGES = 8;

/**
 * One subscriber's ranges and the ops collected for it during a flush.
 *
 * `bounds` is the union of the ranges as sorted, disjoint, non-adjacent `[start, end]` pairs
 * flattened into one array; op generation only asks "is row p subscribed?" of it.
 */
export class Subscription {
  ranges: readonly MemberListRange[] = [];
  bounds: number[] = [];
  maxEnd = -1;
  /** When the ops for one flush outgrow this, the flush sends SYNCs of the ranges instead. */
  opBudget = 0;
  ops: MemberListOp[] = [];
  resync = false;
  /** The op count at the emitter's latest mark, valid while {@link markToken} is its token. */
  mark = 0;
  /** The mark token of the emitter that set {@link mark}. */
  markToken: object | undefined = undefined;

  /** @param id - the subscriber's id. */
  constructor(readonly id: string) {}

  /** Replaces the ranges (already validated). */
  setRanges(ranges: readonly MemberListRange[]): void {
    this.ranges = ranges;
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const bounds: number[] = [];
    let rows = 0;
    for (const [start, end] of sorted) {
      rows += end - start + 1;
      const last = bounds.length - 1;
      if (last > 0 && start <= bounds[last]! + 1) {
        bounds[last] = Math.max(bounds[last]!, end);
      } else {
        bounds.push(start, end);
      }
    }
    this.bounds = bounds;
    this.maxEnd = bounds.length === 0 ? -1 : bounds[bounds.length - 1]!;
    this.opBudget = Math.max(rows, 16);
  }

  /** @returns whether row `row` lies in one of the ranges. */
  holds(row: number): boolean {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i += 2) {
      if (row < bounds[i]!) return false;
      if (row <= bounds[i + 1]!) return true;
    }
    return false;
  }

  /** @returns whether some subscribed row lies in `[low, high]`. */
  overlaps(low: number, high: number): boolean {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i += 2) {
      if (bounds[i]! <= high && bounds[i + 1]! >= low) return true;
    }
    return false;
  }
}

/**
 * Checks ranges a subscriber asked for.
 *
 * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_RANGE` when `ranges` is not an array
 * of at most {@link MAX_RANGES} `[start, end]` pairs of safe integers with `0 <= start <= end`.
 */
export function validateRanges(ranges: readonly MemberListRange[]): MemberListRange[] {
  if (!Array.isArray(ranges) || ranges.length > MAX_RANGES) {
    throw new MemberListError(
      MemberListErrorCode.InvalidRange,
      `ranges must be an array of at most ${MAX_RANGES} [start, end] pairs`,
    );
  }
  return ranges.map((range) => {
    const [start, end] = Array.isArray(range) ? range : [];
    if (
      range.length !== 2 ||
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      (start as number) < 0 ||
      (end as number) < (start as number)
    ) {
      throw new MemberListError(
        MemberListErrorCode.InvalidRange,
        `range ${JSON.stringify(range)} is not [start, end] with integers 0 <= start <= end`,
      );
    }
    return [start as number, end as number] as const;
  });
}
