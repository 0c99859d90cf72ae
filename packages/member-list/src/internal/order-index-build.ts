import type { OrderIndexStore } from './order-index-store.js';

/**
 * Bulk-built nodes are filled to seven eighths: full nodes would split on the first insert into
 * each of them, while the spare eighth absorbs a burst of inserts with no split at all.
 */
function fillTarget(capacity: number): number {
  return Math.max(2, capacity - (capacity >>> 3));
}

/** Splits `total` items into `parts` runs whose lengths differ by at most one. */
function runStart(total: number, parts: number, part: number): number {
  return Math.floor((total * part) / parts);
}

/**
 * Replaces the content of `store` with `slots`, which the caller has checked are valid and
 * strictly sorted: leaves are filled left to right, then each branch level above them, in O(n)
 * with no comparison.
 *
 * @param store - the pools of the index.
 * @param slots - the slots in key order.
 */
export function buildSorted(store: OrderIndexStore, slots: ArrayLike<number>): void {
  const n = slots.length;
  const lc = store.leafCapacity;
  const bc = store.branchCapacity;
  const leaves = n <= lc ? 1 : Math.ceil(n / fillTarget(lc));
  const levelWidths: number[] = [];
  let branches = 0;
  for (let width = leaves; width > 1; ) {
    width = width <= bc ? 1 : Math.ceil(width / fillTarget(bc));
    levelWidths.push(width);
    branches += width;
  }
  let slotLimit = 0;
  for (let i = 0; i < n; i++) slotLimit = Math.max(slotLimit, slots[i]! + 1);
  store.reset(leaves, branches, slotLimit);
  const keys = store.leafKeys;
  const leafOf = store.leafOf;
  for (let leaf = 0; leaf < leaves; leaf++) {
    const start = runStart(n, leaves, leaf);
    const end = runStart(n, leaves, leaf + 1);
    const base = leaf * lc;
    for (let i = start; i < end; i++) {
      const slot = slots[i]!;
      keys[base + i - start] = slot;
      leafOf[slot] = leaf;
    }
    store.leafLength[leaf] = end - start;
    store.leafNext[leaf] = leaf + 1 < leaves ? leaf + 1 : -1;
  }
  store.size = n;
  if (leaves === 1) return;
  const { branchChild, branchCount, branchMin, branchLength, leafParent, branchParent } = store;
  let childFirst = 0;
  let childWidth = leaves;
  let firstBranch = 0;
  let childrenAreLeaves = true;
  for (const width of levelWidths) {
    for (let b = 0; b < width; b++) {
      const branch = firstBranch + b;
      const start = runStart(childWidth, width, b);
      const end = runStart(childWidth, width, b + 1);
      const base = branch * bc;
      for (let i = start; i < end; i++) {
        const child = childFirst + i;
        const entry = base + i - start;
        branchChild[entry] = child;
        if (childrenAreLeaves) {
          leafParent[child] = branch;
          branchCount[entry] = store.leafLength[child]!;
          branchMin[entry] = keys[child * lc]!;
        } else {
          branchParent[child] = branch;
          branchCount[entry] = sumCounts(store, child);
          branchMin[entry] = branchMin[child * bc]!;
        }
      }
      branchLength[branch] = end - start;
    }
    childFirst = firstBranch;
    childWidth = width;
    firstBranch += width;
    childrenAreLeaves = false;
  }
  store.root = childFirst;
  store.height = levelWidths.length;
}

function sumCounts(store: OrderIndexStore, branch: number): number {
  const base = branch * store.branchCapacity;
  let sum = 0;
  for (let i = base; i < base + store.branchLength[branch]!; i++) sum += store.branchCount[i]!;
  return sum;
}
