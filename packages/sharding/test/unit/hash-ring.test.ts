import { HashRing, ShardingError, ShardingErrorCode } from '@guildkit/sharding';
import { beforeAll, describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';

type XXHashApi = Awaited<ReturnType<typeof xxhash>>;
let api: XXHashApi;

beforeAll(async () => {
  api = await xxhash();
});

/** The documented placement, written as plainly as possible: a linear scan of sorted points. */
function naiveOwner(
  nodes: readonly { id: string; weight: number }[],
  virtualNodes: number,
  shardId: number,
): string {
  const points: { hash: number; owner: string }[] = [];
  for (const node of nodes) {
    const count = Math.max(1, Math.round(virtualNodes * node.weight));
    for (let i = 0; i < count; i++)
      points.push({ hash: api.h32(`${node.id}#${i}`), owner: node.id });
  }
  points.sort((a, b) => a.hash - b.hash || a.owner.localeCompare(b.owner));
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, shardId, true);
  const key = api.h32Raw(bytes);
  return (points.find((point) => point.hash >= key) ?? points[0])!.owner;
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return error instanceof ShardingError ? error.code : undefined;
  }
  return undefined;
}

describe('HashRing', () => {
  it('places each shard on the owner of the next point, as the naive model does', async () => {
    const nodes = ['gateway-a', 'gateway-b', 'gateway-c'];
    const ring = await HashRing.create({ nodes, virtualNodes: 40 });
    const model = nodes.map((id) => ({ id, weight: 1 }));
    const shards = [0, 1, 2, 3, 100, 1023, 65_535, 2 ** 31, 2 ** 32 - 1];
    for (const shardId of shards) {
      expect(ring.nodeForShard(shardId)).toBe(naiveOwner(model, 40, shardId));
    }
  });

  it('uses 160 virtual nodes by default', async () => {
    const nodes = ['a', 'b', 'c', 'd'];
    const ring = await HashRing.create({ nodes });
    const model = nodes.map((id) => ({ id, weight: 1 }));
    for (let shardId = 0; shardId < 256; shardId++) {
      expect(ring.nodeForShard(shardId)).toBe(naiveOwner(model, 160, shardId));
    }
  });

  it('gives a node of weight 3 three times the points of a node of weight 1', async () => {
    const ring = await HashRing.create({ nodes: ['light', { id: 'heavy', weight: 3 }] });
    const model = [
      { id: 'light', weight: 1 },
      { id: 'heavy', weight: 3 },
    ];
    for (let shardId = 0; shardId < 256; shardId++) {
      expect(ring.nodeForShard(shardId)).toBe(naiveOwner(model, 160, shardId));
    }
    const heavy = ring.shardsForNode('heavy', 4096).length;
    expect(heavy / 4096).toBeGreaterThan(0.6);
  });

  it('places shards the same way whatever order the nodes come in', async () => {
    const forward = await HashRing.create({ nodes: ['n1', 'n2', 'n3', 'n4', 'n5'] });
    const backward = await HashRing.create({ nodes: ['n5', 'n4', 'n3', 'n2', 'n1'] });
    const grown = await HashRing.create({ nodes: ['n3'] });
    for (const id of ['n1', 'n5', 'n2', 'n4']) grown.addNode(id);
    for (let shardId = 0; shardId < 512; shardId++) {
      const owner = forward.nodeForShard(shardId);
      expect(backward.nodeForShard(shardId)).toBe(owner);
      expect(grown.nodeForShard(shardId)).toBe(owner);
    }
  });

  it('partitions the shards between the nodes with shardsForNode', async () => {
    const ring = await HashRing.create({ nodes: ['a', 'b', 'c'] });
    const all = ring.nodes.flatMap((node) => ring.shardsForNode(node, 300));
    expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    for (const shardId of ring.shardsForNode('b', 300))
      expect(ring.nodeForShard(shardId)).toBe('b');
  });

  it('lists its nodes sorted and answers has()', async () => {
    const ring = await HashRing.create({ nodes: ['zeta', 'alpha'] });
    ring.addNode('mid');
    expect(ring.nodes).toEqual(['alpha', 'mid', 'zeta']);
    ring.removeNode('zeta');
    expect(ring.nodes).toEqual(['alpha', 'mid']);
    expect(ring.has('alpha')).toBe(true);
    expect(ring.has('zeta')).toBe(false);
  });

  it('moves only the removed node’s shards when a node leaves', async () => {
    const ring = await HashRing.create({ nodes: ['a', 'b', 'c', 'd'] });
    const before = Array.from({ length: 1024 }, (_, s) => ring.nodeForShard(s));
    ring.removeNode('c');
    for (let s = 0; s < 1024; s++) {
      if (before[s] !== 'c') expect(ring.nodeForShard(s)).toBe(before[s]);
      else expect(ring.nodeForShard(s)).not.toBe('c');
    }
  });

  it('rejects lookups on an empty ring with GK_SHARDING_EMPTY_RING', async () => {
    const ring = await HashRing.create();
    expect(await codeOf(() => ring.nodeForShard(0))).toBe(ShardingErrorCode.EmptyRing);
    ring.addNode('only');
    expect(ring.nodeForShard(0)).toBe('only');
    ring.removeNode('only');
    expect(await codeOf(() => ring.nodeForShard(0))).toBe(ShardingErrorCode.EmptyRing);
  });

  it('rejects duplicate, unknown and malformed nodes with their codes', async () => {
    const ring = await HashRing.create({ nodes: ['a'] });
    expect(await codeOf(() => ring.addNode('a'))).toBe(ShardingErrorCode.DuplicateNode);
    expect(await codeOf(() => ring.removeNode('b'))).toBe(ShardingErrorCode.UnknownNode);
    expect(await codeOf(() => ring.shardsForNode('b', 4))).toBe(ShardingErrorCode.UnknownNode);
    expect(await codeOf(() => ring.addNode(''))).toBe(ShardingErrorCode.InvalidOption);
    expect(await codeOf(() => ring.addNode({ id: 'w', weight: 0 }))).toBe(
      ShardingErrorCode.InvalidOption,
    );
    expect(await codeOf(() => ring.addNode({ id: 'w', weight: Number.NaN }))).toBe(
      ShardingErrorCode.InvalidOption,
    );
    expect(await codeOf(() => HashRing.create({ nodes: ['x', 'x'] }))).toBe(
      ShardingErrorCode.DuplicateNode,
    );
    expect(await codeOf(() => HashRing.create({ virtualNodes: 0 }))).toBe(
      ShardingErrorCode.InvalidOption,
    );
    expect(ring.nodes).toEqual(['a']);
  });

  it('rejects shard ids outside [0, 2^32) and bad shard counts', async () => {
    const ring = await HashRing.create({ nodes: ['a'] });
    for (const shardId of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(await codeOf(() => ring.nodeForShard(shardId))).toBe(ShardingErrorCode.InvalidShardId);
    }
    expect(await codeOf(() => ring.shardsForNode('a', 0))).toBe(
      ShardingErrorCode.InvalidShardCount,
    );
  });
});
