import { moveEntries, setMinUpward } from './order-index-insert.js';
import { NO_NODE, type OrderIndexStore } from './order-index-store.js';

/**
 * The fewest slots a non-root leaf may hold. A quarter (not the textbook half) leaves room
 * between a split and a merge, so a slot moving back and forth at a boundary does not make a
 * node split and merge on every operation.
 *
 * @param leafCapacity - slots per leaf.
 * @returns the minimum fill.
 */
export function minLeafFill(leafCapacity: number): number {
  return Math.max(1, leafCapacity >>> 2);
}

/**
 * The fewest children a non-root branch may hold (see {@link minLeafFill}).
 *
 * @param branchCapacity - children per branch.
 * @returns the minimum fill.
 */
export function minBranchFill(branchCapacity: number): number {
  return Math.max(2, branchCapacity >>> 2);
}

/**
 * Takes the slot at `position` out of `leaf`, the leaf the last descent reached: lowers the
 * counts on the path, records the leaf's new smallest slot above it, and merges or evens out
 * underfull nodes bottom-up, dropping the root while it has a single child.
 *
 * @param store - the pools of the index.
 * @param leaf - the leaf the descent ended in.
 * @param position - the slot's position in the leaf.
 */
export function removeAt(store: OrderIndexStore, leaf: number, position: number): void {
  const { height, pathNode, pathIndex, branchCount } = store;
  const bc = store.branchCapacity;
  for (let level = 0; level < height; level++) {
    const entry = pathNode[level]! * bc + pathIndex[level]!;
    branchCount[entry] = branchCount[entry]! - 1;
  }
  store.size--;
  const keys = store.leafKeys;
  const base = leaf * store.leafCapacity;
  const length = store.leafLength[leaf]! - 1;
  store.leafOf[keys[base + position]!] = NO_NODE;
  for (let i = base + position; i < base + length; i++) keys[i] = keys[i + 1]!;
  store.leafLength[leaf] = length;
  if (height === 0) return;
  if (position === 0 && length > 0) setMinUpward(store, height - 1, keys[base]!);
  if (length < minLeafFill(store.leafCapacity)) rebalance(store);
}

function rebalance(store: OrderIndexStore): void {
  const bc = store.branchCapacity;
  const leafLevel = store.height - 1;
  const minLeaf = minLeafFill(store.leafCapacity);
  const minBranch = minBranchFill(bc);
  for (let level = leafLevel; level >= 0; level--) {
    const branch = store.pathNode[level]!;
    const index = store.pathIndex[level]!;
    const child = store.branchChild[branch * bc + index]!;
    const underfull =
      level === leafLevel
        ? store.leafLength[child]! < minLeaf
        : store.branchLength[child]! < minBranch;
    if (!underfull) break;
    const left = index + 1 < store.branchLength[branch]! ? index : index - 1;
    if (level === leafLevel) joinLeaves(store, branch, left);
    else joinBranches(store, branch, left, level + 1 === leafLevel);
    if (left === 0 && level > 0) setMinUpward(store, level - 1, store.branchMin[branch * bc]!);
  }
  while (store.height > 0 && store.branchLength[store.root] === 1) {
    const old = store.root;
    store.root = store.branchChild[old * bc]!;
    store.freeBranch(old);
    store.height--;
    if (store.height === 0) store.leafParent[store.root] = NO_NODE;
    else store.branchParent[store.root] = NO_NODE;
  }
}

