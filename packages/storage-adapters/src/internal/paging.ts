/**
 * Discord's "Get Channel Messages" paging over ids sorted ascending, shared by the adapters that
 * hold a channel's ids in order (memory, LMDB), so every adapter pages exactly alike.
 */
import type { CheckedListQuery } from './validate.js';

/**
 * How an `around` page of `limit` splits: up to `newer` messages with larger ids than the
 * anchor, and up to `older` with ids at most the anchor (the anchor message itself included).
 *
 * @param limit - the page size, 1..100.
 * @returns `newer = floor(limit / 2)`, `older = limit - newer`.
 */
export function aroundSplit(limit: number): { readonly newer: number; readonly older: number } {
  const newer = Math.floor(limit / 2);
  return { newer, older: limit - newer };
}

/**
 * Selects one page.
 *
 * @param sortedAscending - a channel's message ids, strictly ascending.
 * @param query - the checked query.
 * @returns the page's ids in the query's order: oldest first for `after`, newest first for
 * `latest`, `before` and `around`.
 */
export function selectPage(sortedAscending: readonly bigint[], query: CheckedListQuery): bigint[] {
  const { anchor, limit } = query;
  switch (query.kind) {
    case 'latest':
      return descending(sortedAscending, sortedAscending.length - limit, sortedAscending.length);
    case 'before': {
      const end = firstIndexAbove(sortedAscending, anchor - 1n);
      return descending(sortedAscending, end - limit, end);
    }
    case 'after': {
      const start = firstIndexAbove(sortedAscending, anchor);
      return sortedAscending.slice(start, start + limit);
    }
    case 'around': {
      const { newer, older } = aroundSplit(limit);
      const split = firstIndexAbove(sortedAscending, anchor);
      return descending(sortedAscending, split - older, split + newer);
    }
  }
}

/**
 * @param sortedAscending - ids, strictly ascending.
 * @param bound - any id.
 * @returns the index of the first id greater than `bound` (the length when there is none).
 */
export function firstIndexAbove(sortedAscending: readonly bigint[], bound: bigint): number {
  let low = 0;
  let high = sortedAscending.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sortedAscending[middle] as bigint) > bound) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The ids at indexes `[start, end)` (clamped to the array), newest first. */
function descending(ids: readonly bigint[], start: number, end: number): bigint[] {
  const from = Math.max(0, start);
  const to = Math.min(ids.length, end);
  const page: bigint[] = [];
  for (let index = to - 1; index >= from; index -= 1) page.push(ids[index] as bigint);
  return page;
}
