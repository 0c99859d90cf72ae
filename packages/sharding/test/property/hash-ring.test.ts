import { fc, test } from '@fast-check/vitest';
import { HashRing } from '@guildkit/sharding';
import { describe, expect } from 'vitest';

const SHARDS = 1024;
/** Per ring, the moved fraction must lie within ±60% of 1/N (measured worst case: ~35%). */
const PER_RING_TOLERANCE = 0.6;
/** Averaged over all rings of a run, within ±10% of 1/N. */
const MEAN_TOLERANCE = 0.1;

const nodeIds = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), {
  minLength: 4,
  maxLength: 16,
});

function placement(ring: HashRing): string[] {
  return Array.from({ length: SHARDS }, (_, shardId) => ring.nodeForShard(shardId));
}

describe('HashRing minimal movement', () => {
  test('adding a node to N moves ~1/(N+1) of the shards, all of them to the new node', async () => {
    const ratios: number[] = [];
    await fc.assert(
      fc.asyncProperty(nodeIds, async (nodes) => {
        const newcomer = `${nodes.join('|')}+new`;
        const ring = await HashRing.create({ nodes });
        const before = placement(ring);
        ring.addNode(newcomer);
        const after = placement(ring);
        let moved = 0;
        for (let s = 0; s < SHARDS; s++) {
          if (after[s] === before[s]) continue;
          expect(after[s]).toBe(newcomer);
          moved++;
        }
        const expected = 1 / (nodes.length + 1);
        const ratio = moved / SHARDS / expected;
        ratios.push(ratio);
        expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(PER_RING_TOLERANCE);
      }),
      { numRuns: 100 },
    );
    const mean = ratios.reduce((sum, r) => sum + r, 0) / ratios.length;
    expect(Math.abs(mean - 1)).toBeLessThanOrEqual(MEAN_TOLERANCE);
  });

  test('removing one of N nodes moves ~1/N of the shards, all of them off that node', async () => {
    const ratios: number[] = [];
    await fc.assert(
      fc.asyncProperty(nodeIds, fc.nat(), async (nodes, pick) => {
        const victim = nodes[pick % nodes.length]!;
        const ring = await HashRing.create({ nodes });
        const before = placement(ring);
        ring.removeNode(victim);
        const after = placement(ring);
        let moved = 0;
        for (let s = 0; s < SHARDS; s++) {
          if (after[s] === before[s]) continue;
          expect(before[s]).toBe(victim);
          moved++;
        }
        expect(after).not.toContain(victim);
        const ratio = moved / SHARDS / (1 / nodes.length);
        ratios.push(ratio);
        expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(PER_RING_TOLERANCE);
      }),
      { numRuns: 100 },
    );
    const mean = ratios.reduce((sum, r) => sum + r, 0) / ratios.length;
    expect(Math.abs(mean - 1)).toBeLessThanOrEqual(MEAN_TOLERANCE);
  });

  test.prop(
    [
      nodeIds.chain((nodes) =>
        fc.tuple(fc.constant(nodes), fc.shuffledSubarray(nodes, { minLength: nodes.length })),
      ),
    ],
    { numRuns: 30 },
  )(
    'placement depends on the set of nodes only, not on insertion order',
    async ([nodes, shuffled]) => {
      const a = await HashRing.create({ nodes });
      const b = await HashRing.create({ nodes: shuffled.slice(0, 1) });
      for (const id of shuffled.slice(1)) b.addNode(id);
      expect(placement(b)).toEqual(placement(a));
    },
  );
});