/** Merges children `left` and `left + 1` of `branch` when they fit in one leaf, else evens them out. */
function joinLeaves(store: OrderIndexStore, branch: number, left: number): void {
  const { leafKeys: keys, leafLength, branchChild, branchCount, branchMin } = store;
  const lc = store.leafCapacity;
  const entry = branch * store.branchCapacity + left;
  const leftLeaf = branchChild[entry]!;
  const rightLeaf = branchChild[entry + 1]!;
  const leftBase = leftLeaf * lc;
  const rightBase = rightLeaf * lc;
  const leftLength = leafLength[leftLeaf]!;
  const rightLength = leafLength[rightLeaf]!;
  const total = leftLength + rightLength;
  if (total <= lc) {
    keys.copyWithin(leftBase + leftLength, rightBase, rightBase + rightLength);
    leafLength[leftLeaf] = total;
    store.claimSlots(leftLeaf, leftLength, total);
    store.leafNext[leftLeaf] = store.leafNext[rightLeaf]!;
    store.freeLeaf(rightLeaf);
    branchCount[entry] = total;
    branchMin[entry] = keys[leftBase]!;
    removeEntry(store, branch, left + 1);
    return;
  }
  const newLeft = total >>> 1;
  if (leftLength < newLeft) {
    const moved = newLeft - leftLength;
    keys.copyWithin(leftBase + leftLength, rightBase, rightBase + moved);
    keys.copyWithin(rightBase, rightBase + moved, rightBase + rightLength);
    store.claimSlots(leftLeaf, leftLength, newLeft);
  } else {
    const moved = leftLength - newLeft;
    keys.copyWithin(rightBase + moved, rightBase, rightBase + rightLength);
    keys.copyWithin(rightBase, leftBase + newLeft, leftBase + leftLength);
    store.claimSlots(rightLeaf, 0, moved);
  }
  leafLength[leftLeaf] = newLeft;
  leafLength[rightLeaf] = total - newLeft;
  branchCount[entry] = newLeft;
  branchCount[entry + 1] = total - newLeft;
  branchMin[entry] = keys[leftBase]!;
  branchMin[entry + 1] = keys[rightBase]!;
}

/**
 * {@link joinLeaves} for two branches: entries move with their counts and mins; `leaves` tells
 * whether the entries' children are leaves.
 */
function joinBranches(store: OrderIndexStore, branch: number, left: number, leaves: boolean): void {
  const { branchLength, branchChild, branchCount, branchMin } = store;
  const bc = store.branchCapacity;
  const entry = branch * bc + left;
  const leftBranch = branchChild[entry]!;
  const rightBranch = branchChild[entry + 1]!;
  const leftBase = leftBranch * bc;
  const rightBase = rightBranch * bc;
  const leftLength = branchLength[leftBranch]!;
  const rightLength = branchLength[rightBranch]!;
  const total = leftLength + rightLength;
  if (total <= bc) {
    moveEntries(store, rightBase, leftBase + leftLength, rightLength);
    branchLength[leftBranch] = total;
    store.adopt(leftBranch, leftLength, total, leaves);
    store.freeBranch(rightBranch);
    branchCount[entry] = branchCount[entry]! + branchCount[entry + 1]!;
    removeEntry(store, branch, left + 1);
    return;
  }
  const newLeft = total >>> 1;
  let movedCount = 0;
  if (leftLength < newLeft) {
    const moved = newLeft - leftLength;
    for (let i = rightBase; i < rightBase + moved; i++) movedCount += branchCount[i]!;
    moveEntries(store, rightBase, leftBase + leftLength, moved);
    moveEntries(store, rightBase + moved, rightBase, rightLength - moved);
    store.adopt(leftBranch, leftLength, newLeft, leaves);
  } else {
    const moved = leftLength - newLeft;
    for (let i = leftBase + newLeft; i < leftBase + leftLength; i++) movedCount -= branchCount[i]!;
    moveEntries(store, rightBase, rightBase + moved, rightLength);
    moveEntries(store, leftBase + newLeft, rightBase, moved);
    store.adopt(rightBranch, 0, moved, leaves);
  }
  branchLength[leftBranch] = newLeft;
  branchLength[rightBranch] = total - newLeft;
  branchCount[entry] = branchCount[entry]! + movedCount;
  branchCount[entry + 1] = branchCount[entry + 1]! - movedCount;
  branchMin[entry] = branchMin[leftBase]!;
  branchMin[entry + 1] = branchMin[rightBase]!;
}

function removeEntry(store: OrderIndexStore, branch: number, index: number): void {
  const base = branch * store.branchCapacity;
  const length = store.branchLength[branch]! - 1;
  moveEntries(store, base + index + 1, base + index, length - index);
  store.branchLength[branch] = length;
}
