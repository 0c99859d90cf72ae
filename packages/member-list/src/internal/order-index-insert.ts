import type { OrderIndexStore } from './order-index-store.js';

/**
 * Puts `slot` at `position` of `leaf`, the leaf the last descent reached (its path is in
 * `store.pathNode` / `store.pathIndex`): bumps the counts on the path, records a new smallest
 * slot in the branches above, and splits full nodes bottom-up, growing a new root if needed.
 * The caller has reserved `slot` in `store.leafOf`.
 *
 * @param store - the pools of the index.
 * @param leaf - the leaf the descent ended in.
 * @param position - where `slot` goes among the leaf's slots.
 * @param slot - the slot to insert.
 */
export function insertAt(
  store: OrderIndexStore,
  leaf: number,
  position: number,
  slot: number,
): void {
  const { height, pathNode, pathIndex, branchCount } = store;
  const bc = store.branchCapacity;
  for (let level = 0; level < height; level++) {
    const entry = pathNode[level]! * bc + pathIndex[level]!;
    branchCount[entry] = branchCount[entry]! + 1;
  }
  if (position === 0) setMinUpward(store, height - 1, slot);
  store.size++;
  const lc = store.leafCapacity;
  const length = store.leafLength[leaf]!;
  if (length === lc) {
    splitLeaf(store, leaf, position, slot);
    return;
  }
  const keys = store.leafKeys;
  const at = leaf * lc + position;
  for (let i = leaf * lc + length; i > at; i--) keys[i] = keys[i - 1]!;
  keys[at] = slot;
  store.leafLength[leaf] = length + 1;
  store.leafOf[slot] = leaf;
}

/**
 * Records `min` as the smallest slot of the child taken at `level` of the last descent, and
 * above it for as long as that child is its parent's first.
 *
 * @param store - the pools of the index.
 * @param level - the deepest branch level to update.
 * @param min - the new smallest slot.
 */
export function setMinUpward(store: OrderIndexStore, level: number, min: number): void {
  const { pathNode, pathIndex, branchMin } = store;
  const bc = store.branchCapacity;
  for (let l = level; l >= 0; l--) {
    const index = pathIndex[l]!;
    branchMin[pathNode[l]! * bc + index] = min;
    if (index !== 0) return;
  }
}

function splitLeaf(store: OrderIndexStore, leaf: number, position: number, slot: number): void {
  const right = store.allocLeaf();
  const keys = store.leafKeys;
  const lc = store.leafCapacity;
  const leftLength = (lc + 1) >>> 1;
  const rightLength = lc + 1 - leftLength;
  const base = leaf * lc;
  const rightBase = right * lc;
  if (position < leftLength) {
    keys.copyWithin(rightBase, base + leftLength - 1, base + lc);
    keys.copyWithin(base + position + 1, base + position, base + leftLength - 1);
    keys[base + position] = slot;
    store.leafOf[slot] = leaf;
  } else {
    const rightPosition = position - leftLength;
    keys.copyWithin(rightBase, base + leftLength, base + position);
    keys[rightBase + rightPosition] = slot;
    keys.copyWithin(rightBase + rightPosition + 1, base + position, base + lc);
  }
  store.leafLength[leaf] = leftLength;
  store.leafLength[right] = rightLength;
  store.claimSlots(right, 0, rightLength);
  store.leafNext[right] = store.leafNext[leaf]!;
  store.leafNext[leaf] = right;
  addSibling(store, leaf, leftLength, keys[base]!, right, rightLength, keys[rightBase]!);
}

/**
 * Links `right`, split off `left`, as the next child after `left` in the branches of the last
 * descent, splitting full branches upward and growing a new root when the root splits.
 */
function addSibling(
  store: OrderIndexStore,
  left: number,
  leftCount: number,
  leftMin: number,
  right: number,
  rightCount: number,
  rightMin: number,
): void {
  const bc = store.branchCapacity;
  const leafLevel = store.height - 1;
  for (let level = leafLevel; level >= 0; level--) {
    const branch = store.pathNode[level]!;
    const leaves = level === leafLevel;
    const base = branch * bc;
    const at = store.pathIndex[level]! + 1;
    const length = store.branchLength[branch]!;
    store.branchCount[base + at - 1] = leftCount;
    if (length < bc) {
      insertEntry(store, base, length, at, right, rightCount, rightMin);
      store.branchLength[branch] = length + 1;
      setParent(store, right, branch, leaves);
      return;
    }
    const sibling = store.allocBranch();
    const siblingBase = sibling * bc;
    const leftLength = (bc + 1) >>> 1;
    if (at < leftLength) {
      moveEntries(store, base + leftLength - 1, siblingBase, bc - leftLength + 1);
      insertEntry(store, base, leftLength - 1, at, right, rightCount, rightMin);
    } else {
      moveEntries(store, base + leftLength, siblingBase, bc - leftLength);
      insertEntry(
        store,
        siblingBase,
        bc - leftLength,
        at - leftLength,
        right,
        rightCount,
        rightMin,
      );
    }
    const siblingLength = bc + 1 - leftLength;
    store.branchLength[branch] = leftLength;
    store.branchLength[sibling] = siblingLength;
    store.adopt(sibling, 0, siblingLength, leaves);
    if (at < leftLength) setParent(store, right, branch, leaves);
    const counts = store.branchCount;
    let siblingCount = 0;
    for (let i = siblingBase; i < siblingBase + siblingLength; i++) siblingCount += counts[i]!;
    const branchCount =
      level === 0
        ? store.size
        : counts[store.pathNode[level - 1]! * bc + store.pathIndex[level - 1]!]!;
    left = branch;
    leftCount = branchCount - siblingCount;
    leftMin = store.branchMin[base]!;
    right = sibling;
    rightCount = siblingCount;
    rightMin = store.branchMin[siblingBase]!;
  }
  const root = store.allocBranch();
  const base = root * bc;
  setParent(store, left, root, store.height === 0);
  setParent(store, right, root, store.height === 0);
  store.branchChild[base] = left;
  store.branchCount[base] = leftCount;
  store.branchMin[base] = leftMin;
  store.branchChild[base + 1] = right;
  store.branchCount[base + 1] = rightCount;
  store.branchMin[base + 1] = rightMin;
  store.branchLength[root] = 2;
  store.root = root;
  store.height++;
}

function setParent(store: OrderIndexStore, child: number, parent: number, leaf: boolean): void {
  if (leaf) store.leafParent[child] = parent;
  else store.branchParent[child] = parent;
}

/** Opens a gap at `base + at` among `length` entries and fills it. */
function insertEntry(
  store: OrderIndexStore,
  base: number,
  length: number,
  at: number,
  child: number,
  count: number,
  min: number,
): void {
  const { branchChild, branchCount, branchMin } = store;
  for (let i = base + length; i > base + at; i--) {
    branchChild[i] = branchChild[i - 1]!;
    branchCount[i] = branchCount[i - 1]!;
    branchMin[i] = branchMin[i - 1]!;
  }
  branchChild[base + at] = child;
  branchCount[base + at] = count;
  branchMin[base + at] = min;
}

/**
 * Copies `n` branch entries (child, count, min) from `from` to `to`; the ranges may overlap.
 *
 * @param store - the pools of the index.
 * @param from - the first source entry.
 * @param to - the first target entry.
 * @param n - entries to copy.
 */
export function moveEntries(store: OrderIndexStore, from: number, to: number, n: number): void {
  store.branchChild.copyWithin(to, from, from + n);
  store.branchCount.copyWithin(to, from, from + n);
  store.branchMin.copyWithin(to, from, from + n);
}
