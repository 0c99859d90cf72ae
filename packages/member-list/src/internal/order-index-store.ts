/** The id of no node: an empty next-leaf link or an empty free list. */
export const NO_NODE = -1;

/** Pools grow by half their size, so a pool never holds more than a third of spare room. */
const GROWTH_NUMERATOR = 3;
const GROWTH_DENOMINATOR = 2;
const INITIAL_NODES = 4;
/** Deeper than any tree can get: even with two children per branch, 2^31 slots need 31 levels. */
const MAX_DEPTH = 64;

/**
 * The node pools of an `OrderIndex`: every leaf and branch lives in flat `Int32Array`s,
 * addressed by a node id, so a million slots cost a few large arrays instead of thousands of
 * objects.
 *
 * ```
 * leaf id L:    leafKeys[L*leafCapacity .. +leafLength[L])    slots in key order
 *               leafNext[L]                                   next leaf in key order (or free-list link)
 *               leafParent[L]                                 the branch above it
 * branch id B:  branchChild[B*branchCapacity + i]             child id (a leaf when B is one level above the leaves)
 *               branchCount[B*branchCapacity + i]             slots under that child
 *               branchMin[B*branchCapacity + i]               smallest slot under that child
 *               branchLength[B]                               children in use
 *               branchParent[B]                               the branch above it
 * slot S:       leafOf[S]                                     the leaf holding S, or NO_NODE
 * ```
 *
 * `leafOf` and the parent links let `remove` and `rankOf` start at the slot's leaf and climb,
 * with no comparison at all; only `insert` descends with the comparator. `leafOf` is as long as
 * the largest slot seen, so slots should be dense (the member list hands out 0, 1, 2, …).
 *
 * `branchMin` always names a slot that is present, so its sort key is the one it was inserted
 * with (callers change a record only while its slot is out of the index). Freed nodes are kept
 * on free lists linked through `leafNext` and `branchChild[B*branchCapacity]`. Arrays are
 * replaced when a pool grows, so callers re-read them after {@link OrderIndexStore.allocLeaf}
 * and {@link OrderIndexStore.allocBranch}.
 */
export class OrderIndexStore {
  leafKeys: Int32Array;
  leafLength: Int32Array;
  leafNext: Int32Array;
  leafParent: Int32Array;
  branchChild: Int32Array;
  branchCount: Int32Array;
  branchMin: Int32Array;
  branchLength: Int32Array;
  branchParent: Int32Array;
  leafOf: Int32Array;
  /** The root node: a leaf when {@link OrderIndexStore.height} is 0, else a branch. */
  root = 0;
  /** Branch levels above the leaves. */
  height = 0;
  /** Slots held. */
  size = 0;
  /**
   * The branches the last descent went through, root first: `pathNode[level]` is a branch and
   * `pathIndex[level]` the child taken in it. Preallocated, so a descent allocates nothing.
   */
  readonly pathNode = new Int32Array(MAX_DEPTH);
  readonly pathIndex = new Int32Array(MAX_DEPTH);
  /** Leaf ids handed out so far (freed ones included); the pool's high-water mark. */
  private leafTop = 1;
  private branchTop = 0;
  private freeLeaves = NO_NODE;
  private freeBranches = NO_NODE;

  /**
   * @param leafCapacity - slots per leaf.
   * @param branchCapacity - children per branch.
   */
  constructor(
    readonly leafCapacity: number,
    readonly branchCapacity: number,
  ) {
    this.leafKeys = new Int32Array(INITIAL_NODES * leafCapacity);
    this.leafLength = new Int32Array(INITIAL_NODES);
    this.leafNext = new Int32Array(INITIAL_NODES).fill(NO_NODE);
    this.leafParent = new Int32Array(INITIAL_NODES).fill(NO_NODE);
    this.branchChild = new Int32Array(INITIAL_NODES * branchCapacity);
    this.branchCount = new Int32Array(INITIAL_NODES * branchCapacity);
    this.branchMin = new Int32Array(INITIAL_NODES * branchCapacity);
    this.branchLength = new Int32Array(INITIAL_NODES);
    this.branchParent = new Int32Array(INITIAL_NODES).fill(NO_NODE);
    this.leafOf = new Int32Array(0);
  }

  /**
   * Drops every node and sizes the pools for a bulk build, with room to grow by an eighth.
   *
   * @param leaves - leaves the build hands out (ids `0 .. leaves-1`).
   * @param branches - branches the build hands out (ids `0 .. branches-1`).
   * @param slotLimit - one more than the largest slot the build holds.
   */
  reset(leaves: number, branches: number, slotLimit: number): void {
    const leafRoom = Math.max(INITIAL_NODES, leaves + (leaves >>> 3));
    const branchRoom = Math.max(INITIAL_NODES, branches + (branches >>> 3));
    this.leafKeys = new Int32Array(leafRoom * this.leafCapacity);
    this.leafLength = new Int32Array(leafRoom);
    this.leafNext = new Int32Array(leafRoom).fill(NO_NODE);
    this.leafParent = new Int32Array(leafRoom).fill(NO_NODE);
    this.branchChild = new Int32Array(branchRoom * this.branchCapacity);
    this.branchCount = new Int32Array(branchRoom * this.branchCapacity);
    this.branchMin = new Int32Array(branchRoom * this.branchCapacity);
    this.branchLength = new Int32Array(branchRoom);
    this.branchParent = new Int32Array(branchRoom).fill(NO_NODE);
    this.leafOf = new Int32Array(slotLimit).fill(NO_NODE);
    this.leafTop = Math.max(1, leaves);
    this.branchTop = branches;
    this.freeLeaves = NO_NODE;
    this.freeBranches = NO_NODE;
    this.root = 0;
    this.height = 0;
    this.size = 0;
  }

