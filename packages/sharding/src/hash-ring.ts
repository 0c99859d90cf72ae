import xxhash from 'xxhash-wasm';
import { ShardingError, ShardingErrorCode } from './errors.js';
import { assertShardCount, assertShardId } from './internal/validate.js';
import { xxh32OfUint32 } from './internal/xxh32.js';

type Hash32 = (input: string) => number;

/** A gateway node on a ring: its id, or its id and a weight. */
export type RingNode = string | { readonly id: string; readonly weight?: number };

/** Options for {@link HashRing.create}. */
export interface HashRingOptions {
  /** The initial nodes; their order does not matter. */
  readonly nodes?: readonly RingNode[];
  /**
   * Points per node of weight 1 on the ring; a node of weight `w` gets
   * `max(1, round(virtualNodes * w))`. More points: smoother balance, slower add/remove.
   * @defaultValue 160
   */
  readonly virtualNodes?: number;
}

/**
 * Defaults of {@link HashRingOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_HASH_RING_OPTIONS } from '@guildkit/sharding';
 *
 * DEFAULT_HASH_RING_OPTIONS.virtualNodes; // 160
 * ```
 */
export const DEFAULT_HASH_RING_OPTIONS = {
  virtualNodes: 160,
} as const satisfies Required<Omit<HashRingOptions, 'nodes'>>;

interface Point {
  readonly hash: number;
  readonly owner: string;
}

let hasherPromise: Promise<Hash32> | undefined;

function loadHasher(): Promise<Hash32> {
  hasherPromise ??= xxhash().then((api) => (input: string) => api.h32(input));
  return hasherPromise;
}

function invalidOption(message: string): ShardingError {
  return new ShardingError(ShardingErrorCode.InvalidOption, message);
}

/**
 * A consistent-hash ring placing shards on gateway nodes. Each node owns `virtualNodes` points
 * (`xxh32("<nodeId>#<i>")`); a shard belongs to the owner of the first point at or after
 * `xxh32(shardId as 4 little-endian bytes)`, wrapping around. Adding or removing one of N nodes
 * therefore moves only about 1/N of the shards, all to the new node or all off the removed one,
 * and the placement depends only on the set of nodes, never on the order they were added in.
 *
 * @example
 * ```ts
 * import { HashRing } from '@guildkit/sharding';
 *
 * const ring = await HashRing.create({ nodes: ['gateway-a', 'gateway-b', 'gateway-c'] });
 * const node = ring.nodeForShard(42); // one of the three, the same on every process
 * ring.addNode('gateway-d'); // ~1/4 of the shards move, all of them to gateway-d
 * ring.shardsForNode('gateway-d', 1024); // the shards gateway-d now serves
 * ```
 */
export class HashRing {
  readonly #hash: Hash32;
  readonly #virtualNodes: number;
  readonly #members = new Map<string, Uint32Array>();
  #points = new Uint32Array(0);
  #owners: string[] = [];

  private constructor(hash: Hash32, virtualNodes: number) {
    this.#hash = hash;
    this.#virtualNodes = virtualNodes;
  }

  /**
   * Builds a ring; asynchronous because the xxHash WebAssembly module loads once per process.
   *
   * @param options - the initial nodes and the number of virtual nodes.
   * @returns the ring.
   * @throws ShardingError `GK_SHARDING_INVALID_OPTION` when `virtualNodes` is not a positive safe
   * integer, a node id is empty or a weight is not a positive finite number.
   * @throws ShardingError `GK_SHARDING_DUPLICATE_NODE` when two nodes share an id.
   * @example
   * ```ts
   * const ring = await HashRing.create({
   *   nodes: ['gateway-a', { id: 'gateway-big', weight: 2 }],
   *   virtualNodes: 200,
   * });
   * ```
   */
  static async create(options: HashRingOptions = {}): Promise<HashRing> {
    const virtualNodes = options.virtualNodes ?? DEFAULT_HASH_RING_OPTIONS.virtualNodes;
    if (!Number.isSafeInteger(virtualNodes) || virtualNodes < 1) {
      throw invalidOption(`virtualNodes must be a positive safe integer, got ${virtualNodes}`);
    }
    const ring = new HashRing(await loadHasher(), virtualNodes);
    for (const node of options.nodes ?? []) ring.#insert(node);
    ring.#rebuild();
    return ring;
  }

