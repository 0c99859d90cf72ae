import { minBranchFill, minLeafFill } from './order-index-remove.js';
import { NO_NODE, type OrderIndexStore } from './order-index-store.js';

/**
 * Walks the whole tree and lists every broken structural invariant: each count equals its
 * subtree's size, each min is its subtree's first slot, slots are strictly ascending under
 * `compare` across all leaves, the leaf chain visits the leaves in order, parent links and the
 * slot -> leaf table point at the right nodes, non-root nodes are filled within
 * `[min fill, capacity]` and the root branch has at least two children. O(n); a debugging aid.
 *
 * @param store - the pools of the index.
 * @param compare - the index's comparator.
 * @returns one message per violation; empty when the tree is sound.
 */
export function findViolations(
  store: OrderIndexStore,
  compare: (a: number, b: number) => number,
): string[] {
  const problems: string[] = [];
  const leaves: number[] = [];
  const bc = store.branchCapacity;
  const lc = store.leafCapacity;
  const stack: { node: number; depth: number; isRoot: boolean }[] = [
    { node: store.root, depth: 0, isRoot: true },
  ];
  const sizeOf = new Map<string, number>();
  const firstOf = new Map<string, number>();
  const order: { node: number; depth: number }[] = [];
  while (stack.length > 0) {
    const { node, depth, isRoot } = stack.pop()!;
    order.push({ node, depth });
    if (depth === store.height) {
      leaves.push(node);
      const length = store.leafLength[node]!;
      if (length > lc) problems.push(`leaf ${node} holds ${length} > ${lc} slots`);
      if (!isRoot && length < minLeafFill(lc)) problems.push(`leaf ${node} underfull: ${length}`);
      continue;
    }
    const length = store.branchLength[node]!;
    if (length > bc) problems.push(`branch ${node} holds ${length} > ${bc} children`);
    if (isRoot && length < 2) problems.push(`root branch ${node} has ${length} child`);
    if (!isRoot && length < minBranchFill(bc)) problems.push(`branch ${node} underfull: ${length}`);
    const parents = depth + 1 === store.height ? store.leafParent : store.branchParent;
    for (let i = length - 1; i >= 0; i--) {
      const child = store.branchChild[node * bc + i]!;
      if (parents[child] !== node)
        problems.push(`child ${i} of branch ${node} has the wrong parent`);
      stack.push({ node: child, depth: depth + 1, isRoot: false });
    }
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const { node, depth } = order[k]!;
    const key = `${depth}:${node}`;
    if (depth === store.height) {
      sizeOf.set(key, store.leafLength[node]!);
      firstOf.set(key, store.leafKeys[node * lc]!);
      continue;
    }
    let size = 0;
    for (let i = 0; i < store.branchLength[node]!; i++) {
      const entry = node * bc + i;
      const childKey = `${depth + 1}:${store.branchChild[entry]!}`;
      const childSize = sizeOf.get(childKey) ?? 0;
      size += childSize;
      if (store.branchCount[entry] !== childSize) {
        problems.push(
          `branch ${node} child ${i}: count ${store.branchCount[entry]} != ${childSize}`,
        );
      }
      if (store.branchMin[entry] !== firstOf.get(childKey)) {
        problems.push(
          `branch ${node} child ${i}: min ${store.branchMin[entry]} is not its first slot`,
        );
      }
    }
    sizeOf.set(key, size);
    firstOf.set(key, store.branchMin[node * bc]!);
  }
  if ((sizeOf.get(`0:${store.root}`) ?? -1) !== store.size) {
    problems.push(`size ${store.size} != ${sizeOf.get(`0:${store.root}`)} slots in the tree`);
  }
  let mapped = 0;
  for (const leaf of store.leafOf) if (leaf !== NO_NODE) mapped++;
  if (mapped !== store.size) problems.push(`${mapped} slots mapped to leaves, size ${store.size}`);
  let previous: number | undefined;
  for (const [i, leaf] of leaves.entries()) {
    const expectedNext = leaves[i + 1] ?? NO_NODE;
    if (store.leafNext[leaf] !== expectedNext)
      problems.push(`leaf ${leaf} links to the wrong leaf`);
    for (let p = 0; p < store.leafLength[leaf]!; p++) {
      const slot = store.leafKeys[leaf * lc + p]!;
      if (store.leafOf[slot] !== leaf) problems.push(`slot ${slot} is not mapped to leaf ${leaf}`);
      if (previous !== undefined && !(compare(previous, slot) < 0)) {
        problems.push(`slot ${slot} is not after slot ${previous}`);
      }
      previous = slot;
    }
  }
  return problems;
}