  /**
   * Makes room in {@link OrderIndexStore.leafOf} for `slot`, growing it by at least half.
   *
   * @param slot - a slot about to be inserted.
   */
  reserveSlot(slot: number): void {
    const length = this.leafOf.length;
    if (slot < length) return;
    const grownTo = Math.max(slot + 1, Math.ceil((length * GROWTH_NUMERATOR) / GROWTH_DENOMINATOR));
    const table = new Int32Array(grownTo).fill(NO_NODE, length);
    table.set(this.leafOf);
    this.leafOf = table;
  }

  /** @returns the id of an empty leaf. */
  allocLeaf(): number {
    const free = this.freeLeaves;
    if (free !== NO_NODE) {
      this.freeLeaves = this.leafNext[free]!;
      this.leafNext[free] = NO_NODE;
      this.leafLength[free] = 0;
      return free;
    }
    if (this.leafTop === this.leafLength.length) this.growLeaves();
    return this.leafTop++;
  }

  /** @param leaf - a leaf no longer linked into the tree. */
  freeLeaf(leaf: number): void {
    this.leafLength[leaf] = 0;
    this.leafNext[leaf] = this.freeLeaves;
    this.freeLeaves = leaf;
  }

  /** @returns the id of an empty branch. */
  allocBranch(): number {
    const free = this.freeBranches;
    if (free !== NO_NODE) {
      this.freeBranches = this.branchChild[free * this.branchCapacity]!;
      this.branchLength[free] = 0;
      return free;
    }
    if (this.branchTop === this.branchLength.length) this.growBranches();
    return this.branchTop++;
  }

  /** @param branch - a branch no longer linked into the tree. */
  freeBranch(branch: number): void {
    this.branchLength[branch] = 0;
    this.branchChild[branch * this.branchCapacity] = this.freeBranches;
    this.freeBranches = branch;
  }

  /** @returns the bytes of every typed array the pools hold, spare capacity included. */
  bytes(): number {
    return (
      this.leafKeys.byteLength +
      this.leafLength.byteLength +
      this.leafNext.byteLength +
      this.leafParent.byteLength +
      this.branchChild.byteLength +
      this.branchCount.byteLength +
      this.branchMin.byteLength +
      this.branchLength.byteLength +
      this.branchParent.byteLength +
      this.leafOf.byteLength
    );
  }

  private growLeaves(): void {
    const room = Math.ceil((this.leafLength.length * GROWTH_NUMERATOR) / GROWTH_DENOMINATOR);
    this.leafKeys = grown(this.leafKeys, room * this.leafCapacity);
    this.leafLength = grown(this.leafLength, room);
    const next = grown(this.leafNext, room);
    next.fill(NO_NODE, this.leafNext.length);
    this.leafNext = next;
    this.leafParent = grown(this.leafParent, room);
  }

  private growBranches(): void {
    const room = Math.ceil((this.branchLength.length * GROWTH_NUMERATOR) / GROWTH_DENOMINATOR);
    this.branchChild = grown(this.branchChild, room * this.branchCapacity);
    this.branchCount = grown(this.branchCount, room * this.branchCapacity);
    this.branchMin = grown(this.branchMin, room * this.branchCapacity);
    this.branchLength = grown(this.branchLength, room);
    this.branchParent = grown(this.branchParent, room);
  }

  /**
   * Points the children `[from, to)` of `branch` back at it (after they moved into it).
   *
   * @param branch - their new parent.
   * @param from - the first child index.
   * @param to - one past the last child index.
   * @param leaves - whether the children are leaves (else branches).
   */
  adopt(branch: number, from: number, to: number, leaves: boolean): void {
    const parent = leaves ? this.leafParent : this.branchParent;
    const base = branch * this.branchCapacity;
    for (let i = base + from; i < base + to; i++) parent[this.branchChild[i]!] = branch;
  }

  /**
   * Points the slots at positions `[from, to)` of `leaf` back at it (after they moved into it).
   *
   * @param leaf - their new leaf.
   * @param from - the first position.
   * @param to - one past the last position.
   */
  claimSlots(leaf: number, from: number, to: number): void {
    const base = leaf * this.leafCapacity;
    for (let i = base + from; i < base + to; i++) this.leafOf[this.leafKeys[i]!] = leaf;
  }
}

function grown(array: Int32Array, length: number): Int32Array {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}