  /**
   * The ring's members.
   *
   * @returns the ids of the ring's nodes, sorted.
   */
  get nodes(): string[] {
    return [...this.#members.keys()].sort();
  }

  /**
   * Whether a node is on the ring.
   *
   * @param nodeId - a node id.
   * @returns whether the ring holds that node.
   */
  has(nodeId: string): boolean {
    return this.#members.has(nodeId);
  }

  /**
   * Adds a node; the shards it takes over come from the other nodes, nothing else moves.
   *
   * @param node - the node's id, or its id and weight.
   * @throws ShardingError `GK_SHARDING_DUPLICATE_NODE` when a node with that id is present.
   * @throws ShardingError `GK_SHARDING_INVALID_OPTION` when the id is empty or the weight is not
   * a positive finite number.
   */
  addNode(node: RingNode): void {
    this.#insert(node);
    this.#rebuild();
  }

  /**
   * Removes a node; only its shards move, each to the next point's owner.
   *
   * @param nodeId - the id of the node to remove.
   * @throws ShardingError `GK_SHARDING_UNKNOWN_NODE` when the ring holds no such node.
   */
  removeNode(nodeId: string): void {
    if (!this.#members.delete(nodeId)) throw this.#unknown(nodeId);
    this.#rebuild();
  }

  /**
   * The node that serves a shard.
   *
   * @param shardId - an integer in `[0, 2^32)`.
   * @returns the owning node's id.
   * @throws ShardingError `GK_SHARDING_INVALID_SHARD_ID` when `shardId` is out of range.
   * @throws ShardingError `GK_SHARDING_EMPTY_RING` when the ring has no nodes.
   */
  nodeForShard(shardId: number): string {
    assertShardId(shardId);
    const points = this.#points;
    if (points.length === 0) {
      throw new ShardingError(ShardingErrorCode.EmptyRing, 'the ring has no nodes');
    }
    const key = xxh32OfUint32(shardId);
    let low = 0;
    let high = points.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (points[middle]! < key) low = middle + 1;
      else high = middle;
    }
    return this.#owners[low === points.length ? 0 : low]!;
  }

  /**
   * The shards among `0 .. shardCount - 1` that a node serves.
   *
   * @param nodeId - a node of the ring.
   * @param shardCount - the total number of shards, a positive safe integer.
   * @returns the node's shard ids, ascending.
   * @throws ShardingError `GK_SHARDING_UNKNOWN_NODE` when the ring holds no such node.
   * @throws ShardingError `GK_SHARDING_INVALID_SHARD_COUNT` when `shardCount` is invalid.
   */
  shardsForNode(nodeId: string, shardCount: number): number[] {
    if (!this.#members.has(nodeId)) throw this.#unknown(nodeId);
    assertShardCount(shardCount);
    const shards: number[] = [];
    for (let shardId = 0; shardId < shardCount; shardId++) {
      if (this.nodeForShard(shardId) === nodeId) shards.push(shardId);
    }
    return shards;
  }

  #insert(node: RingNode): void {
    const id = typeof node === 'string' ? node : node.id;
    const weight = typeof node === 'string' ? 1 : (node.weight ?? 1);
    if (typeof id !== 'string' || id.length === 0) {
      throw invalidOption('a node id must be a non-empty string');
    }
    if (!Number.isFinite(weight) || weight <= 0) {
      throw invalidOption(`the weight of node "${id}" must be a positive finite number`);
    }
    if (this.#members.has(id)) {
      throw new ShardingError(
        ShardingErrorCode.DuplicateNode,
        `node "${id}" is already on the ring`,
      );
    }
    const count = Math.max(1, Math.round(this.#virtualNodes * weight));
    const hashes = new Uint32Array(count);
    for (let index = 0; index < count; index++) hashes[index] = this.#hash(`${id}#${index}`);
    this.#members.set(id, hashes);
  }

  #rebuild(): void {
    const points: Point[] = [];
    for (const [owner, hashes] of this.#members) {
      for (const hash of hashes) points.push({ hash, owner });
    }
    // Ties between nodes are broken by id so the ring depends only on the set of nodes.
    points.sort((a, b) => a.hash - b.hash || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
    this.#points = Uint32Array.from(points, (point) => point.hash);
    this.#owners = points.map((point) => point.owner);
  }

  #unknown(nodeId: string): ShardingError {
    return new ShardingError(ShardingErrorCode.UnknownNode, `node "${nodeId}" is not on the ring`);
  }
}
